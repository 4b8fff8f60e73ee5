"""The one entry type of the event queue: a call due at a time, SimPy's events wrapped in one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heappush
from typing import Any, Final, cast

import simpy

SCHEDULED_PRIORITY: Final = 1
"""``simpy.events.NORMAL``, the priority of an event scheduled with a delay, as a literal the
compiled build inlines (a test checks that it is SimPy's)."""


class Callback:
    """Runs ``callback(event)`` after ``delay``; ``event.subject`` carries ``subject``.

    It is its own queue entry: it holds the key ``Environment.schedule`` would put in a tuple
    (due time, priority, sequence number) and orders by it, so the heap compares two objects'
    fields instead of two tuples of boxed numbers. The environment
    (``klarsim.kernel.environment.SimulationEnvironment``) wraps SimPy's own events in one and
    calls ``callback``; a SimPy process must not yield one. Compiled with the per-contact
    modules, it is a native class: made, read and compared without dictionaries.
    """

    __slots__ = ("callback", "eid", "priority", "subject", "time")

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[Callback], None],
        subject: Any = None,
        priority: int = SCHEDULED_PRIORITY,
    ) -> None:
        self.callback = callback  # called with this very event
        self.subject = subject
        now: float = env._now  # typed locals: the compiled build adds C doubles
        eids: Iterator[int] = env._eid
        queue = cast("list[Callback]", env._queue)
        self.time: float = now + delay
        self.priority = priority
        self.eid: int = next(eids)
        heappush(queue, self)

    def __lt__(self, other: Callback) -> bool:
        """Earlier due time first, then lower priority, then earlier scheduling (as SimPy)."""
        if self.time != other.time:
            return self.time < other.time
        if self.priority != other.priority:
            return self.priority < other.priority
        return self.eid < other.eid


def pending(env: simpy.Environment, callback: Callable[[Callback], None]) -> list[Any]:
    """The subjects of the Calls still scheduled to run ``callback`` (for end-of-run counts).

    Reading the event queue once at the end spares the per-contact path a set of its own.
    """
    queue = cast("list[Callback]", env._queue)
    return [event.subject for event in queue if event.callback == callback]
