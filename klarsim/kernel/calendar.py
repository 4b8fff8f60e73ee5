"""Calls due hours or days ahead, held off SimPy's event queue until their window comes.

Recontacts come back hours or days after their contact ended, so hundreds of thousands may be
pending at once; on the event queue each would deepen the heap that every event of every
contact passes through. The calendar files them by the window (an hour) in which they fall
due and, as each window opens, moves that window's calls onto the event queue at the exact
time they are due, in the order of a heap (due time, then order of booking): the simulation
is the same, only the bookkeeping is cheaper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from klarsim.kernel.callbacks import Callback, pending
from klarsim.kernel.environment import SimulationEnvironment

Entry = tuple[float, int, Callable[[Callback], None], Any]
"""Due time, order of booking (ties), callback and subject of a call held back."""


class Calendar:
    """Schedules Calls, holding those due after the current window until their window opens.

    Windows are whole numbers of minutes from time 0, so their ends (``k x window_min``, added
    up by the releases) are exact and the window a call falls in, ``due // window_min`` (a
    float floor division, exact), is the window whose release a heap would have made it in.
    """

    def __init__(self, env: SimulationEnvironment, window_min: float = 60.0) -> None:
        if env.now != 0 or window_min != int(window_min) or window_min <= 0:
            raise ValueError("a calendar starts at time 0, with windows of whole minutes")
        self.env = env
        self.window_min = window_min
        self._window = 0
        """Index of the window now open."""
        self._window_end: float = window_min
        """Calls due before this go straight onto the event queue."""
        self._held: dict[int, list[Entry]] = {}
        self._order = 0
        Callback(env, window_min, self._release)

    def call(self, delay: float, callback: Callable[[Callback], None], subject: Any = None) -> None:
        """Run ``callback`` with a Callback carrying ``subject`` after ``delay`` minutes."""
        due: float = self.env._now + delay
        if due < self._window_end:
            Callback(self.env, delay, callback, subject)
            return
        window = int(due // self.window_min)
        self._order += 1
        entry = (due, self._order, callback, subject)
        calls = self._held.get(window)
        if calls is None:
            self._held[window] = [entry]
        else:
            calls.append(entry)

    def _release(self, _event: Callback) -> None:
        """Open the next window: its calls join the event queue; come back at its end."""
        env = self.env
        now: float = env._now
        self._window += 1
        self._window_end = now + self.window_min
        calls = self._held.pop(self._window, None)
        if calls is not None:
            calls.sort()  # (due, order): unique, so callbacks and subjects are never compared
            for due, _, callback, subject in calls:
                # now <= due < now + window <= 2 now: due - now and now + (due - now) are exact
                Callback(env, due - now, callback, subject)
        Callback(env, self.window_min, self._release)

    def pending(self, callback: Callable[[Callback], None]) -> list[Any]:
        """The subjects of the calls to ``callback`` still to run, held or queued."""
        held = [
            subject
            for window in sorted(self._held)
            for _, _, target, subject in self._held[window]
            if target == callback
        ]
        return held + pending(self.env, callback)
