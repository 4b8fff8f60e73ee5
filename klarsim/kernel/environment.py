"""SimPy's Environment, run with the arrival stream merged into its event queue.

Arrivals are known in advance and sorted, so they need not become event objects on the
heap: the run loop takes the earlier of the next arrival and the head of SimPy's queue. The
queue's events are processed exactly as ``Environment.step`` does (same order, same failure
handling), except that a ``Callback`` runs its one callback directly; an arrival at the same time
as a queued event comes first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from heapq import heappop
from typing import TypeVar

import simpy

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
        queue = self._queue
        arrival = next(arrivals, None)
        arrival_time = time_of(arrival) if arrival is not None else math.inf
        processed = 0
        while True:
            event_time = queue[0][0] if queue else math.inf
            if arrival_time <= event_time:
                if arrival_time >= until:
                    break
                self._now = arrival_time
                arrive(arrival)  # type: ignore[arg-type]  # not None: its time is finite
                processed += 1
                arrival = next(arrivals, None)
                arrival_time = time_of(arrival) if arrival is not None else math.inf
                continue
            if event_time >= until:
                break
            self._now, _, _, event = heappop(queue)
            if event.__class__ is Callback:
                event.callback(event)
                continue
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                raise event._value
        self._now = until
        self.arrivals_processed += processed
