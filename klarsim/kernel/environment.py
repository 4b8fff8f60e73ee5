"""SimPy's Environment, run with the arrival stream merged into its event queue.

Arrivals are known in advance and sorted, so they need not become event objects on the
heap: the run loop takes the earlier of the next arrival and the head of SimPy's queue. The
queue's events are processed exactly as ``Environment.step`` does (same order, same failure
handling), except that a ``Callback`` runs its one callback directly; an arrival at the same time
as a queued event comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from heapq import heappop
from typing import Any, TypeVar

import simpy
from simpy.events import Event

from klarsim.kernel.callbacks import Callback

Arrival = TypeVar("Arrival")


class SimulationEnvironment(simpy.Environment):
    """The simulation clock and event queue of one replication."""

    arrivals_processed = 0

    def run_merged(
        self,
        until: float,
        arrivals: Iterator[Arrival],
        time_of: Callable[[Arrival], float],
        arrive: Callable[[Arrival], None],
    ) -> None:
        """Process arrivals and queued events in time order up to ``until``."""
        queue: list[Any] = self._queue  # entries hold Callbacks as well as SimPy events
        processed = 0
        for arrival in arrivals:  # hot loop: ``_run_queue`` inlined, arrivals read by FOR_ITER
            arrival_time = time_of(arrival)
            before = arrival_time if arrival_time < until else until
            while queue and queue[0][0] < before:  # an arrival at an event's time comes first
                self._now, _, _, event = heappop(queue)
                if type(event) is Callback:
                    event.callback(event)
                else:
                    self._process(event)
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
        queue: list[Any] = self._queue  # entries hold Callbacks as well as SimPy events
        while queue and queue[0][0] < before:
            self._now, _, _, event = heappop(queue)
            if type(event) is Callback:
                event.callback(event)
            else:
                self._process(event)

    @staticmethod
    def _process(event: Event) -> None:
        """Run a SimPy event's callbacks as ``Environment.step`` does (failures raise)."""
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            raise event._value
