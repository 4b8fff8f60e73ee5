"""The one event type of the per-contact path: a call scheduled on SimPy's event queue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heappush
from typing import Any, Final

import simpy

SCHEDULED_PRIORITY: Final = 1
"""``simpy.events.NORMAL``, the priority of an event scheduled with a delay, as a literal the
compiled build inlines (a test checks that it is SimPy's)."""


class Callback:
    """Runs ``callback(event)`` after ``delay``; ``event.subject`` carries ``subject``.

    What a SimPy ``Timeout`` with one fixed callback would do, for a fraction of its cost: it
    takes the queue entry ``Environment.schedule`` would give it (time, priority and sequence
    number), but it is not a SimPy event. The environment
    (``klarsim.kernel.environment.SimulationEnvironment``) calls ``callback`` directly, so
    SimPy's own ``step`` must never meet one, and a SimPy process must not yield one. Compiled
    with the per-contact modules, it is a native class: made and read without dictionaries.
    """

    __slots__ = ("callback", "subject")

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[Callback], None],
        subject: Any = None,
    ) -> None:
        self.callback = callback  # called with this very event
        self.subject = subject
        now: float = env._now  # typed locals: the compiled build adds C doubles
        eids: Iterator[int] = env._eid
        queue: list[Any] = env._queue
        heappush(queue, (now + delay, SCHEDULED_PRIORITY, next(eids), self))


def pending(env: simpy.Environment, callback: Callable[[Callback], None]) -> list[Any]:
    """The subjects of the Calls still scheduled to run ``callback`` (for end-of-run counts).

    Reading the event queue once at the end spares the per-contact path a set of its own.
    """
    queue: list[Any] = env._queue  # entries hold Callbacks as well as SimPy events
    return [
        event.subject
        for _, _, _, event in queue
        if type(event) is Callback and event.callback == callback
    ]
