"""Contact arrivals: a non-homogeneous Poisson process with a piecewise-constant hourly rate.

The expected count of each hour is the daily volume (weekday weight, yearly trend, a random
daily multiplier) times the hour's weight (the weekday's own hourly shape where one is
given). Given its count, an hour's arrivals are uniform in the hour, which is exactly a
Poisson process with that hour's rate. Days are generated one at a time, so memory does not
grow with the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from klarsim.config.schema import WEEKDAYS, Demand
from klarsim.units import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    HOURS_PER_DAY,
    MINUTES_PER_DAY,
    MINUTES_PER_HOUR,
)


def _weights(profile: str | list[float], length: int) -> np.ndarray:
    """The profile as relative weights with mean 1."""
    values = np.ones(length) if profile == "flat" else np.asarray(profile, dtype=float)
    weights: np.ndarray = values * (length / values.sum())
    return weights


class Arrivals:
    """Arrival times of one replication, in minutes from Monday 00:00 of the first day."""

    def __init__(
        self,
        demand: Demand,
        horizon_min: float,
        volume: np.random.Generator,
        timing: np.random.Generator,
    ) -> None:
        self.demand = demand
        self.horizon_min = horizon_min
        self._volume = volume
        self._timing = timing
        shapes = demand.hourly_profile_by_weekday
        self._hour_shares = [
            _weights(shapes.get(weekday, demand.hourly_profile), HOURS_PER_DAY) / HOURS_PER_DAY
            for weekday in WEEKDAYS
        ]
        """Each weekday's share of its day's contacts by hour (its own shape, or the common)."""
        self._day_weights = _weights(demand.weekly_profile, DAYS_PER_WEEK)
        hour_middles = (np.arange(HOURS_PER_DAY) + 0.5) / HOURS_PER_DAY
        self._hour_middles_days = hour_middles
        self._hour_starts = MINUTES_PER_HOUR * np.arange(HOURS_PER_DAY)

    def expected_per_hour(self, day: int) -> np.ndarray:
        """Expected arrivals in each hour of ``day`` before the random daily multiplier."""
        base = self.demand.contacts_per_day * self._day_weights[day % DAYS_PER_WEEK]
        expected: np.ndarray = base * self._hour_shares[day % DAYS_PER_WEEK]
        if self.demand.growth_per_year:
            years = (day + self._hour_middles_days) / DAYS_PER_YEAR
            expected = expected * (1.0 + self.demand.growth_per_year) ** years
        return expected

    def days(self) -> Iterator[np.ndarray]:
        """Each day's sorted arrival times, one day at a time."""
        for day in range(math.ceil(self.horizon_min / MINUTES_PER_DAY)):
            yield self._day(day)

    def _day(self, day: int) -> np.ndarray:
        expected = self.expected_per_hour(day) * self._day_multiplier()
        counts = self._timing.poisson(expected)
        offsets = np.repeat(self._hour_starts + day * MINUTES_PER_DAY, counts)
        times = np.sort(offsets + self._timing.uniform(0.0, MINUTES_PER_HOUR, offsets.size))
        if (day + 1) * MINUTES_PER_DAY > self.horizon_min:  # the horizon ends within this day
            times = times[times < self.horizon_min]
        return times

    def _day_multiplier(self) -> float:
        cv = self.demand.day_to_day_cv
        if cv == 0:
            return 1.0
        return float(self._volume.gamma(1.0 / cv**2, cv**2))
