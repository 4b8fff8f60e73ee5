"""The event queue: its one entry type (a call due at a time, SimPy's events wrapped in one)
and the environment fields that hold the entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import simpy

SCHEDULED_PRIORITY: Final = 1
"""``simpy.events.NORMAL``, the priority of an event scheduled with a delay, as a literal the
compiled build inlines (a test checks that it is SimPy's)."""


class EventQueue(simpy.Environment):
    """SimPy's clock and queue, declared, and the queue's sequence counter: compiled, they are
    fields of the object, which the per-contact path reads and writes without a dictionary
    (SimPy's own code reaches the same fields through their descriptors). The environment
    runs the queue (``klarsim.kernel.environment.SimulationEnvironment``)."""

    _now: float
    _queue: list[Callback]  # type: ignore[assignment]  # SimPy's entries are tuples
    scheduled: int = 0
    """Entries queued so far, the next one's sequence number (SimPy's ``_eid``, unused)."""


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
        self.eid: int = env.scheduled
        env.scheduled = self.eid + 1
        push(env._queue, self)

    def __lt__(self, other: Callback) -> bool:
        """Earlier due time first, then lower priority, then earlier scheduling (as SimPy)."""
        return earlier(self, other)


def earlier(first: Callback, second: Callback) -> bool:
    """Whether ``first`` runs before ``second``: by due time, priority, then sequence."""
    if first.time != second.time:
        return first.time < second.time
    if first.priority != second.priority:
        return first.priority < second.priority
    return first.eid < second.eid


def push(queue: list[Callback], entry: Callback) -> None:
    """``heapq.heappush``, step for step, so the heap's layout is the same; compiled, it
    compares two entries with a direct call instead of Python's rich comparison."""
    queue.append(entry)
    _sift_toward_root(queue, 0, len(queue) - 1)


def pop(queue: list[Callback]) -> Callback:
    """``heapq.heappop``, step for step: the earliest entry, taken out of a non-empty heap."""
    last = queue.pop()
    if not queue:
        return last
    first = queue[0]
    queue[0] = last
    _sift_toward_leaves(queue, 0)
    return first


def _sift_toward_root(queue: list[Callback], start: int, position: int) -> None:
    """``heapq._siftdown``: move the entry at ``position`` up while it is earlier than its
    parent, no higher than ``start``."""
    entry = queue[position]
    while position > start:
        parent_position = (position - 1) >> 1
        parent = queue[parent_position]
        if not earlier(entry, parent):
            break
        queue[position] = parent
        position = parent_position
    queue[position] = entry


def _sift_toward_leaves(queue: list[Callback], position: int) -> None:
    """``heapq._siftup``: move the smaller child up until a leaf is free, put the entry there,
    then sift it back toward the root (fewer comparisons than stopping on the way down)."""
    end = len(queue)
    start = position
    entry = queue[position]
    child = 2 * position + 1
    while child < end:
        chosen = queue[child]
        right = child + 1
        if right < end:
            right_entry = queue[right]
            if not earlier(chosen, right_entry):
                chosen, child = right_entry, right
        queue[position] = chosen
        position = child
        child = 2 * position + 1
    queue[position] = entry
    _sift_toward_root(queue, start, position)


def pending(env: EventQueue, callback: Callable[[Callback], None]) -> list[Any]:
    """The subjects of the Calls still scheduled to run ``callback`` (for end-of-run counts).

    Reading the event queue once at the end spares the per-contact path a set of its own.
    """
    return [event.subject for event in env._queue if event.callback == callback]
