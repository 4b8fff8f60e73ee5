"""SimPy's Environment, its queue made of ``Callback`` entries, with arrivals merged into it.

Every queue entry is a ``Callback`` (``klarsim.kernel.callbacks``): the model's own calls, and
SimPy's events, which ``schedule`` wraps in one with the key SimPy would give them (due time,
priority, sequence number), so the order of events is SimPy's. Arrivals are known in advance
and sorted, so they need not become entries at all: the run loop takes the earlier of the next
arrival and the head of the queue; an arrival at the same time as a queued event comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from simpy.core import EmptySchedule, Infinity, StopSimulation
from simpy.events import NORMAL, Event, EventPriority

from klarsim.kernel.callbacks import Callback, EventQueue, pop

Arrival = TypeVar("Arrival")


class SimulationEnvironment(EventQueue):
    """The simulation clock and event queue of one replication."""

    arrivals_processed = 0

    def schedule(self, event: Event, priority: int = NORMAL, delay: float = 0) -> None:
        """Queue a SimPy event as SimPy would, in a ``Callback`` entry that processes it."""
        Callback(self, delay, process_simpy_event, event, priority)

    def peek(self) -> float:
        """The time of the next queued event (``Infinity`` if none), as SimPy's ``peek``."""
        queue = self._queue
        return queue[0].time if queue else Infinity

    def step(self) -> None:
        """Process the next queued entry (SimPy's ``step``, which ``Environment.run`` calls)."""
        queue = self._queue
        if not queue:
            raise EmptySchedule
        entry = pop(queue)
        self._now = entry.time
        entry.callback(entry)

    def run_merged(
        self,
        until: float,
        arrivals: Iterator[Arrival],
        time_of: Callable[[Arrival], float],
        arrive: Callable[[Arrival], None],
    ) -> None:
        """Process arrivals and queued events in time order up to ``until``."""
        queue = self._queue
        processed = 0
        for arrival in arrivals:  # hot loop: ``_run_queue`` inlined, arrivals read by FOR_ITER
            arrival_time = time_of(arrival)
            before = arrival_time if arrival_time < until else until
            while queue and queue[0].time < before:  # an arrival at an event's time comes first
                event = pop(queue)
                self._now = event.time
                event.callback(event)
            if arrival_time >= until:
                break
            self._now = arrival_time
            arrive(arrival)
            processed += 1
        else:
            self._run_queue(until)
        self._now = until
        self.arrivals_processed += processed

    def _run_queue(self, before: float) -> None:
        """Process the queued events due before ``before``."""
        queue = self._queue
        while queue and queue[0].time < before:
            event = pop(queue)
            self._now = event.time
            event.callback(event)


def process_simpy_event(entry: Callback) -> None:
    """Run a SimPy event's callbacks as ``Environment.step`` does: a stop keeps the callbacks
    still to run for when the run resumes, and a failure not defused raises a copy of it."""
    event: Event = entry.subject
    callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
    for index, callback in enumerate(callbacks):
        try:
            callback(event)
        except StopSimulation:
            event.callbacks = callbacks[index + 1 :]
            event.env.schedule(event, EventPriority(-1))
            raise
    if not event._ok and not hasattr(event, "_defused"):
        failure = type(event._value)(*event._value.args)
        failure.__cause__ = event._value
        raise failure
