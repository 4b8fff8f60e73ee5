"""Sensitivity plots: Morris mu*-sigma, Sobol bars with intervals, and the tornado chart.

Read ``sensitivity.csv`` and ``samples.csv`` (``klarsim sensitivity``); one panel per KPI.
In the Morris chart an assumption far to the right matters; high up, its effect depends on
the other assumptions or is not linear. Sobol bars show each assumption's first-order share
of the KPI's variance (S1) and its total share with interactions (ST), with bootstrap
intervals. The tornado chart moves each assumption alone to the ends of its range.
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
from klarsim.plots.style import (
    EXTRA_COST_COLOUR,
    NEUTRAL_COLOUR,
    PALETTE,
    finish,
    new_figure,
    ordered,
    set_title,
)
from klarsim.sensitivity.names import SAMPLES, SENSITIVITY

MOST_LABELLED = 6
"""The Morris chart names its six most influential assumptions (the rest crowd the origin)."""
LOW_COLOUR = PALETTE[0]
HIGH_COLOUR = EXTRA_COST_COLOUR
CAPTIONS = {
    "sensitivity_morris": (
        "Morris screening, one panel per KPI: mu* (mean absolute elementary effect over the "
        "range, with its bootstrap 95% interval) against sigma (how much the effect varies "
        "with the other assumptions), the six largest named. Right: influential; high: "
        "interacting or non-linear."
    ),
    "sensitivity_sobol": (
        "Sobol indices, one panel per KPI: each assumption's first-order share of the KPI's "
        "variance (S1) and its total share with interactions (ST), with bootstrap 95% intervals."
    ),
    "sensitivity_tornado": (
        "Tornado: the KPI with each assumption alone at the low (blue) and high (red) end of "
        "its range, the others at the scenario's values (the vertical line), widest swing first."
    ),
}
"""What each sensitivity plot shows."""


def short(key: str) -> str:
    """The last two parts of a dotted key: enough to tell assumptions apart on an axis."""
    return ".".join(key.split(".")[-2:])


def morris_chart(indices: pd.DataFrame) -> Figure:
    """mu* against sigma per assumption, one panel per KPI."""
    require(indices, ("kpi", "parameter", "mu_star", "mu_star_conf", "sigma"), plot=SENSITIVITY)
    kpis = ordered([str(kpi) for kpi in indices["kpi"]])
    figure = new_figure(len(kpis), 1)
    for axes, kpi in zip(figure.axes, kpis, strict=True):
        rows = indices[indices["kpi"] == kpi]
        axes.errorbar(
            rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o",
            color=PALETTE[0], ecolor=NEUTRAL_COLOUR, capsize=3,
        )  # fmt: skip
        for row in rows.nlargest(MOST_LABELLED, "mu_star").itertuples(index=False):
            axes.annotate(short(str(row.parameter)), (row.mu_star, row.sigma), fontsize=10,
                          xytext=(4, 4), textcoords="offset points")  # fmt: skip
        axes.set_xlim(left=0)
        axes.set_ylim(bottom=0)
        axes.set_xlabel("mu* (mean |elementary effect|)")
        axes.set_ylabel("sigma")
        axes.set_title(kpi)
    set_title(figure, "Which assumptions matter: Morris screening")
    return finish(figure)


def sobol_bars(indices: pd.DataFrame) -> Figure:
    """S1 and ST per assumption with their intervals, one panel per KPI."""
    require(indices, ("kpi", "parameter", "S1", "S1_conf", "ST", "ST_conf"), plot=SENSITIVITY)
    kpis = ordered([str(kpi) for kpi in indices["kpi"]])
    figure = new_figure(len(kpis), 1)
    for axes, kpi in zip(figure.axes, kpis, strict=True):
        rows = indices[indices["kpi"] == kpi].sort_values("ST", ascending=False)
        positions = np.arange(len(rows))
        for offset, (name, colour) in enumerate((("S1", PALETTE[0]), ("ST", PALETTE[1]))):
            axes.bar(
                positions + (offset - 0.5) * 0.4, rows[name], width=0.4, color=colour,
                yerr=rows[f"{name}_conf"], capsize=3, label=name,
            )  # fmt: skip
        axes.set_xticks(positions, [short(str(p)) for p in rows["parameter"]])
        axes.axhline(0, color=NEUTRAL_COLOUR, linewidth=0.8)
        axes.set_ylabel("share of variance")
        axes.set_title(kpi)
        axes.legend(loc="upper right")
    set_title(figure, "Which assumptions drive the variance: Sobol indices")
    return finish(figure)


def tornado(samples: pd.DataFrame, kpis: list[str]) -> Figure:
    """Each assumption alone at its low and high end against the base value, per KPI."""
    require(samples, ("role", "parameter", *kpis), plot=SAMPLES)
    base = samples[samples["role"] == "base"]
    if base.empty or not kpis:
        raise MissingDataError(f"{SAMPLES}: no base point")
    figure = new_figure(len(kpis), 1)
    for axes, kpi in zip(figure.axes, kpis, strict=True):
        _tornado_panel(axes, samples, kpi, float(base[kpi].iloc[0]))
    set_title(figure, "Tornado: each assumption alone at the ends of its range")
    return finish(figure)


def _tornado_panel(axes: Axes, samples: pd.DataFrame, kpi: str, centre: float) -> None:
    ends = samples[samples["role"].isin(["low", "high"])]
    table = ends.pivot_table(index="parameter", columns="role", values=kpi, aggfunc="first")
    table = table.reindex(columns=["low", "high"])
    swing = (table["high"] - table["low"]).abs()
    table = table.loc[swing.sort_values(ascending=True).index]
    positions = np.arange(len(table))
    for role, colour in (("low", LOW_COLOUR), ("high", HIGH_COLOUR)):
        axes.barh(positions, table[role] - centre, left=centre, color=colour, height=0.6,
                  alpha=0.85, label=f"at {role} end")  # fmt: skip
    axes.axvline(centre, color="black", linewidth=1.0)
    axes.set_yticks(positions, [short(str(p)) for p in table.index])
    axes.set_xlabel(kpi)
    axes.set_title(f"{kpi} (base {centre:.4g})")
    axes.legend(loc="lower right")


def sensitivity_figures(folder: Path) -> dict[str, Figure]:
    """Every sensitivity plot the folder's tables allow, by file stem."""
    indices = pd.read_csv(folder / SENSITIVITY)
    samples = pd.read_csv(folder / SAMPLES)
    kpis = ordered([str(kpi) for kpi in indices["kpi"]])
    drawings: dict[str, Callable[[], Figure]] = {
        "sensitivity_morris": lambda: morris_chart(indices),
        "sensitivity_sobol": lambda: sobol_bars(indices),
        "sensitivity_tornado": lambda: tornado(samples, kpis),
    }
    figures: dict[str, Figure] = {}
    for name, draw in drawings.items():
        try:
            figures[name] = draw()
        except MissingDataError:
            continue
    return figures


def write_sensitivity_plots(folder: Path) -> list[Path]:
    """The sensitivity plots into ``folder/plots`` as PNG and SVG; return the files."""
    return save_figures(sensitivity_figures(folder), folder)
