"""A direct generator of interval exports from a known truth, for fast tests of the fit.

Not a test module. Daily totals follow the scenario's demand model exactly (a gamma day
multiplier on weekday x trend, Poisson hours); abandonment follows Erlang A in each interval
with the staffed agents given, so the patience estimator is tested under its own model.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from klarsim.fitting.erlang import abandonment_probability

START = datetime.date(2026, 1, 5)
"""A Monday."""
HOURLY = (0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.6, 1.8, 1.9, 1.8,
          1.6, 1.7, 1.8, 1.7, 1.5, 1.3, 1.1, 0.9, 0.7, 0.5, 0.4, 0.3)  # fmt: skip
WEEKLY = (1.2, 1.1, 1.05, 1.0, 1.0, 0.85, 0.8)


@dataclass(frozen=True)
class Truth:
    """The parameters an export is drawn from."""

    contacts_per_day: float = 600.0
    growth_per_year: float = 0.3
    weekly: tuple[float, ...] = WEEKLY
    hourly: tuple[float, ...] = HOURLY
    day_to_day_cv: float = 0.12
    aht_min: float = 5.0
    patience_min: float = 3.0
    agents: float = 6.0
    """Agents in every interval (a constant roster)."""
    hourly_by_weekday: dict[int, tuple[float, ...]] = field(default_factory=dict)
    """A different hourly shape on some weekdays (0 Monday)."""

    def weights(self, values: tuple[float, ...]) -> np.ndarray:
        """Weights with mean 1, as the scenario normalises them."""
        array = np.asarray(values, dtype=float)
        normalised: np.ndarray = array / array.mean()
        return normalised


def synthetic_export(
    truth: Truth, days: int, *, seed: int = 0, interval_min: int = 60, start: datetime.date = START
) -> pd.DataFrame:
    """An export with canonical headers: ``days`` days of ``interval_min`` rows from ``start``."""
    generator = np.random.default_rng(seed)
    weekly, per_hour = truth.weights(truth.weekly), interval_min / 60
    rows = []
    for day in range(days):
        date = start + datetime.timedelta(days=day)
        offset = (start - START).days + day
        multiplier = _multiplier(generator, truth.day_to_day_cv)
        growth = (1 + truth.growth_per_year) ** ((offset + 0.5) / 365)
        daily = truth.contacts_per_day * weekly[date.weekday()] * growth * multiplier
        hourly = truth.weights(truth.hourly_by_weekday.get(date.weekday(), truth.hourly))
        for index in range(int(24 / per_hour)):
            rate = daily * hourly[int(index * per_hour)] / 24 * per_hour
            when = datetime.datetime.combine(date, datetime.time()) + datetime.timedelta(
                minutes=index * interval_min
            )
            rows.append(_row(generator, truth, when, rate, interval_min))
    return pd.DataFrame(rows)


def _multiplier(generator: np.random.Generator, cv: float) -> float:
    return 1.0 if cv == 0 else float(generator.gamma(1 / cv**2, cv**2))


def _row(
    generator: np.random.Generator,
    truth: Truth,
    when: datetime.datetime,
    expected: float,
    interval_min: int,
) -> dict[str, object]:
    offered = int(generator.poisson(expected))
    probability = abandonment_probability(
        expected / interval_min, truth.aht_min, int(truth.agents), np.array([truth.patience_min])
    )[0]
    abandoned = int(generator.binomial(offered, probability))
    answered = offered - abandoned
    aht = generator.gamma(answered, truth.aht_min * 60 / answered) if answered else float("nan")
    asa = generator.exponential(30.0) if answered else float("nan")
    return {
        "interval_start": when.strftime("%Y-%m-%d %H:%M"),
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "aht_s": round(float(aht), 1),
        "asa_s": round(float(asa), 1),
        "agents": truth.agents,
    }


__all__ = ["START", "Truth", "synthetic_export"]
