"""Gig agents as people: each one's persona, on/off state and weekly hours and earnings.

A ``Person`` stands behind one ``Agent`` of a gig pool. Its ledger keeps online minutes and
earnings by measured week (7-day weeks from the end of the warm-up; time before is not
counted), so ``klarsim.sim.labour`` can say how much each person works and earns.
"""

from __future__ import annotations

import math

from klarsim.model.workforce.pools import Agent
from klarsim.units import MINUTES_PER_WEEK


class Weeks:
    """Cuts the measured time into 7-day weeks from ``origin_min`` (the end of the warm-up)."""

    def __init__(self, origin_min: float, length_min: float = MINUTES_PER_WEEK) -> None:
        self.origin_min = origin_min
        self.length_min = length_min

    def add_amount(self, weekly: list[float], now: float, amount: float) -> None:
        """Add ``amount`` to the week holding ``now`` (nothing before the origin)."""
        if now < self.origin_min:
            return
        week = int((now - self.origin_min) // self.length_min)
        _grow(weekly, week)
        weekly[week] += amount

    def add_span(self, weekly: list[float], start: float, end: float) -> None:
        """Add the minutes of ``[start, end)`` after the origin to the weeks they fall in."""
        start = max(start, self.origin_min)
        while start < end:
            week = int((start - self.origin_min) // self.length_min)
            week_end = self.origin_min + (week + 1) * self.length_min
            piece_end = min(end, week_end)
            _grow(weekly, week)
            weekly[week] += piece_end - start
            start = piece_end


def _grow(weekly: list[float], week: int) -> None:
    """Extend ``weekly`` with zeros so that index ``week`` exists."""
    if week >= len(weekly):
        weekly.extend([0.0] * (week + 1 - len(weekly)))


class Person:
    """One registered gig agent: persona, own choice to be online, call-up, and ledger."""

    __slots__ = (
        "agent",
        "called",
        "earned",
        "joined_min",
        "left_min",
        "online",
        "online_since",
        "pending",
        "persona",
        "scheduled",
    )

    def __init__(self, agent: Agent, persona: int, joined_min: float) -> None:
        self.agent = agent
        self.persona = persona
        """Index of the person's persona in its pool."""
        self.scheduled = False
        """Online by the person's own choice this block."""
        self.called = False
        """Online because of a call-up (until the stay is over)."""
        self.pending = False
        """Called and on the way."""
        self.joined_min = joined_min
        self.left_min = math.inf
        self.online_since = 0.0
        self.online: list[float] = []
        """Online minutes by measured week."""
        self.earned: list[float] = []
        """Earnings by measured week."""

    @property
    def wants_online(self) -> bool:
        """Whether the person should be on duty: by choice or called."""
        return self.scheduled or self.called
