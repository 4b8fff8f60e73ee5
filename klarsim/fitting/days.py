"""An export as whole days: the arrays every estimator reads, so a bootstrap resamples days.

Time zero is the Monday on or before the export's first interval (a scenario's
``experiment.start_date`` is a Monday); days are counted from it. Only whole days (every
interval of the day inside the export) enter the daily estimates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klarsim.fitting.erlang import PATIENCE_GRID_MIN, interval_log_likelihood
from klarsim.fitting.export import QUEUE, Export

HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
MINUTES_PER_DAY = 1440
MINUTES_PER_HOUR = 60.0
SECONDS_PER_MINUTE = 60.0


@dataclass(frozen=True)
class Days:
    """Per whole day: offered by hour, counts and time sums by queue, patience likelihoods."""

    start: datetime.date
    """Time zero: the Monday on or before the first interval."""
    day_number: np.ndarray
    """Days from time zero."""
    weekday: np.ndarray
    """0 Monday ... 6 Sunday."""
    offered_by_hour: np.ndarray
    """(days, 24) offered contacts."""
    queues: tuple[str, ...]
    offered: np.ndarray
    """(days, queues)."""
    answered: np.ndarray
    abandoned: np.ndarray
    handle_seconds: np.ndarray
    """(days, queues): answered x aht_s."""
    wait_seconds: np.ndarray | None
    """(days,): (answered + abandoned) x asa_s, summed over queues; None without asa_s."""
    patience_log_likelihood: np.ndarray | None
    """(days, patience grid): summed Erlang A log-likelihoods; None without agents."""

    @property
    def count(self) -> int:
        """Whole days."""
        return int(self.day_number.size)


def time_zero(export: Export) -> datetime.date:
    """The Monday on or before the export's first interval."""
    first: datetime.date = export.table["interval_start"].min().date()
    return first - datetime.timedelta(days=first.weekday())


def whole_days(export: Export) -> list[datetime.date]:
    """Days whose every interval lies inside the export."""
    starts = export.table["interval_start"]
    first, last = starts.min(), starts.max()
    step = pd.Timedelta(minutes=export.interval_min)
    days = pd.date_range(first.normalize(), last.normalize(), freq="D")
    return [
        day.date() for day in days if day >= first and day + pd.Timedelta(days=1) - step <= last
    ]


def totals(export: Export) -> pd.DataFrame:
    """Per interval, summed over queues: counts, agents, and answered-weighted times."""
    table = export.table.copy()
    table["handle_seconds"] = (table["answered"] * table["aht_s"]).fillna(0.0)
    columns = ["offered", "answered", "abandoned", "handle_seconds"]
    if export.has_asa:
        table["wait_seconds"] = ((table["answered"] + table["abandoned"]) * table["asa_s"]).fillna(
            0.0
        )
        table["answer_wait_seconds"] = (table["answered"] * table["asa_s"]).fillna(0.0)
        columns += ["wait_seconds", "answer_wait_seconds"]
    if export.has_agents:
        columns.append("agents")
    return table.groupby("interval_start", sort=True)[columns].sum().reset_index()


def build_days(export: Export, aht_min: float | None) -> Days:
    """The day arrays of an export; ``aht_min`` (the fitted mean) feeds the patience fit."""
    start = time_zero(export)
    kept = whole_days(export)
    table = export.table[export.table["interval_start"].dt.date.isin(kept)]
    by_queue = _by_day_and_queue(table, export.queues)
    interval = totals(export)
    interval = interval[interval["interval_start"].dt.date.isin(kept)]
    day_of = interval["interval_start"].dt.date
    hours = interval.assign(day=day_of, hour=interval["interval_start"].dt.hour)
    by_hour = hours.pivot_table(
        index="day", columns="hour", values="offered", aggfunc="sum", fill_value=0
    ).reindex(index=kept, columns=range(HOURS_PER_DAY), fill_value=0)
    waits = (
        interval.groupby(day_of)["wait_seconds"].sum().reindex(kept).to_numpy(dtype=float)
        if export.has_asa
        else None
    )
    likelihood = (
        _patience_by_day(interval, kept, export.interval_min, aht_min)
        if export.has_agents and aht_min is not None
        else None
    )
    return Days(
        start=start,
        day_number=np.array([(day - start).days for day in kept], dtype=float),
        weekday=np.array([day.weekday() for day in kept], dtype=int),
        offered_by_hour=by_hour.to_numpy(dtype=float),
        queues=export.queues,
        offered=by_queue["offered"],
        answered=by_queue["answered"],
        abandoned=by_queue["abandoned"],
        handle_seconds=by_queue["handle_seconds"],
        wait_seconds=waits,
        patience_log_likelihood=likelihood,
    )


def _by_day_and_queue(table: pd.DataFrame, queues: tuple[str, ...]) -> dict[str, np.ndarray]:
    frame = table.assign(
        day=table["interval_start"].dt.date,
        handle_seconds=(table["answered"] * table["aht_s"]).fillna(0.0),
    )
    sums = frame.groupby(["day", QUEUE])[
        ["offered", "answered", "abandoned", "handle_seconds"]
    ].sum()
    return {
        name: sums[name].unstack(QUEUE).reindex(columns=list(queues)).fillna(0).to_numpy(float)
        for name in ("offered", "answered", "abandoned", "handle_seconds")
    }


def _patience_by_day(
    interval: pd.DataFrame, kept: list[datetime.date], interval_min: int, aht_min: float
) -> np.ndarray:
    """Each day's summed Erlang A log-likelihood over the patience grid.

    An interval's arrival rate is its day's total times its hour's share of all days'
    offered (split evenly within the hour), not its own count: Erlang A's abandonment is
    convex in the rate at low load, so plugging in noisy counts would overstate abandonment
    and bias patience upward (measured: +35 % on the example export).
    """
    position = {day: index for index, day in enumerate(kept)}
    result = np.zeros((len(kept), PATIENCE_GRID_MIN.size))
    day_of = interval["interval_start"].dt.date
    hour = interval["interval_start"].dt.hour
    day_total = interval.groupby(day_of)["offered"].transform("sum")
    hour_share = interval.groupby(hour)["offered"].transform("sum") / interval["offered"].sum()
    rate = day_total * hour_share / MINUTES_PER_HOUR
    rows = zip(
        day_of, interval["offered"], interval["abandoned"], rate, interval["agents"], strict=True
    )
    for day, offered, abandoned, rate_per_min, agents in rows:
        result[position[day]] += interval_log_likelihood(
            int(offered), int(abandoned), float(rate_per_min), aht_min, float(agents)
        )
    return result


__all__ = ["Days", "build_days", "time_zero", "totals", "whole_days"]
