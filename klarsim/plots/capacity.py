"""A capacity plan over the months: the FTE each month requires against the people it has.

Reads ``capacity.csv`` (``klarsim staff --by month``): one panel per planned pool, months
across, the required FTE (solid) beside the scenario's own mean headcount (dashed). Where the
headcount stays above the requirement, the scenario keeps more people than its conditions
need; where it falls below, the targets are at risk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klarsim.plots.measures import require
from klarsim.plots.style import PALETTE, finish, new_figure, ordered, set_title
from klarsim.results import files

MOST_MONTH_LABELS = 12
"""At most this many month labels along the axis (every second, third, ... beyond)."""
REQUIRED_COLOUR = PALETTE[0]
HEADCOUNT_COLOUR = PALETTE[1]


def capacity_figure(table: pd.DataFrame) -> Figure:
    """Required FTE per month against the scenario's mean headcount, one panel per pool."""
    require(table, ("month", "pool", "required_fte", "headcount"), plot=files.CAPACITY)
    pools = ordered([str(pool) for pool in table["pool"]])
    figure = new_figure(len(pools), 1)
    for axes, pool in zip(figure.axes, pools, strict=True):
        _panel(axes, table[table["pool"].astype(str) == pool], pool)
    set_title(figure, "Capacity plan: FTE each month requires against the scenario's headcount")
    return finish(figure)


def _panel(axes: Axes, rows: pd.DataFrame, pool: str) -> None:
    months = [str(month) for month in rows["month"]]
    positions = np.arange(len(months))
    required = rows["required_fte"].to_numpy(dtype=float)
    headcount = rows["headcount"].to_numpy(dtype=float)
    axes.plot(positions, required, color=REQUIRED_COLOUR, marker="o", label="required FTE")
    axes.plot(
        positions,
        headcount,
        color=HEADCOUNT_COLOUR,
        linestyle="--",
        marker="s",
        label="scenario's headcount",
    )
    surplus = np.where(np.isnan(headcount), np.nan, headcount - required)
    axes.fill_between(
        positions,
        required,
        headcount,
        where=~np.isnan(surplus),
        color=HEADCOUNT_COLOUR,
        alpha=0.12,
        linewidth=0.0,
    )
    step = max(1, int(np.ceil(len(months) / MOST_MONTH_LABELS)))
    axes.set_xticks(positions[::step], months[::step], rotation=45, ha="right")
    axes.set_xlim(-0.5, len(months) - 0.5)
    axes.set_ylim(bottom=0.0)
    axes.set_xlabel("month")
    axes.set_ylabel("people (FTE)")
    axes.set_title(pool)
    axes.legend(loc="best")
