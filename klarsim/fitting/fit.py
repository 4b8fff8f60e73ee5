"""``fit``: every parameter of a scenario from an export, with bootstrap intervals over days.

The point estimates use every whole day; the intervals come from resampling whole days with
replacement within each weekday (seeded), rerunning the same estimators, and taking the
2.5 % and 97.5 % quantiles. Resampling whole days keeps each day's hours and its shared
day multiplier together, so the intervals carry the day-to-day noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from klarsim.config import Scenario
from klarsim.fitting.days import DAYS_PER_WEEK, Days, build_days, whole_days
from klarsim.fitting.estimators import (
    MIN_DAYS_FOR_GROWTH,
    Estimates,
    estimate,
    handle_time_overall,
    patience_method,
)
from klarsim.fitting.export import Export, ExportError, read_export
from klarsim.fitting.profiles import (
    ShapeTest,
    daily_band,
    profile_table,
    roster_by_hour_of_week,
    weekday_shape_test,
)
from klarsim.fitting.scenario_text import Fitted, scenario_text

MIN_WHOLE_DAYS = 7
"""A weekly profile needs every weekday at least once."""
FIT_FILE = "fit.csv"
SCENARIO_FILE = "scenario.yaml"
DAILY_FILE = "fit_daily.csv"
PROFILES_FILE = "fit_profiles.csv"


@dataclass(frozen=True)
class FitOptions:
    """How to fit: the channel the export is (it does not say), resamples, seed, level."""

    channel: str = "voice"
    resamples: int = 200
    seed: int = 0
    confidence: float = 0.95
    name: str | None = None
    """The scenario's name (default: ``fitted-`` and the export's file name)."""


@dataclass(frozen=True)
class FitResult:
    """The fitted scenario (and its commented YAML), the fit table and what the plots need."""

    scenario: Scenario
    yaml_text: str
    table: pd.DataFrame
    """``parameter``, ``estimate``, ``ci_low``, ``ci_high``, ``method``."""
    daily: pd.DataFrame
    profiles: pd.DataFrame
    shape: ShapeTest
    notes: list[str] = field(default_factory=list)


def fit(
    export: Export | str | Path,
    *,
    columns: dict[str, str] | None = None,
    queue_column: str | None = None,
    interval_min: int | None = None,
    options: FitOptions | None = None,
) -> FitResult:
    """Fit a scenario to an export (a path is read with the column mapping given)."""
    options = options or FitOptions()
    if not isinstance(export, Export):
        export = read_export(export, columns, queue_column, interval_min)
    kept = whole_days(export)
    if len(kept) < MIN_WHOLE_DAYS:
        raise ExportError(
            export.source,
            "",
            f"{len(kept)} whole day(s); expected at least {MIN_WHOLE_DAYS} (every weekday)",
        )
    first = build_days(export, None)
    if first.offered_by_hour.sum() <= 0:
        raise ExportError(export.source, "column 'offered'", "no offered contacts in whole days")
    days = build_days(export, handle_time_overall(first)) if export.has_agents else first
    method = patience_method(days)
    point = estimate(days, np.arange(days.count), method)
    samples = _bootstrap(days, method, options)
    bounds = _bounds(point, samples, options.confidence)
    if days.count < MIN_DAYS_FOR_GROWTH:  # not estimated: 0 is an assumption, no interval
        bounds["growth_per_year"] = (math.nan, math.nan)
    shape = weekday_shape_test(days)
    fitted = Fitted(
        export=export,
        days=days,
        point=point,
        bounds=bounds,
        patience_method=method,
        shape=shape,
        roster=roster_by_hour_of_week(export) if export.has_agents else None,
        channel=options.channel,
        name=options.name or _name(export.source),
    )
    text, scenario, notes = scenario_text(fitted)
    return FitResult(
        scenario=scenario,
        yaml_text=text,
        table=_table(fitted),
        daily=daily_band(days, point, options.confidence),
        profiles=profile_table(days, point, bounds),
        shape=shape,
        notes=notes,
    )


def _bootstrap(days: Days, method: str, options: FitOptions) -> list[Estimates]:
    """Estimates on ``resamples`` resamples of whole days, drawn within each weekday."""
    generator = np.random.default_rng(options.seed)
    groups = [np.flatnonzero(days.weekday == day) for day in range(DAYS_PER_WEEK)]
    samples = []
    for _ in range(options.resamples):
        chosen = np.concatenate(
            [
                generator.choice(group, size=group.size, replace=True)
                for group in groups
                if group.size
            ]
        )
        samples.append(estimate(days, chosen, method))
    return samples


def _bounds(
    point: Estimates, samples: list[Estimates], confidence: float
) -> dict[str, tuple[float, float]]:
    """Percentile interval of each parameter (NaN where no resample gave a value)."""
    tail = (1 - confidence) / 2
    bounds = {}
    for key in point:
        values = np.array([sample[key] for sample in samples], dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            bounds[key] = (math.nan, math.nan)
        else:
            low, high = np.quantile(values, [tail, 1 - tail])
            bounds[key] = (float(low), float(high))
    return bounds


def _name(source: str) -> str:
    """``fitted-`` and the export's file name, reduced to letters, digits, - and _."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(source).stem)
    return f"fitted-{stem.strip('-')[:60] or 'export'}"


def _table(fitted: Fitted) -> pd.DataFrame:
    """One row per fitted parameter, named by its scenario key, and the weekday test."""
    rows = [
        (key, fitted.point[name], *fitted.bounds[name], method)
        for key, name, method in fitted.parameters()
    ]
    shape = fitted.shape
    rows.append(
        (
            "test.hourly_profile_same_every_weekday.p_value",
            shape.p_value,
            math.nan,
            math.nan,
            f"chi-square test of hour x weekday independence (scipy), chi2={shape.statistic:.1f}, "
            f"df={shape.degrees_of_freedom}, Cramer's V={shape.cramers_v:.3f}; below 0.001: "
            "weekdays have different daily shapes, which one hourly_profile cannot express",
        )
    )
    return pd.DataFrame(rows, columns=["parameter", "estimate", "ci_low", "ci_high", "method"])


def write_fit(folder: Path, result: FitResult) -> list[Path]:
    """Write scenario.yaml, fit.csv and the plot tables into ``folder`` (which must exist)."""
    written = [
        folder / SCENARIO_FILE,
        folder / FIT_FILE,
        folder / DAILY_FILE,
        folder / PROFILES_FILE,
    ]
    written[0].write_text(result.yaml_text, encoding="utf-8")
    result.table.to_csv(written[1], index=False)
    result.daily.to_csv(written[2], index=False)
    result.profiles.to_csv(written[3], index=False)
    return written


__all__ = [
    "FIT_FILE",
    "MIN_DAYS_FOR_GROWTH",
    "SCENARIO_FILE",
    "FitOptions",
    "FitResult",
    "fit",
    "write_fit",
]
