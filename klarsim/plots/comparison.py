"""Scenario comparison: each KPI's level with its CI, beside its paired difference from baseline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.metrics.columns import COMPARISON_VALUES
from klarsim.plots.measures import MissingDataError, measure, require
from klarsim.plots.style import (
    finish,
    format_money_axis,
    new_figure,
    ordered,
    scenario_colours,
    set_title,
)
from klarsim.results import files

COMPARISON_KPIS = (
    "csat_mean",
    "trust_mean_end",
    "service_level",
    "abandonment_rate",
    "cost_per_contact",
    "cost_total",
)


def comparison_bars(
    comparison: pd.DataFrame, *, baseline: str, kpis: Sequence[str] = COMPARISON_KPIS
) -> Figure:
    """Per KPI (rows): bars of each scenario's mean with its CI, and the paired differences.

    A KPI given at full scale (``cost_total_full_scale``, a scaled-down run) is shown as such.
    """
    require(comparison, ["kpi", "scenario", *COMPARISON_VALUES], plot="comparison")
    present = set(comparison.loc[comparison["mean"].notna(), "kpi"])
    shown = [name for kpi in kpis for name in (f"{kpi}_full_scale", kpi) if name in present]
    if not shown:
        raise MissingDataError(f"comparison: none of the KPIs is in {files.COMPARISON}")
    scenarios = ordered(list(comparison["scenario"]))
    if baseline not in scenarios:
        raise MissingDataError(f"comparison: the baseline {baseline!r} is not in the table")
    figure = new_figure(len(shown), 2, panel_height_in=0.4 * len(scenarios) + 1.1)
    grid = np.asarray(figure.axes).reshape(len(shown), 2)
    for (levels, differences), kpi in zip(grid, shown, strict=True):
        rows = comparison[comparison["kpi"] == kpi].set_index("scenario").loc[scenarios]
        _level_bars(levels, rows, kpi, scenarios, baseline)
        _difference_bars(differences, rows, kpi, scenarios, baseline)
    grid[0][0].set_title("mean with 95% CI")
    grid[0][1].set_title(f"difference from {baseline}, paired 95% CI")
    replications = int(comparison["replications"].max()) if "replications" in comparison else 0
    set_title(figure, f"Scenario comparison ({replications} replications each)")
    return finish(figure)


def _level_bars(
    axes: Axes, rows: pd.DataFrame, kpi: str, scenarios: list[str], baseline: str
) -> None:
    info = measure(kpi)
    means = info.clip(rows["mean"])
    errors = _errors(means, info.clip(rows["ci_low"]), info.clip(rows["ci_high"]))
    colours = scenario_colours(scenarios)
    positions = np.arange(len(scenarios))
    axes.barh(positions, means, xerr=errors, color=[colours[s] for s in scenarios], capsize=4)
    axes.set_yticks(positions, [_name(name, baseline) for name in scenarios])
    axes.invert_yaxis()
    axes.set_xlabel(info.axis_label)
    if info.unit.startswith("$"):
        format_money_axis(axes, axis="x")


def _difference_bars(
    axes: Axes, rows: pd.DataFrame, kpi: str, scenarios: list[str], baseline: str
) -> None:
    info = measure(kpi)
    others = [name for name in scenarios if name != baseline]
    chosen = rows.loc[others]
    differences = chosen["difference"].to_numpy(dtype=float) * info.factor
    errors = _errors(
        differences,
        chosen["difference_ci_low"].to_numpy(dtype=float) * info.factor,
        chosen["difference_ci_high"].to_numpy(dtype=float) * info.factor,
    )
    colours = scenario_colours(scenarios)
    positions = np.array([scenarios.index(name) for name in others])
    axes.barh(positions, differences, xerr=errors, color=[colours[s] for s in others], capsize=4)
    axes.axvline(0.0, color="#333333", linewidth=1.0)
    axes.set_yticks(np.arange(len(scenarios)), [""] * len(scenarios))
    axes.set_ylim(len(scenarios) - 0.5, -0.5)
    axes.set_xlabel(f"change in {info.label} ({info.difference_unit})")
    if info.unit.startswith("$"):
        format_money_axis(axes, axis="x")


def _name(scenario: str, baseline: str) -> str:
    return f"{scenario}\n(baseline)" if scenario == baseline else scenario


def _errors(middle: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Asymmetric error bar lengths (below, above); zero where the interval is unknown."""
    lengths: np.ndarray = np.nan_to_num(np.vstack([middle - low, high - middle]), nan=0.0)
    return lengths.clip(min=0.0)
