"""The effects waterfall: each headline KPI from the baseline to the end of the chain of changes.

Reads ``effects.csv`` (the Klarna effects chain): one panel per KPI, a bar for the start, one
floating bar per change on the timeline with its paired 95 % interval as an error bar, a
subtotal where the chain passes through another total (the leap) and a bar for the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from klarsim.plots.measures import FULL_SCALE, Measure, MissingDataError, measure, require
from klarsim.plots.style import (
    EXTRA_COST_COLOUR,
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

COLUMNS = (
    "kpi",
    "change",
    "kind",
    "effect",
    "ci_low",
    "ci_high",
    "start",
    "end",
    "from_scenario",
    "to_scenario",
)
HIGHER_IS_BETTER = frozenset({"csat_mean", "service_level", "fcr", "trust_mean_end"})
"""KPIs where a rise is good news (green); for the others (churn, costs) a fall is."""
TOTAL_COLOUR = "#404040"
ERROR_COLOUR = "#222222"


def effects_waterfall(effects: pd.DataFrame) -> Figure:
    """One panel per KPI of ``effects``: start, each step with its interval, totals, end."""
    require(effects, COLUMNS, plot="effects waterfall")
    steps = effects[effects["kind"] == "step"]
    kpis = ordered(list(steps["kpi"]))
    if not kpis:
        raise MissingDataError("effects waterfall: effects.csv has no step rows")
    figure = new_figure(len(kpis), 1, panel_height_in=4.2)
    for axes, kpi in zip(figure.axes, kpis, strict=True):
        _panel(axes, effects[effects["kpi"] == kpi], kpi)
    set_title(figure, "What each change did: paired effects under common random numbers")
    return finish(figure)


def _panel(axes: Axes, rows: pd.DataFrame, kpi: str) -> None:
    shown = measure(kpi)
    steps = rows[rows["kind"] == "step"].reset_index(drop=True)
    totals = rows[rows["kind"] == "total"]
    bars = [_clipped(bar, shown.bounds) for bar in _bars(steps, totals)]
    _draw(axes, bars, _better(kpi), shown)
    axes.set_xticks(range(len(bars)), [_tick(bar.label) for bar in bars])
    axes.set_ylabel(wrap(shown.axis_label, 28))
    if shown.unit == "$":
        format_money_axis(axes)
    elif shown.unit != "%":
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: short_text(value, shown)))
    first, last = float(steps["start"].iloc[0]), float(steps["end"].iloc[-1])
    title = f"{shown.label}: {short_text(first, shown)} to {short_text(last, shown)}"
    axes.set_title(title.replace("$", r"\$"))  # two dollar signs would start mathtext


@dataclass(frozen=True)
class _Bar:
    """A bar of the waterfall: from ``bottom`` to ``top``; ``low``/``high`` its interval's ends
    relative to ``top``; ``kind`` level, step or total."""

    label: str
    bottom: float
    top: float
    low: float
    high: float
    kind: str


def _bars(steps: pd.DataFrame, totals: pd.DataFrame) -> list[_Bar]:
    """Start, the steps (with a subtotal after a step that reaches a total's scenario), end."""
    start = float(steps["start"].iloc[0])
    first = str(steps["from_scenario"].iloc[0])
    bars = [_Bar(first, 0.0, start, low=np.nan, high=np.nan, kind="level")]
    level = start
    records = steps.to_dict("records")
    for position, step in enumerate(records):
        effect = float(step["effect"])
        low, high = float(step["ci_low"]) - effect, float(step["ci_high"]) - effect
        change = str(step["change"])
        bars.append(_Bar(change, level, level + effect, low=low, high=high, kind="step"))
        level += effect
        reached = totals[totals["to_scenario"] == step["to_scenario"]]
        if not reached.empty:
            bars.append(_total(reached.iloc[0], level, last=position == len(records) - 1))
    return bars


def _total(row: pd.Series, level: float, *, last: bool) -> _Bar:
    effect = float(row["effect"])
    low, high = float(row["ci_low"]) - effect, float(row["ci_high"]) - effect
    label = str(row["to_scenario"]) if last else f"{row['to_scenario']} (subtotal)"
    return _Bar(label, 0.0, level, low=low, high=high, kind="total")


def _clipped(bar: _Bar, bounds: tuple[float, float]) -> _Bar:
    """The bar's interval cut at the values the KPI can take (no service level above 100 %)."""
    if np.isnan(bar.low):
        return bar
    low = float(np.clip(bar.top + bar.low, *bounds)) - bar.top
    high = float(np.clip(bar.top + bar.high, *bounds)) - bar.top
    return _Bar(bar.label, bar.bottom, bar.top, low=low, high=high, kind=bar.kind)


def _draw(axes: Axes, bars: list[_Bar], better_up: bool, shown: Measure) -> None:
    factor = shown.factor
    positions = np.arange(len(bars))
    heights = [(bar.top - bar.bottom) * factor for bar in bars]
    bottoms = [bar.bottom * factor for bar in bars]
    colours = [_colour(bar, better_up) for bar in bars]
    axes.bar(positions, heights, bottom=bottoms, color=colours, width=0.65)
    tops = np.array([bar.top * factor for bar in bars])
    errors = np.array([[-bar.low * factor, bar.high * factor] for bar in bars]).T
    axes.errorbar(positions, tops, yerr=np.nan_to_num(errors), fmt="none", ecolor=ERROR_COLOUR)
    _limits(axes, bars, factor)
    for position, bar in zip(positions, bars, strict=True):
        change = bar.top - bar.bottom if bar.kind == "step" else bar.top
        sign = "+" if bar.kind == "step" and change > 0 else ""
        axes.annotate(
            sign + short_text(change, shown),
            (position, max(bar.top, bar.bottom) * factor),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=TICK_SIZE - 1,
        )


def _limits(axes: Axes, bars: list[_Bar], factor: float) -> None:
    """Zoom on the bars' range (a level near 0.7 changing by 0.01 must stay visible)."""
    steps = [bar for bar in bars if bar.kind == "step"]
    edges = [value for bar in steps for value in (bar.bottom, bar.top)]
    edges += [bar.top for bar in bars if bar.kind != "step"]
    edges += [bar.top + bar.high for bar in bars if not np.isnan(bar.high)]
    edges += [bar.top + bar.low for bar in bars if not np.isnan(bar.low)]
    low, high = min(edges) * factor, max(edges) * factor
    span = high - low if high > low else max(abs(high), 1.0)
    floor = 0.0 if low >= 0 and low < 0.5 * span else low - 0.3 * span
    axes.set_ylim(floor, high + 0.15 * span)


def _colour(bar: _Bar, better_up: bool) -> str:
    if bar.kind == "level":
        return NEUTRAL_COLOUR
    if bar.kind == "total":
        return TOTAL_COLOUR
    rises = bar.top > bar.bottom
    return SAVING_COLOUR if rises == better_up else EXTRA_COST_COLOUR


def _tick(label: str) -> str:
    """A tick label on short lines; scenario names may break after a hyphen."""
    return wrap(label.replace("-", "- ")).replace("- ", "-")


def _better(kpi: str) -> bool:
    return kpi.removesuffix(FULL_SCALE) in HIGHER_IS_BETTER


def short_text(value: float, shown: Measure) -> str:
    """A value as the panel shows it: money, percent or a short number."""
    if shown.unit == "$":
        return money(value)
    if shown.unit == "%":
        return f"{value * shown.factor:.1f}%"
    if abs(value) >= 1e4:
        return f"{value / 1e6:.3g}M" if abs(value) >= 1e6 else f"{value / 1e3:.3g}k"
    return f"{value:.3g}"
