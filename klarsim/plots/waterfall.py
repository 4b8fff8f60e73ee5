"""The cumulative cost waterfall: from the baseline's total cost to a scenario's, step by step.

Each step is the change in one cost component (mean over replications): employee cost (the
AI savings), the AI bill, gig pay, rehiring and training, severance and revenue lost to churn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.metrics.confidence import t_interval
from klarsim.plots.measures import MissingDataError, require
from klarsim.plots.style import (
    EXTRA_COST_COLOUR,
    LABEL_SIZE,
    NEUTRAL_COLOUR,
    SAVING_COLOUR,
    TICK_SIZE,
    finish,
    format_money_axis,
    money,
    new_figure,
    ordered,
    set_title,
    wrap,
)
from klarsim.results import files

STEPS = (
    ("cost_employee", "employee cost (AI savings)"),
    ("cost_ai", "AI cost"),
    ("cost_gig", "gig cost"),
    ("cost_hiring", "rehiring and training"),
    ("cost_severance", "severance"),
    ("revenue_lost", "revenue lost to churn"),
)
OLD_EMPLOYEE_STEP = ("cost_human", "human staff cost")
"""Folders written before the employee and gig split have only ``cost_human``."""
TOTAL = "cost_total"
TOTAL_COLOUR = "#404040"


def cost_waterfall(
    summary: pd.DataFrame, *, baseline: str, scenarios: Sequence[str] | None = None
) -> Figure:
    """One panel per scenario other than ``baseline``: its cost bridge from the baseline."""
    require(summary, ["scenario", "replication", TOTAL], plot="cost waterfall")
    names = ordered(list(summary["scenario"]))
    targets = [s for s in (scenarios or names) if s != baseline and s in names]
    if baseline not in names or not targets:
        raise MissingDataError("cost waterfall: needs the baseline and another scenario")
    steps = _steps(summary)
    suffix = _suffix(summary, [column for column, _ in steps])
    figure = new_figure(len(targets), 1, panel_height_in=4.6)
    for axes, target in zip(figure.axes, targets, strict=True):
        _bridge(axes, summary, steps=steps, suffix=suffix, baseline=baseline, target=target)
    scale = ", full scale" if suffix else ""
    label = f"cost over the horizon{scale} ($)"
    if len(targets) == 1:
        figure.axes[0].set_ylabel(label)
    else:  # one label for the stacked panels: a panel's own would run into its neighbours
        figure.supylabel(label, fontsize=LABEL_SIZE)
    set_title(figure, f"Cumulative cost against {baseline}: what changes, over the horizon{scale}")
    return finish(figure)


def _steps(summary: pd.DataFrame) -> list[tuple[str, str]]:
    steps = [(column, label) for column, label in STEPS if column in summary.columns]
    if "cost_employee" not in summary.columns and OLD_EMPLOYEE_STEP[0] in summary.columns:
        steps.insert(0, OLD_EMPLOYEE_STEP)
    if not steps:
        raise MissingDataError(f"cost waterfall: {files.SUMMARY} has no cost components")
    return steps


def _suffix(summary: pd.DataFrame, columns: list[str]) -> str:
    """'_full_scale' when every column used has a full-scale version, else ''."""
    full = all(f"{column}_full_scale" in summary.columns for column in [*columns, TOTAL])
    return "_full_scale" if full else ""


def _bridge(
    axes: Axes,
    summary: pd.DataFrame,
    *,
    steps: list[tuple[str, str]],
    suffix: str,
    baseline: str,
    target: str,
) -> None:
    columns = [column + suffix for column, _ in steps] + [TOTAL + suffix]
    means = summary.groupby("scenario")[columns].mean()
    before = means.loc[baseline].to_numpy(dtype=float)
    after = means.loc[target].to_numpy(dtype=float)
    start, end = float(before[-1]), float(after[-1])
    changes = [float(change) for change in (after - before)[:-1]]
    labels = [label for _, label in steps]
    residual = end - start - sum(changes)
    if abs(residual) > 1e-6 * max(abs(start), abs(end), 1.0):
        changes.append(residual)
        labels.append("other")
    _draw_bars(axes, start, changes, end)
    axes.set_xticks(
        range(len(labels) + 2),
        [wrap(f"{baseline} total"), *(wrap(label) for label in labels), wrap(f"{target} total")],
    )
    format_money_axis(axes)
    axes.set_title(_difference_title(summary, TOTAL + suffix, baseline, target))


def _draw_bars(axes: Axes, start: float, changes: list[float], end: float) -> None:
    levels = np.concatenate([[start], start + np.cumsum(changes)])
    bottoms = [0.0, *levels[:-1], 0.0]
    heights = [start, *changes, end]
    colours = [NEUTRAL_COLOUR]
    colours += [SAVING_COLOUR if change < 0 else EXTRA_COST_COLOUR for change in changes]
    colours.append(TOTAL_COLOUR)
    positions = np.arange(len(heights))
    axes.bar(positions, heights, bottom=bottoms, color=colours, width=0.65)
    edges = np.concatenate([bottoms, np.add(bottoms, heights)])
    low, high = min(0.0, float(edges.min())), max(0.0, float(edges.max()))
    axes.set_ylim(low - 0.04 * (high - low), high + 0.1 * (high - low))
    for position, level in zip(positions[:-1], levels, strict=True):
        axes.plot([position + 0.33, position + 0.67], [level, level], color="#555555", lw=0.8)
    for position, bottom, height in zip(positions, bottoms, heights, strict=True):
        sign = "+" if 0 < position < len(heights) - 1 and height > 0 else ""
        axes.annotate(
            sign + money(height),
            (position, bottom + max(height, 0.0)),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=TICK_SIZE - 1,
        )


def _difference_title(summary: pd.DataFrame, total: str, baseline: str, target: str) -> str:
    wide = summary.pivot_table(index="replication", columns="scenario", values=total)
    interval = t_interval((wide[target] - wide[baseline]).to_numpy(dtype=float))
    text = f"{target}: {'+' if interval.mean > 0 else ''}{money(interval.mean)}"
    if np.isnan(interval.low):
        return text
    return f"{text} (paired 95% CI {money(interval.low)} to {money(interval.high)})"
