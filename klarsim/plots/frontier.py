"""Cost against satisfaction: one point per scenario or sweep point, CI whiskers both ways.

The dashed line joins the efficient points (no other point is both cheaper and better rated),
the frontier a plan should sit on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.plots.intervals import group_intervals
from klarsim.plots.measures import MissingDataError, has_values, measure, require
from klarsim.plots.style import (
    NEUTRAL_COLOUR,
    PALETTE,
    TICK_SIZE,
    finish,
    format_money_axis,
    new_figure,
    ordered,
    scenario_colours,
    set_title,
)

FRONTIER_COSTS = ("cost_per_contact", "cost_total")
MOST_LABELLED = 12
"""With more points than this, only the efficient ones are labelled."""


def cost_satisfaction_frontier(
    runs: pd.DataFrame,
    *,
    group: str = "scenario",
    costs: Sequence[str] = FRONTIER_COSTS,
    satisfaction: str = "csat_mean",
    labels: Mapping[object, str] | None = None,
) -> Figure:
    """One panel per cost measure; ``runs`` has one row per replication and a ``group`` column.

    Money that has a ``_full_scale`` column (a scaled-down run) is plotted at full scale.
    """
    require(runs, [group, satisfaction], plot="frontier")
    columns = [_money_column(runs, cost) for cost in costs if has_values(runs, cost)]
    if not columns or not has_values(runs, satisfaction):
        raise MissingDataError("frontier: no cost or satisfaction values")
    points = group_intervals(runs, group, [*columns, satisfaction])
    names = [str(value) for value in points[group]]
    if labels is not None:
        names = [labels.get(value, str(value)) for value in points[group]]
    figure = new_figure(1, len(columns), panel_height_in=5.6)
    for axes, cost in zip(figure.axes, columns, strict=True):
        _draw_points(axes, points, names, cost, satisfaction)
    set_title(figure, "Cost versus satisfaction (95% CI both ways)")
    return finish(figure)


def _money_column(runs: pd.DataFrame, cost: str) -> str:
    full = f"{cost}_full_scale"
    return full if has_values(runs, full) else cost


def _draw_points(
    axes: Axes, points: pd.DataFrame, names: list[str], cost: str, satisfaction: str
) -> None:
    x, y = points[f"{cost}_mean"].to_numpy(float), points[f"{satisfaction}_mean"].to_numpy(float)
    colours = scenario_colours(ordered(names))
    for index, name in enumerate(names):
        axes.errorbar(
            x[index],
            y[index],
            xerr=_error(points, cost, index),
            yerr=_error(points, satisfaction, index),
            fmt="o",
            markersize=9,
            capsize=4,
            color=colours[name] if len(names) <= len(PALETTE) else PALETTE[0],
        )
    efficient = efficient_points(x, y)
    order = efficient[np.argsort(x[efficient])]
    axes.plot(x[order], y[order], linestyle="--", color=NEUTRAL_COLOUR, linewidth=1.5)
    for index in range(len(names)) if len(names) <= MOST_LABELLED else efficient:
        axes.annotate(
            names[index],
            (x[index], y[index]),
            textcoords="offset points",
            xytext=(8, 8),
            fontsize=TICK_SIZE,
        )
    _label_axes(axes, cost, satisfaction)


def efficient_points(cost: np.ndarray, satisfaction: np.ndarray) -> np.ndarray:
    """Indices of points that no other point beats on both cost (lower) and satisfaction."""
    kept = []
    for index in range(cost.size):
        cheaper_or_equal = cost <= cost[index]
        better_or_equal = satisfaction >= satisfaction[index]
        strictly = (cost < cost[index]) | (satisfaction > satisfaction[index])
        if not np.any(cheaper_or_equal & better_or_equal & strictly):
            kept.append(index)
    return np.asarray(kept, dtype=int)


def _error(points: pd.DataFrame, column: str, index: int) -> np.ndarray:
    """Whisker lengths (below, above) of one point, the interval clipped to possible values."""
    info = measure(column.removesuffix("_full_scale"))
    low, high = info.bounds
    row = points.iloc[index]
    middle = float(row[f"{column}_mean"])
    below = middle - float(np.clip(row[f"{column}_ci_low"], low, high))
    above = float(np.clip(row[f"{column}_ci_high"], low, high)) - middle
    lengths: np.ndarray = np.nan_to_num(np.array([[below], [above]]), nan=0.0).clip(min=0.0)
    return lengths


def _label_axes(axes: Axes, cost: str, satisfaction: str) -> None:
    base = cost.removesuffix("_full_scale")
    info = measure(base)
    scale = ", full scale" if cost.endswith("_full_scale") else ""
    over = " over the horizon" if base == "cost_total" else ""
    axes.set_xlabel(f"{info.label}{over}{scale} ({info.unit})")
    axes.set_ylabel(measure(satisfaction).axis_label)
    axes.set_title(f"{info.label}{scale}")
    format_money_axis(axes, axis="x")
