"""A staffing plan over the week: required against rostered agents, and the service it gets.

Both read ``staffing.csv`` (``klarsim staff``): one panel per planned pool, time across the
week from Monday 00:00, with day boundaries marked.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.plots.measures import require
from klarsim.plots.style import (
    BAND_ALPHA,
    NEUTRAL_COLOUR,
    PALETTE,
    finish,
    new_figure,
    set_title,
)
from klarsim.results import files

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 1440.0


def staffing_figure(staffing: pd.DataFrame) -> Figure:
    """Agents on duty the plan requires and the scheduled roster gives, per pool."""
    require(staffing, ("pool", "minute_of_week", "required", "rostered"), plot=files.STAFFING)
    pools = list(dict.fromkeys(staffing["pool"]))
    figure = new_figure(len(pools), 1)
    for axes, pool in zip(figure.axes, pools, strict=True):
        rows = _to_week_end(staffing[staffing["pool"] == pool])
        days = rows["minute_of_week"] / MINUTES_PER_DAY
        # Rostered wide and pale beneath, required dashed on top: both show where they agree.
        axes.step(
            days,
            rows["rostered"],
            where="post",
            color=PALETTE[1],
            linewidth=3.0,
            alpha=0.55,
            label="rostered",
        )
        axes.step(
            days, rows["required"], where="post", color=PALETTE[0], linestyle="--", label="required"
        )
        most = float(max(rows["required"].max(), rows["rostered"].max()))
        axes.set_ylim(0.0, most * 1.15 + 0.5)  # room above the peak for its line and the legend
        axes.set_ylabel("agents on duty")
        axes.set_title(pool)
        _week_axis(axes)
        axes.legend(loc="upper right")
    set_title(figure, "Staffing plan: agents on duty over the week")
    return finish(figure)


def service_figure(staffing: pd.DataFrame, target: float | None = None) -> Figure:
    """The service level the plan achieves per interval, with its 95 % band, per pool."""
    columns = ("pool", "minute_of_week", "service_level")
    require(
        staffing, (*columns, "service_level_ci_low", "service_level_ci_high"), plot=files.STAFFING
    )
    pools = list(dict.fromkeys(staffing["pool"]))
    figure = new_figure(len(pools), 1)
    for axes, pool in zip(figure.axes, pools, strict=True):
        rows = _to_week_end(staffing[staffing["pool"] == pool])
        days = rows["minute_of_week"] / MINUTES_PER_DAY
        axes.fill_between(
            days,
            rows["service_level_ci_low"],
            rows["service_level_ci_high"],
            step="post",
            color=PALETTE[0],
            alpha=BAND_ALPHA,
            label="95 % interval",
        )
        axes.step(days, rows["service_level"], where="post", color=PALETTE[0], label="achieved")
        if target is not None:
            axes.axhline(target, color=NEUTRAL_COLOUR, linestyle="--", label="target")
        axes.set_ylim(0.0, 1.02)
        axes.set_ylabel("service level")
        axes.set_title(pool)
        _week_axis(axes)
        axes.legend(loc="lower right")
    set_title(figure, "Service level the plan achieves, interval by interval")
    return finish(figure)


def _to_week_end(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows and a copy of the last at the week's end, so a step drawn 'post' shows the
    last interval too (it would otherwise stop where that interval starts)."""
    if rows.empty:
        return rows
    end = rows.iloc[[-1]].copy()
    end["minute_of_week"] = 7 * MINUTES_PER_DAY
    return pd.concat([rows, end], ignore_index=True)


def _week_axis(axes: Axes) -> None:
    """Days of the week along the x axis, a line at each midnight."""
    axes.set_xlim(0.0, 7.0)
    axes.set_xticks([day + 0.5 for day in range(7)], DAY_NAMES)
    for day in range(1, 7):
        axes.axvline(day, color=NEUTRAL_COLOUR, linewidth=0.6, alpha=0.5)


def staffing_plots(staffing: pd.DataFrame, target: float | None = None) -> dict[str, Figure]:
    """The plots of a staffing plan by file stem."""
    return {
        "staffing": staffing_figure(staffing),
        "service_level": service_figure(staffing, target),
    }
