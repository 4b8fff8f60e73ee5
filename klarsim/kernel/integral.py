"""Time integrals of piecewise-constant levels (busy agents, waiting contacts)."""

from __future__ import annotations


class TimeIntegral:
    """Accumulates level x time; ``take`` returns the area since the previous take."""

    __slots__ = ("_area", "_since", "_taken", "level")

    def __init__(self, level: float = 0.0) -> None:
        self.level = level
        self._area = 0.0
        self._since = 0.0
        self._taken = 0.0

    def add(self, now: float, change: float) -> None:
        """Change the level by ``change`` at time ``now``."""
        self._area += self.level * (now - self._since)
        self._since = now
        self.level += change

    def set(self, now: float, level: float) -> None:
        """Set the level to ``level`` from time ``now`` on."""
        self.add(now, level - self.level)

    def take(self, now: float) -> float:
        """Area accumulated since the last call (or since time zero)."""
        area = self._area + self.level * (now - self._since)
        since_last = area - self._taken
        self._taken = area
        return since_last
