"""``backtest``: simulate a scenario over an export's calendar and set it beside the export.

The scenario runs from the Monday on or before the export's first interval to its last, in
the export's intervals. Each interval gets the replications' mean and a 95 % prediction
band for one more replication, mean +- t(n-1) x sd x sqrt(1 + 1/n) (Student, so it holds
for few replications), which is the band a single history such as the export's should fall
in if the scenario is right.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from klarsim.config import Scenario, load_scenario, with_overrides
from klarsim.experiments.executors import ExecutorOptions
from klarsim.experiments.run import run
from klarsim.fitting.days import time_zero, totals
from klarsim.fitting.export import Export, read_export

BACKTEST_FILE = "backtest.csv"
SUMMARY_FILE = "backtest_summary.csv"
SECONDS_PER_MINUTE = 60.0
MINUTES_PER_DAY = 1440.0
MINUTES_PER_HOUR = 60.0
MEASURES = ("offered", "abandoned", "asa_s")
STAFFING_NOTE = (
    "per-interval staffing cannot be expressed in a scenario (no run-time key sets the agents "
    "on duty), so the scenario's weekly roster is used; klarsim fit builds it from the "
    "export's agents by hour of week; agents_mean_abs_difference measures the gap"
)


@dataclass(frozen=True)
class BacktestResult:
    """Per interval, actual against simulated with bands; summary errors; notes."""

    intervals: pd.DataFrame
    summary: pd.DataFrame
    """``measure``, ``value``."""
    scenario: Scenario
    notes: list[str] = field(default_factory=list)


def backtest(
    scenario: Scenario | str | Path,
    export: Export | str | Path,
    *,
    columns: dict[str, str] | None = None,
    queue_column: str | None = None,
    reps: int = 5,
    seed: int | None = None,
    executor: ExecutorOptions | None = None,
    confidence: float = 0.95,
) -> BacktestResult:
    """Simulate ``scenario`` over the export's calendar with ``reps`` replications."""
    if reps < 2:
        raise ValueError(f"reps: expected at least 2 for a band, got {reps}")
    if not isinstance(export, Export):
        export = read_export(export, columns, queue_column)
    resolved = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    calendar = on_calendar(resolved, export)
    result = run(calendar, reps=reps, seed=seed, executor=executor)
    actual = _actual(export, time_zero(export))
    simulated = _simulated(result.timeseries, calendar.experiment.interval_min, confidence)
    intervals = actual.merge(simulated, on="interval", how="left").drop(columns="interval")
    notes = [STAFFING_NOTE] if export.has_agents else []
    return BacktestResult(intervals, _summary(intervals, reps), calendar, notes)


def on_calendar(scenario: Scenario, export: Export) -> Scenario:
    """The scenario from the export's Monday, through its last interval, in its intervals."""
    start = time_zero(export)
    last = export.table["interval_start"].max() + pd.Timedelta(minutes=export.interval_min)
    minutes = (last - pd.Timestamp(start)).total_seconds() / SECONDS_PER_MINUTE
    overrides = {
        "experiment.start_date": start.isoformat(),
        "experiment.horizon_days": math.ceil(minutes / MINUTES_PER_DAY),
        "experiment.warmup_days": 0,
        "experiment.interval_min": export.interval_min,
    }
    return with_overrides(scenario, overrides)


def _actual(export: Export, start: datetime.date) -> pd.DataFrame:
    """The export summed over queues, keyed by the interval's index from time zero."""
    table = totals(export)
    elapsed = (table["interval_start"] - pd.Timestamp(start)).dt.total_seconds()
    answered = table["answered"].astype(float)
    frame = pd.DataFrame(
        {
            "interval": (elapsed / SECONDS_PER_MINUTE / export.interval_min).round().astype(int),
            "interval_start": table["interval_start"].dt.strftime("%Y-%m-%d %H:%M"),
            "offered_actual": table["offered"],
            "abandoned_actual": table["abandoned"],
        }
    )
    if export.has_asa:
        frame["asa_s_actual"] = (table["answer_wait_seconds"] / answered).where(answered > 0)
    else:
        frame["asa_s_actual"] = math.nan
    if export.has_agents:
        frame["agents_actual"] = table["agents"]
    return frame


