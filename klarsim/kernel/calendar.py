"""Calls due hours or days ahead, held off SimPy's event queue until their hour comes.

Recontacts come back hours or days after their contact ended, so hundreds are pending at
once; on SimPy's event queue each would deepen the heap that every event of every contact
passes through. The calendar keeps them in a heap of its own and, once per window, moves
those due before the window's end onto the event queue at the exact time they are due:
the simulation is the same, only the bookkeeping is cheaper.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy

from klarsim.kernel.callbacks import Callback, pending

Entry = tuple[float, int, Callable[[Callback], None], Any]
"""Due time, order of booking (ties), callback and subject of a call held back."""


class Calendar:
    """Schedules Calls, holding those due after the current window until it moves on."""

    def __init__(self, env: simpy.Environment, window_min: float = 60.0) -> None:
        self.env = env
        self.window_min = window_min
        self._held: list[Entry] = []
        self._order = itertools.count()
        self._window_end = env.now + window_min
        """Calls due before this go straight onto the event queue."""
        Callback(env, window_min, self._release)

    def call(self, delay: float, callback: Callable[[Callback], None], subject: Any = None) -> None:
        """Run ``callback`` with a Callback carrying ``subject`` after ``delay`` minutes."""
        due = self.env._now + delay
        if due < self._window_end:
            Callback(self.env, delay, callback, subject)
        else:
            heappush(self._held, (due, next(self._order), callback, subject))

    def _release(self, _event: Callback) -> None:
        """Open the next window: its calls join the event queue; come back at its end."""
        env, held = self.env, self._held
        self._window_end = env._now + self.window_min
        while held and held[0][0] < self._window_end:
            due, _, callback, subject = heappop(held)
            # now <= due < now + window <= 2 now, so due - now and now + (due - now) are exact
            Callback(env, due - env._now, callback, subject)
        Callback(env, self.window_min, self._release)

    def pending(self, callback: Callable[[Callback], None]) -> list[Any]:
        """The subjects of the calls to ``callback`` still to run, held or queued."""
        held = [subject for _, _, target, subject in self._held if target == callback]
        return held + pending(self.env, callback)
