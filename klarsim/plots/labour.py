"""'What the humans come back as': employee and gig FTE over time, and what the unwind costs.

Read from ``timeseries.csv``'s labour columns (``employee_fte``, ``gig_fte``,
``gig_people_engaged``, ``unwind_cost``), averaged over the replications of each scenario,
daily when the recorded interval is shorter than a day. The second panel sets the cumulative
cost of hiring, training and onboarding people back against the cumulative operating cost each
scenario saves against the first (the baseline), so the unwind is seen eroding the saving.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from klarsim.plots.intervals import interval_days
from klarsim.plots.measures import MissingDataError, has_activity, has_values, require
from klarsim.plots.saving import save_figures
from klarsim.plots.style import (
    LINE_STYLES,
    LineStyle,
    finish,
    format_money_axis,
    is_slide,
    new_figure,
    ordered,
    scenario_colours,
    set_title,
)
from klarsim.plots.timeseries import label_time
from klarsim.results import files

NAME = "labour"
LEVELS = {
    "employee_fte": "employee FTE",
    "gig_fte": "gig FTE (online)",
    "gig_people_engaged": "gig people online",
}
"""Panel 1's columns (means over each period) and their legend labels."""
FLOWS = ("unwind_cost", "cost_operating")
"""Money per interval, summed over each period and then cumulated."""
REQUIRED = ("scenario", "replication", "time_days", *LEVELS, "unwind_cost")
LEVEL_STYLES: dict[str, LineStyle] = dict(zip(LEVELS, LINE_STYLES, strict=False))
UNWIND_STYLE: LineStyle = "-"
SAVING_STYLE: LineStyle = "--"
CAPTION = (
    "What the humans come back as. Left: employee FTE (people times contracted hours over a "
    "full-time week), gig FTE (hours online over a full-time week) and gig people online, "
    "per scenario. Right: the cumulative unwind cost (recruiting, hiring, training and gig "
    "onboarding) and, dashed, each scenario's cumulative operating-cost saving against the "
    "first scenario. Means over the replications, daily when the interval is shorter."
)


def has_labour_columns(timeseries: pd.DataFrame | None) -> bool:
    """Whether the time series holds the labour columns (folders before them do not)."""
    return timeseries is not None and all(column in timeseries.columns for column in REQUIRED)


def labour_figure(timeseries: pd.DataFrame, *, baseline: str | None = None) -> Figure:
    """Panel 1: FTE and gig people over time; panel 2: cumulative unwind cost and savings."""
    require(timeseries, REQUIRED, plot="labour")
    series = labour_series(timeseries)
    scenarios = ordered(list(timeseries["scenario"]))
    first = baseline if baseline in scenarios else scenarios[0]
    figure = new_figure(1, 2)
    people, money = figure.axes
    _draw_people(people, series, scenarios)
    _draw_money(money, series, scenarios, first)
    label_time([people, money], timeseries)
    set_title(figure, "What the humans come back as: " + _period_text(timeseries))
    _legend(figure, scenarios)
    return finish(figure)