def _simulated(timeseries: pd.DataFrame, interval_min: float, confidence: float) -> pd.DataFrame:
    """Per interval: the replications' mean and prediction band of each measure."""
    series = timeseries.assign(
        offered=timeseries["contacts"],
        asa_s=timeseries["asa_min"] * SECONDS_PER_MINUTE,
        agents=timeseries["employee_hours"] / (interval_min / MINUTES_PER_HOUR),
    )
    grouped = series.groupby("interval")
    frame = pd.DataFrame({"interval": grouped["agents"].mean().index})
    for measure in MEASURES:
        statistics = grouped[measure].agg(["mean", "std", "count"])
        mean, low, high = _band(statistics, confidence)
        frame[f"{measure}_sim"] = mean
        frame[f"{measure}_sim_low"] = low
        frame[f"{measure}_sim_high"] = high
    frame["agents_sim"] = grouped["agents"].mean().to_numpy()
    return frame


def _band(statistics: pd.DataFrame, confidence: float) -> tuple[np.ndarray, ...]:
    """Mean and prediction band mean +- t x sd x sqrt(1 + 1/n), floored at zero."""
    from scipy.stats import t as student  # noqa: PLC0415

    mean = statistics["mean"].to_numpy(dtype=float)
    spread = statistics["std"].to_numpy(dtype=float)
    count = statistics["count"].to_numpy(dtype=float)
    degrees = np.maximum(count - 1, 1)
    quantile = np.where(count >= 2, student.ppf(0.5 + confidence / 2, degrees), np.nan)
    half = quantile * spread * np.sqrt(1 + 1 / np.maximum(count, 1))
    return mean, np.maximum(mean - half, 0.0), mean + half


def _summary(intervals: pd.DataFrame, reps: int) -> pd.DataFrame:
    """WAPE of offered, abandonment rates and their error, and the share inside each band."""
    offered = intervals["offered_actual"].sum()
    simulated_offered = intervals["offered_sim"].sum()
    rate_actual = intervals["abandoned_actual"].sum() / offered if offered else math.nan
    rate_sim = (
        intervals["abandoned_sim"].sum() / simulated_offered if simulated_offered else math.nan
    )
    rows = {
        "intervals": float(len(intervals)),
        "replications": float(reps),
        "offered_wape": float(
            (intervals["offered_sim"] - intervals["offered_actual"]).abs().sum() / offered
        )
        if offered
        else math.nan,
        "abandonment_rate_actual": rate_actual,
        "abandonment_rate_sim": rate_sim,
        "abandonment_rate_error": rate_sim - rate_actual,
    }
    for measure in MEASURES:
        rows[f"{measure}_inside_band"] = _inside(intervals, measure)
    if "agents_actual" in intervals.columns:
        gap = (intervals["agents_sim"] - intervals["agents_actual"]).abs()
        rows["agents_mean_abs_difference"] = float(gap.mean())
    return pd.DataFrame({"measure": list(rows), "value": list(rows.values())})


def _inside(intervals: pd.DataFrame, measure: str) -> float:
    """Share of intervals with an actual value and a band whose actual lies in the band."""
    actual = intervals[f"{measure}_actual"]
    low, high = intervals[f"{measure}_sim_low"], intervals[f"{measure}_sim_high"]
    known = actual.notna() & low.notna() & high.notna()
    if not known.any():
        return math.nan
    inside = (actual[known] >= low[known] - 1e-9) & (actual[known] <= high[known] + 1e-9)
    return float(inside.mean())


def write_backtest(folder: Path, result: BacktestResult) -> list[Path]:
    """Write backtest.csv and backtest_summary.csv into ``folder`` (which must exist)."""
    paths = [folder / BACKTEST_FILE, folder / SUMMARY_FILE]
    result.intervals.to_csv(paths[0], index=False)
    result.summary.to_csv(paths[1], index=False)
    return paths


__all__ = ["BACKTEST_FILE", "SUMMARY_FILE", "BacktestResult", "backtest", "on_calendar"]
