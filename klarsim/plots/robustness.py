"""Robustness plots: the paired difference's spread, and the difference against the assumption
the verdict hinges on.

Read ``robustness.csv`` and ``robustness_summary.csv`` (``klarsim robustness``); one panel per
KPI. The side of zero where the alternative is better is shaded; the flip value, where a
monotone fit of the difference crosses zero, is a dashed line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.plots.measures import MissingDataError, require
from klarsim.plots.saving import save_figures
from klarsim.plots.sensitivity import short
from klarsim.plots.style import (
    NEUTRAL_COLOUR,
    PALETTE,
    SAVING_COLOUR,
    finish,
    new_figure,
    set_title,
)
from klarsim.sensitivity.names import ROBUSTNESS, ROBUSTNESS_SUMMARY

CAPTIONS = {
    "robustness_histogram": (
        "The paired difference (alternative minus baseline, common random numbers) over the "
        "sampled assumptions, one panel per KPI; green: the side where the alternative is "
        "better, with the probability that it is and its 95% Wilson interval."
    ),
    "robustness_driver": (
        "The paired difference against the assumption the verdict hinges on most (largest "
        "partial rank correlation), with the zero line and, dashed, the value where a "
        "monotone fit of the difference crosses zero."
    ),
}
"""What each robustness plot shows."""


def difference_histograms(samples: pd.DataFrame, summary: pd.DataFrame) -> Figure:
    """The paired difference's histogram per KPI, the better side shaded."""
    require(summary, ("kpi", "better", "probability_alternative_better"), plot=ROBUSTNESS_SUMMARY)
    rows = list(summary.itertuples(index=False))
    figure = new_figure(len(rows), 1, panel_height_in=2.8)
    for axes, row in zip(figure.axes, rows, strict=True):
        column = f"{row.kpi}_difference"
        require(samples, (column,), plot=ROBUSTNESS)
        values = samples[column].dropna().to_numpy(dtype=float)
        axes.hist(values, bins=min(30, max(5, len(values) // 3)), color=PALETTE[0], alpha=0.85)
        _zero_and_better(axes, str(row.better), vertical=True)
        axes.set_xlabel(f"{row.kpi}: alternative - baseline")
        axes.set_ylabel("samples")
        axes.set_title(
            f"{row.kpi}: P(alternative better) = {row.probability_alternative_better:.2f} "
            f"[{row.ci_low:.2f}, {row.ci_high:.2f}]"
        )
    set_title(figure, "How often the alternative beats the baseline")
    return finish(figure)


def driver_scatter(samples: pd.DataFrame, summary: pd.DataFrame) -> Figure:
    """The difference against each KPI's top assumption, the zero line and the flip value."""
    require(summary, ("kpi", "better", "top_assumption", "flip_value"), plot=ROBUSTNESS_SUMMARY)
    rows = [row for row in summary.itertuples(index=False) if str(row.top_assumption) in samples]
    if not rows:
        raise MissingDataError(f"{ROBUSTNESS_SUMMARY}: no assumption to plot against")
    figure = new_figure(len(rows), 1, panel_height_in=2.8)
    for axes, row in zip(figure.axes, rows, strict=True):
        key = str(row.top_assumption)
        axes.scatter(samples[key], samples[f"{row.kpi}_difference"], color=PALETTE[0], s=18)
        _zero_and_better(axes, str(row.better), vertical=False)
        flip = float(row.flip_value)  # type: ignore[arg-type]
        if np.isfinite(flip):
            axes.axvline(flip, color=NEUTRAL_COLOUR, linestyle="--", label=f"flips at {flip:.4g}")
            axes.legend(loc="best")
        axes.set_xlabel(key)
        axes.set_ylabel("difference")
        axes.set_title(f"{row.kpi} against {short(key)} (PRCC {row.partial_rank_correlation:.2f})")
    set_title(figure, "What the verdict hinges on")
    return finish(figure)


def _zero_and_better(axes: Axes, better: str, *, vertical: bool) -> None:
    """The zero line, and the side of it where the alternative is better shaded green."""
    line = axes.axvline if vertical else axes.axhline
    line(0, color="black", linewidth=1.0)
    span = axes.axvspan if vertical else axes.axhspan
    low, high = axes.get_xlim() if vertical else axes.get_ylim()
    if better == "lower":
        span(min(low, 0), 0, color=SAVING_COLOUR, alpha=0.08)
    else:
        span(0, max(high, 0), color=SAVING_COLOUR, alpha=0.08)
    (axes.set_xlim if vertical else axes.set_ylim)(min(low, 0), max(high, 0))


def robustness_figures(folder: Path) -> dict[str, Figure]:
    """Every robustness plot the folder's tables allow, by file stem."""
    samples = pd.read_csv(folder / ROBUSTNESS)
    summary = pd.read_csv(folder / ROBUSTNESS_SUMMARY)
    drawings: dict[str, Callable[[], Figure]] = {
        "robustness_histogram": lambda: difference_histograms(samples, summary),
        "robustness_driver": lambda: driver_scatter(samples, summary),
    }
    figures: dict[str, Figure] = {}
    for name, draw in drawings.items():
        try:
            figures[name] = draw()
        except MissingDataError:
            continue
    return figures


def write_robustness_plots(folder: Path) -> list[Path]:
    """The robustness plots into ``folder/plots`` as PNG and SVG; return the files."""
    return save_figures(robustness_figures(folder), folder)