def labour_series(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and period: the levels' means and the flows' cumulative sums.

    Each replication's period is first reduced (levels averaged, flows summed), then the
    replications are averaged and the flows cumulated in time: ``cumulative_COLUMN``. ``x_days``
    is a period's middle (for levels), ``x_end_days`` its end (for cumulative sums).
    """
    period = period_of(timeseries)
    flows = [column for column in FLOWS if column in timeseries.columns]
    frame = timeseries[["scenario", "replication", "time_days", *LEVELS, *flows]].copy()
    frame["period"] = np.floor(frame["time_days"].to_numpy(dtype=float) / period + 1e-9)
    keys = ["scenario", "replication", "period"]
    grouped = frame.groupby(keys, sort=False)
    per_replication = grouped[list(LEVELS)].mean().join(grouped[flows].sum(min_count=1))
    means = per_replication.groupby(["scenario", "period"], sort=False).mean().reset_index()
    means = means.sort_values(["scenario", "period"], kind="stable")
    for column in flows:
        means[f"cumulative_{column}"] = means.groupby("scenario")[column].cumsum()
    means["x_days"] = (means["period"] + 0.5) * period
    means["x_end_days"] = (means["period"] + 1.0) * period
    return _with_dates(means.reset_index(drop=True), timeseries)


def period_of(timeseries: pd.DataFrame) -> float:
    """A day when the interval is shorter than a day, else the interval itself (in days)."""
    return max(interval_days(timeseries), 1.0)


def cumulative_saving(series: pd.DataFrame, scenario: str, baseline: str) -> pd.DataFrame:
    """The baseline's cumulative operating cost minus the scenario's, period by period."""
    columns = ["period", "x_end_days", *(["x_end_date"] if "x_end_date" in series else [])]
    mine = series[series["scenario"] == scenario].set_index("period")
    theirs = series[series["scenario"] == baseline].set_index("period")
    saving = theirs["cumulative_cost_operating"] - mine["cumulative_cost_operating"]
    found = mine.reset_index()[columns].assign(saving=saving.reindex(mine.index).to_numpy())
    return found.dropna(subset=["saving"])


def write_labour_plot(results_dir: Path, *, baseline: str | None = None) -> list[Path]:
    """Draw the labour figure from ``results_dir``'s time series into its ``plots/``."""
    timeseries = pd.read_csv(results_dir / files.TIMESERIES)
    if not has_labour_columns(timeseries):
        raise MissingDataError(f"{files.TIMESERIES}: no labour columns ({', '.join(REQUIRED)})")
    return save_figures({NAME: labour_figure(timeseries, baseline=baseline)}, results_dir)


def _draw_people(axes: Axes, series: pd.DataFrame, scenarios: list[str]) -> None:
    colours = scenario_colours(scenarios)
    for scenario in scenarios:
        rows = series[series["scenario"] == scenario]
        for column, style in LEVEL_STYLES.items():
            if _drawn(rows, column):
                axes.plot(
                    _x(rows, "x"),
                    rows[column].to_numpy(dtype=float),
                    color=colours[scenario],
                    linestyle=style,
                    linewidth=2.0,
                    label=f"{scenario}: {LEVELS[column]}",
                )
    axes.set_title("people and FTE")
    axes.set_ylabel("people or FTE" if is_slide() else "people or full-time equivalents")
    shown = {LEVELS[c]: s for c, s in LEVEL_STYLES.items() if has_activity(series, c)}
    _style_legend(axes, shown)


def _draw_money(axes: Axes, series: pd.DataFrame, scenarios: list[str], baseline: str) -> None:
    colours = scenario_colours(scenarios)
    styles: dict[str, LineStyle] = {"unwind cost": UNWIND_STYLE}
    for scenario in scenarios:
        rows = series[series["scenario"] == scenario]
        axes.plot(
            _x(rows, "x_end"),
            rows["cumulative_unwind_cost"].to_numpy(dtype=float),
            color=colours[scenario],
            linestyle=UNWIND_STYLE,
            linewidth=2.0,
            label=f"{scenario}: unwind cost",
        )
    if len(scenarios) > 1 and has_values(series, "cumulative_cost_operating"):
        styles[f"operating-cost saving against {baseline}"] = SAVING_STYLE
        for scenario in (name for name in scenarios if name != baseline):
            saving = cumulative_saving(series, scenario, baseline)
            axes.plot(
                _x(saving, "x_end"),
                saving["saving"].to_numpy(dtype=float),
                color=colours[scenario],
                linestyle=SAVING_STYLE,
                linewidth=2.0,
                label=f"{scenario}: saving against {baseline}",
            )
    axes.axhline(0.0, color="#333333", linewidth=0.8)
    axes.set_title("cumulative unwind cost against the saving")
    axes.set_ylabel("$" if is_slide() else "cumulative ($, at the run's scale)")
    format_money_axis(axes)
    _style_legend(axes, styles)


def _drawn(rows: pd.DataFrame, column: str) -> bool:
    """Employee FTE is drawn when it has numbers; gig series only when not all zero."""
    if column.startswith("gig_"):
        return has_activity(rows, column)
    return has_values(rows, column)


def _x(rows: pd.DataFrame, stem: str) -> np.ndarray | pd.Series:
    """Calendar dates when the run has them, else days."""
    if f"{stem}_date" in rows.columns:
        return rows[f"{stem}_date"]
    return rows[f"{stem}_days"].to_numpy(dtype=float)


def _with_dates(series: pd.DataFrame, timeseries: pd.DataFrame) -> pd.DataFrame:
    """Add ``x_date`` and ``x_end_date`` when the run has a calendar."""
    if not has_values(timeseries, "date"):
        return series
    first = timeseries.dropna(subset=["date"]).iloc[0]
    start = pd.Timestamp(first["date"]) - pd.to_timedelta(float(first["time_days"]), unit="D")
    return series.assign(
        x_date=start + pd.to_timedelta(series["x_days"], unit="D"),
        x_end_date=start + pd.to_timedelta(series["x_end_days"], unit="D"),
    )


def _period_text(timeseries: pd.DataFrame) -> str:
    replications = int(timeseries.groupby("scenario")["replication"].nunique().min())
    period = period_of(timeseries)
    every = "daily" if period == 1.0 else f"every {period:g} days"
    plural = "s" if replications != 1 else ""
    return f"{every}, mean of {replications} replication{plural}"


def _style_legend(axes: Axes, styles: dict[str, LineStyle]) -> None:
    handles = [Line2D([], [], color="#333333", linestyle=style) for style in styles.values()]
    axes.legend(handles, list(styles), loc="best", frameon=False)


def _legend(figure: Figure, scenarios: list[str]) -> None:
    colours = scenario_colours(scenarios)
    handles = [Line2D([], [], color=colours[name], linewidth=3) for name in scenarios]
    figure.legend(
        handles, scenarios, loc="outside lower center", ncols=min(len(scenarios), 5), frameon=False
    )


__all__ = [
    "CAPTION",
    "NAME",
    "cumulative_saving",
    "has_labour_columns",
    "labour_figure",
    "labour_series",
    "period_of",
    "write_labour_plot",
]
