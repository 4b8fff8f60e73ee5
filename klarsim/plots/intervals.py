"""Means and 95% Student-t intervals across replications, vectorised over groups and periods.

Time series are first averaged per replication over a period (a day, a week), so that a
two-year hourly run plots in about a second and its bands are intervals across independent
replications, not across correlated hours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from klarsim.plots.measures import measure

CONFIDENCE = 0.95
MOST_POINTS = 200
"""A period is chosen so that a line has at most this many points."""
PERIOD_CHOICES_DAYS = (1.0, 7.0, 28.0)
SHORT_RUN_DAYS = 3.0
"""Runs shorter than this are shown interval by interval."""


def t_bounds(
    mean: pd.Series, std: pd.Series, count: pd.Series, confidence: float = CONFIDENCE
) -> tuple[pd.Series, pd.Series]:
    """Two-sided Student-t interval of means; NaN where fewer than two replications."""
    counts = count.to_numpy(dtype=float)
    quantile = np.full(counts.shape, np.nan)
    several = counts > 1
    quantile[several] = stats.t.ppf(0.5 + confidence / 2, counts[several] - 1)
    half_width = quantile * std.to_numpy(dtype=float) / np.sqrt(np.maximum(counts, 1))
    return mean - half_width, mean + half_width


def group_intervals(
    runs: pd.DataFrame, group: str | Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Per group: ``COLUMN_mean``, ``COLUMN_ci_low``, ``COLUMN_ci_high`` over the rows."""
    by = group if isinstance(group, str) else list(group)
    grouped = runs.groupby(by, sort=False)[list(columns)]
    means, deviations, counts = grouped.mean(), grouped.std(ddof=1), grouped.count()
    result = pd.DataFrame(index=means.index)
    for column in columns:
        low, high = t_bounds(means[column], deviations[column], counts[column])
        result[f"{column}_mean"] = means[column]
        result[f"{column}_ci_low"] = low
        result[f"{column}_ci_high"] = high
    return result.reset_index()


def period_days(timeseries: pd.DataFrame) -> float:
    """The averaging period: the interval for short runs, else a day, a week or four weeks."""
    span = interval_days(timeseries) + float(
        timeseries["time_days"].max() - timeseries["time_days"].min()
    )
    if span <= SHORT_RUN_DAYS:
        return interval_days(timeseries)
    for days in PERIOD_CHOICES_DAYS:
        if span / days <= MOST_POINTS:
            return days
    return PERIOD_CHOICES_DAYS[-1]


def interval_days(timeseries: pd.DataFrame) -> float:
    """The length of one recorded interval, in days."""
    times = np.unique(timeseries["time_days"].to_numpy(dtype=float))
    return float(np.median(np.diff(times))) if times.size > 1 else 1.0


def period_name(days: float) -> str:
    """'daily', 'weekly', ... for a title."""
    names = {1.0: "daily", 7.0: "weekly", 28.0: "four-weekly"}
    if days in names:
        return names[days]
    return "hourly" if round(days * 24, 6) == 1 else f"{days * 24:g}-hour"


def binned_intervals(
    timeseries: pd.DataFrame, columns: Sequence[str], *, days: float | None = None
) -> pd.DataFrame:
    """Per scenario and period: mean and t-interval across replications of each column.

    Rates are averaged as ratios of sums (weighted by their denominators), flows such as hours
    are expressed per day, and levels are plain means. Adds ``x_days``, the period's middle.
    """
    period = period_days(timeseries) if days is None else days
    interval = interval_days(timeseries)
    keys = ["scenario", "replication", "period"]
    frame = timeseries[["scenario", "replication", "time_days"]].copy()
    frame["period"] = np.floor(timeseries["time_days"].to_numpy(dtype=float) / period + 1e-9)
    per_replication = frame.groupby(keys, sort=False)[["time_days"]].mean()
    for column in columns:
        per_replication[column] = _period_means(timeseries, frame, keys, column, interval)
    per_replication["x_days"] = per_replication["time_days"] + interval / 2
    return group_intervals(per_replication.reset_index(), ["scenario", "period"], columns).merge(
        per_replication.groupby(["scenario", "period"], sort=False)["x_days"].mean().reset_index(),
        on=["scenario", "period"],
    )


def _period_means(
    timeseries: pd.DataFrame, frame: pd.DataFrame, keys: list[str], column: str, interval: float
) -> pd.Series:
    info = measure(column)
    values = timeseries[column].to_numpy(dtype=float)
    if info.weight is not None and info.weight in timeseries.columns:
        weights = timeseries[info.weight].to_numpy(dtype=float)
    else:
        weights = np.ones_like(values)
    valid = ~np.isnan(values) & (weights > 0)
    sums = frame[keys].assign(
        numerator=np.where(valid, values * weights, 0.0), denominator=np.where(valid, weights, 0.0)
    )
    totals = sums.groupby(keys, sort=False)[["numerator", "denominator"]].sum()
    means = totals["numerator"] / totals["denominator"].where(totals["denominator"] > 0)
    return means / interval if info.per_day else means
