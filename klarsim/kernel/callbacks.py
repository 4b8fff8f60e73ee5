"""The event queue: its one entry type (a call due at a time, SimPy's events wrapped in one)
and the environment fields that hold the entries."""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any, Final

import simpy

SCHEDULED_PRIORITY: Final = 1
"""``simpy.events.NORMAL``, the priority of an event scheduled with a delay, as a literal the
compiled build inlines (a test checks that it is SimPy's)."""


class EventQueue(simpy.Environment):
    """SimPy's clock, queue and sequence counter, declared: compiled, they are fields of the
    object, which the per-contact path reads and writes without a dictionary (SimPy's own code
    reaches the same fields through their descriptors). The environment runs the queue
    (``klarsim.kernel.environment.SimulationEnvironment``)."""

    _now: float
    _queue: list[Callback]  # type: ignore[assignment]  # SimPy's entries are tuples
    _eid: count[int]


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
        env: EventQueue,
        delay: float,
        callback: Callable[[Callback], None],
        subject: Any = None,
        priority: int = SCHEDULED_PRIORITY,
    ) -> None:
        self.callback = callback  # called with this very event
        self.subject = subject
        self.time: float = env._now + delay
        self.priority = priority
        self.eid: int = next(env._eid)
        heappush(env._queue, self)

    def __lt__(self, other: Callback) -> bool:
        """Earlier due time first, then lower priority, then earlier scheduling (as SimPy)."""
        if self.time != other.time:
            return self.time < other.time
        if self.priority != other.priority:
            return self.priority < other.priority
        return self.eid < other.eid


def pending(env: EventQueue, callback: Callable[[Callback], None]) -> list[Any]:
    """The subjects of the Calls still scheduled to run ``callback`` (for end-of-run counts).

    Reading the event queue once at the end spares the per-contact path a set of its own.
    """
    return [event.subject for event in env._queue if event.callback == callback]
