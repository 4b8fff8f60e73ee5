"""What the export shows beside the estimates: weekday shapes, the roster, the daily band.

The weekday test asks whether one hourly profile fits every weekday (when it does not, each
weekday's own shape goes into ``hourly_profile_by_weekday``);
the roster is the staffed agents by hour of the week; the daily band is the fitted
negative-binomial spread of daily totals that the plots draw around the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klarsim.fitting.days import DAYS_PER_WEEK, HOURS_PER_DAY, Days
from klarsim.fitting.estimators import DAYS_PER_YEAR, Estimates
from klarsim.fitting.export import Export

SHAPE_SIGNIFICANCE = 0.001
"""Weekdays differ 'clearly' when one profile is rejected at this level."""
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK


@dataclass(frozen=True)
class ShapeTest:
    """Chi-square test of independence of hour and weekday in the offered counts."""

    statistic: float
    degrees_of_freedom: int
    p_value: float
    cramers_v: float
    """Effect size: 0 when every weekday has the same shape, 1 at most."""

    @property
    def differs(self) -> bool:
        """Whether weekdays have clearly different hourly shapes."""
        return self.p_value < SHAPE_SIGNIFICANCE


def weekday_shape_test(days: Days) -> ShapeTest:
    """One hourly profile for every weekday against one per weekday (chi-square, scipy).

    Within a day the gamma day multiplier scales every hour alike, so under one profile the
    hour counts of a weekday are multinomial and the test is valid despite overdispersion.
    """
    from scipy.stats import chi2_contingency  # noqa: PLC0415

    table = np.zeros((DAYS_PER_WEEK, HOURS_PER_DAY))
    for weekday in range(DAYS_PER_WEEK):
        table[weekday] = days.offered_by_hour[days.weekday == weekday].sum(axis=0)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return ShapeTest(0.0, 0, 1.0, 0.0)
    result = chi2_contingency(table, correction=False)
    statistic, p_value, dof = float(result[0]), float(result[1]), int(result[2])
    cramers_v = math.sqrt(statistic / (table.sum() * (min(table.shape) - 1)))
    return ShapeTest(statistic, dof, p_value, cramers_v)


def weekday_shapes(days: Days) -> dict[str, list[float]]:
    """Each weekday's offered contacts by hour, as weights with mean 1 (weekdays with data)."""
    shapes = {}
    for weekday, name in enumerate(WEEKDAY_NAMES):
        counts = days.offered_by_hour[days.weekday == weekday].sum(axis=0)
        total = float(counts.sum())
        if total > 0:
            shapes[name] = [round(float(count) * HOURS_PER_DAY / total, 4) for count in counts]
    return shapes


def roster_by_hour_of_week(export: Export) -> list[float]:
    """Mean staffed agents (summed over queues) in each of the 168 hours of the week."""
    table = export.table.groupby("interval_start")["agents"].sum()
    starts = pd.Series(table.index)
    hour_of_week = (starts.dt.day_of_week * HOURS_PER_DAY + starts.dt.hour).to_numpy()
    means = pd.Series(table.to_numpy()).groupby(hour_of_week).mean()
    return [round(float(means.get(hour, 0.0)), 2) for hour in range(HOURS_PER_WEEK)]


def daily_band(days: Days, point: Estimates, confidence: float = 0.95) -> pd.DataFrame:
    """Each whole day's actual total beside the fitted mean and its predictive band.

    The band is the negative binomial (NB2, alpha = cv^2; Poisson at cv 0) that the
    scenario's demand implies for a day's total: the spread the data should show.
    """
    from scipy.stats import nbinom, poisson  # noqa: PLC0415

    weights = np.array([point[f"weekly_profile.{day}"] for day in range(DAYS_PER_WEEK)])
    years = (days.day_number + 0.5) / DAYS_PER_YEAR
    mean = (
        point["contacts_per_day"] * weights[days.weekday] * (1 + point["growth_per_year"]) ** years
    )
    alpha = point["day_to_day_cv"] ** 2
    tail = (1 - confidence) / 2
    if alpha > 0:
        size = 1 / alpha
        low = nbinom.ppf(tail, size, size / (size + mean))
        high = nbinom.ppf(1 - tail, size, size / (size + mean))
    else:
        low, high = poisson.ppf(tail, mean), poisson.ppf(1 - tail, mean)
    dates = [days.start + pd.Timedelta(days=int(day)) for day in days.day_number]
    return pd.DataFrame(
        {
            "date": [pd.Timestamp(date).date().isoformat() for date in dates],
            "offered_actual": days.offered_by_hour.sum(axis=1),
            "offered_fitted": mean,
            "band_low": low,
            "band_high": high,
        }
    )


def profile_table(
    days: Days, point: Estimates, bounds: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    """Actual against fitted weekly and hourly weights (mean 1), and each weekday's hours."""
    rows = []
    totals = days.offered_by_hour.sum(axis=1)
    by_weekday = np.array([totals[days.weekday == day].mean() for day in range(DAYS_PER_WEEK)])
    by_weekday = by_weekday / np.nanmean(by_weekday)
    for day in range(DAYS_PER_WEEK):
        key = f"weekly_profile.{day}"
        rows.append(("weekly", WEEKDAY_NAMES[day], by_weekday[day], point[key], *bounds[key]))
    hours = days.offered_by_hour.sum(axis=0)
    hours = hours / hours.mean()
    for hour in range(HOURS_PER_DAY):
        key = f"hourly_profile.{hour}"
        rows.append(("hourly", str(hour), hours[hour], point[key], *bounds[key]))
    for day in range(DAYS_PER_WEEK):
        counts = days.offered_by_hour[days.weekday == day].sum(axis=0)
        shares = counts / counts.mean() if counts.sum() > 0 else counts
        for hour in range(HOURS_PER_DAY):
            rows.append(
                (
                    f"hourly_{WEEKDAY_NAMES[day]}",
                    str(hour),
                    shares[hour],
                    math.nan,
                    math.nan,
                    math.nan,
                )
            )
    columns = ["profile", "position", "actual", "fitted", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


__all__ = [
    "ShapeTest",
    "daily_band",
    "profile_table",
    "roster_by_hour_of_week",
    "weekday_shape_test",
]
