"""Sweep results: a heatmap of a KPI over two swept parameters, or its profile over one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure

from klarsim.plots.measures import MissingDataError, has_values, measure
from klarsim.plots.style import (
    BAND_ALPHA,
    PALETTE,
    TICK_SIZE,
    finish,
    format_money_axis,
    new_figure,
    remove_unused,
    set_title,
)
from klarsim.results import files

SWEEP_KPIS = ("csat_mean", "service_level", "cost_per_contact", "trust_mean_end")
LOWER_IS_BETTER = {"cost_per_contact", "cost_total", "abandonment_rate", "asa_min", "churned"}
STATISTICS = ("_mean", "_ci_low", "_ci_high")
MOST_CELLS_PER_SIDE = 20
"""Beyond this many distinct values on an axis (a Latin hypercube), points are scattered."""
KEY_UNITS = (
    ("_min", "min"),
    ("_days", "days"),
    ("_hours", "hours"),
    ("headcount", "agents"),
    ("share", "fraction 0-1"),
    ("probability", "probability 0-1"),
    ("cost_per_hour", "$ per hour"),
    ("per_day", "per day"),
)


def swept_keys(summary: pd.DataFrame) -> list[str]:
    """The swept dotted keys: every column that is neither ``point`` nor a KPI statistic."""
    return [
        column
        for column in summary.columns
        if column != "point" and not column.endswith(STATISTICS)
    ]


def setting_text(value: object) -> str:
    """A swept value as text: 0.3, 28, flat."""
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def key_label(key: str) -> str:
    """A swept key with the unit its name implies."""
    for ending, unit in KEY_UNITS:
        if key.endswith(ending):
            return f"{key} ({unit})"
    return f"{key} (value)"


def sweep_heatmap(
    summary: pd.DataFrame,
    *,
    kpis: Sequence[str] = SWEEP_KPIS,
    x: str | None = None,
    y: str | None = None,
) -> Figure:
    """One heatmap per KPI (mean over the replications) over two swept keys of sweep_summary."""
    keys = swept_keys(summary)
    if len(keys) < 2:
        raise MissingDataError("sweep heatmap: needs two swept parameters")
    x_key, y_key = x or keys[0], y or next(key for key in keys if key != (x or keys[0]))
    shown = _shown(summary, kpis)
    columns = min(2, len(shown))
    figure = new_figure(-(-len(shown) // columns), columns, panel_height_in=4.4)
    for axes, kpi in zip(remove_unused(figure, len(shown)), shown, strict=True):
        _heat(figure, axes, summary, kpi=kpi, x_key=x_key, y_key=y_key)
    others = [key for key in keys if key not in {x_key, y_key}]
    note = f" (mean over {', '.join(others)})" if others else ""
    set_title(figure, f"Sweep: KPI means over {x_key} and {y_key}{note}")
    return finish(figure)


def sweep_profile(summary: pd.DataFrame, *, kpis: Sequence[str] = SWEEP_KPIS) -> Figure:
    """Each KPI's mean and 95% band along a single swept key."""
    keys = swept_keys(summary)
    if len(keys) != 1:
        raise MissingDataError("sweep profile: needs exactly one swept parameter")
    shown = _shown(summary, kpis)
    columns = min(2, len(shown))
    figure = new_figure(-(-len(shown) // columns), columns)
    rows = summary.sort_values(keys[0])
    for axes, kpi in zip(remove_unused(figure, len(shown)), shown, strict=True):
        _profile(axes, rows, kpi, keys[0])
    set_title(figure, f"Sweep: KPI means over {keys[0]}, 95% band across replications")
    return finish(figure)


def _shown(summary: pd.DataFrame, kpis: Sequence[str]) -> list[str]:
    shown = [kpi for kpi in kpis if has_values(summary, f"{kpi}_mean")]
    if not shown:
        raise MissingDataError(f"sweep: none of the KPIs is in {files.SWEEP_SUMMARY}")
    return shown


def _heat(
    figure: Figure, axes: Axes, summary: pd.DataFrame, *, kpi: str, x_key: str, y_key: str
) -> None:
    info = measure(kpi)
    values = summary.groupby([y_key, x_key])[f"{kpi}_mean"].mean() * info.factor
    cmap = "viridis_r" if kpi in LOWER_IS_BETTER else "viridis"
    x_levels, y_levels = np.unique(summary[x_key]), np.unique(summary[y_key])
    if max(x_levels.size, y_levels.size) > MOST_CELLS_PER_SIDE:
        flat = values.reset_index()
        image: ScalarMappable = axes.scatter(
            flat[x_key], flat[y_key], c=flat[f"{kpi}_mean"], cmap=cmap, s=80
        )
        axes.set_xlabel(key_label(x_key))
        axes.set_ylabel(key_label(y_key))
    else:
        grid = values.unstack(x_key).reindex(index=y_levels, columns=x_levels).to_numpy(float)
        image = axes.imshow(grid, origin="lower", aspect="auto", cmap=cmap)
        _annotate_cells(axes, grid, dark_high=kpi in LOWER_IS_BETTER)
        axes.set_xticks(range(x_levels.size), [setting_text(v) for v in x_levels])
        axes.set_yticks(range(y_levels.size), [setting_text(v) for v in y_levels])
        axes.set_xlabel(key_label(x_key))
        axes.set_ylabel(key_label(y_key))
    bar = figure.colorbar(image, ax=axes, label=info.axis_label)
    if info.unit.startswith("$"):
        format_money_axis(bar.ax)
    axes.set_title(info.label)


def _annotate_cells(axes: Axes, grid: np.ndarray, *, dark_high: bool) -> None:
    """Each cell's value, white on the dark half of the colour map, black on the light half."""
    low, high = float(np.nanmin(grid)), float(np.nanmax(grid))
    for (row, column), value in np.ndenumerate(grid):
        if np.isnan(value):
            continue
        position = (value - low) / (high - low) if high > low else 0.5
        dark = position >= 0.5 if dark_high else position < 0.5
        axes.text(
            column,
            row,
            _short(value),
            ha="center",
            va="center",
            fontsize=TICK_SIZE,
            color="white" if dark else "black",
        )


def _profile(axes: Axes, rows: pd.DataFrame, kpi: str, key: str) -> None:
    info = measure(kpi)
    x = rows[key].to_numpy(dtype=float)
    axes.plot(x, info.clip(rows[f"{kpi}_mean"]), marker="o", color=PALETTE[0], linewidth=2)
    axes.fill_between(
        x,
        info.clip(rows[f"{kpi}_ci_low"]),
        info.clip(rows[f"{kpi}_ci_high"]),
        color=PALETTE[0],
        alpha=BAND_ALPHA,
        linewidth=0,
    )
    axes.set_xlabel(key_label(key))
    axes.set_ylabel(info.axis_label)
    axes.set_title(info.label)
    if info.unit.startswith("$"):
        format_money_axis(axes)


def _short(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
