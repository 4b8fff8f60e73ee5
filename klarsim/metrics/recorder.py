"""Per-interval accumulators filled while the engine runs; memory depends on intervals only.

Contact counts and waits go to the interval in which the contact arrived (as contact-centre
reports do); agent and queue time go to the interval in which it was spent.
"""

from __future__ import annotations

from collections.abc import Iterable

from klarsim.metrics.integral import TimeIntegral
from klarsim.model.contacts import Contact

CONTACT_COUNTERS = (
    "contacts",
    "offered_human",
    "waited",
    "answered",
    "answered_in_target",
    "wait_answered_min",
    "abandoned",
    "wait_abandoned_min",
    "completed",
    "handle_min",
)
"""Sums by arrival interval."""

TIME_COUNTERS = ("busy_agent_min", "staffed_agent_min", "queue_contact_min", "queue_end")
"""Sums by the interval in which the time passed (``queue_end``: contacts waiting at its end)."""

Totals = dict[str, float]


class Recorder:
    """Streams the statistics of one replication into fixed-size per-interval lists."""

    def __init__(self, intervals: int, service_level_target_min: float) -> None:
        self.intervals = intervals
        self.target_min = service_level_target_min
        self.sums: dict[str, list[float]] = {
            name: [0.0] * intervals for name in CONTACT_COUNTERS + TIME_COUNTERS
        }
        self._contacts = self.sums["contacts"]
        self._offered = self.sums["offered_human"]
        self._waited = self.sums["waited"]
        self._answered = self.sums["answered"]
        self._in_target = self.sums["answered_in_target"]
        self._wait_answered = self.sums["wait_answered_min"]
        self._abandoned = self.sums["abandoned"]
        self._wait_abandoned = self.sums["wait_abandoned_min"]
        self._completed = self.sums["completed"]
        self._handle = self.sums["handle_min"]

    def arrived(self, contact: Contact) -> None:
        self._contacts[contact.interval] += 1

    def offered(self, contact: Contact) -> None:
        self._offered[contact.interval] += 1

    def waited(self, contact: Contact) -> None:
        self._waited[contact.interval] += 1

    def answered(self, contact: Contact) -> None:
        index = contact.interval
        self._answered[index] += 1
        self._wait_answered[index] += contact.wait_min
        if contact.wait_min <= self.target_min:
            self._in_target[index] += 1

    def abandoned(self, contact: Contact) -> None:
        self._abandoned[contact.interval] += 1
        self._wait_abandoned[contact.interval] += contact.wait_min

    def completed(self, contact: Contact) -> None:
        self._completed[contact.interval] += 1
        self._handle[contact.interval] += contact.service_min

    def close_interval(
        self,
        index: int,
        now: float,
        busy: Iterable[TimeIntegral],
        staffed: Iterable[TimeIntegral],
        waiting: TimeIntegral,
    ) -> None:
        """Book the agent and queue time of interval ``index``, which ends at ``now``."""
        self.sums["busy_agent_min"][index] = sum(integral.take(now) for integral in busy)
        self.sums["staffed_agent_min"][index] = sum(integral.take(now) for integral in staffed)
        self.sums["queue_contact_min"][index] = waiting.take(now)
        self.sums["queue_end"][index] = waiting.level

    def totals(self, first_interval: int) -> Totals:
        """Sums over the intervals from ``first_interval`` (the end of the warm-up) on."""
        return {
            name: sum(values[first_interval:])
            for name, values in self.sums.items()
            if name != "queue_end"
        }
