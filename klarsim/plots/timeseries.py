"""KPIs and the workforce over time: one line per scenario with its 95% band across replications."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from klarsim.plots.intervals import binned_intervals, period_days, period_name
from klarsim.plots.measures import (
    MissingDataError,
    has_activity,
    has_values,
    measure,
    require,
)
from klarsim.plots.style import (
    BAND_ALPHA,
    LINE_STYLES,
    LineStyle,
    finish,
    format_money_axis,
    is_slide,
    new_figure,
    ordered,
    remove_unused,
    scenario_colours,
    set_title,
)

KPI_PANELS = (
    "csat_mean",
    "trust_mean_end",
    "service_level",
    "abandonment_rate",
    "cost_per_contact",
    "ai_share_setting",
)
"""Panels of the KPI figure, each drawn when its column holds numbers; headcount comes last."""
HOURS = ("employee_hours", "gig_hours_online", "gig_hours_engaged")
GIG_HOURS = HOURS[1:]
WORKFORCE_PANELS = ("gig_earnings_per_online_hour", "gig_share_of_human_work", "employees_end")
COLUMNS_PER_ROW = 2


def kpi_timeseries(timeseries: pd.DataFrame, *, kpis: Sequence[str] = KPI_PANELS) -> Figure:
    """One panel per KPI (CSAT, trust, service level, ...) and one of headcount by pool."""
    require(timeseries, ["scenario", "replication", "time_days"], plot="KPIs over time")
    panels = [kpi for kpi in kpis if has_values(timeseries, kpi)]
    pools = headcount_columns(timeseries)
    if not panels and not pools:
        raise MissingDataError("KPIs over time: no KPI column holds numbers")
    bands = _with_dates(binned_intervals(timeseries, [*panels, *pools]), timeseries)
    figure, axes = _panel_grid(len(panels) + bool(pools))
    scenarios = ordered(list(timeseries["scenario"]))
    for panel, column in zip(axes, panels, strict=False):
        _draw_measure(panel, bands, column, scenarios)
    if pools:
        _draw_pools(axes[-1], bands, pools, scenarios)
    label_time(axes, timeseries)
    set_title(figure, _title("KPIs over time", timeseries))
    _scenario_legend(figure, scenarios)
    return finish(figure)


def workforce(timeseries: pd.DataFrame) -> Figure:
    """Employee hours against gig hours online and engaged, gig earnings, gig share, employees."""
    require(timeseries, ["scenario", "replication", "time_days"], plot="workforce")
    gig = any(has_activity(timeseries, column) for column in GIG_HOURS)
    if not gig and not _changes_over_time(timeseries, "employees_end"):
        raise MissingDataError("workforce: no gig agents at work and a constant headcount")
    hours = [column for column in HOURS if _shown(timeseries, column)]
    panels = [column for column in WORKFORCE_PANELS if _shown(timeseries, column)]
    bands = _with_dates(binned_intervals(timeseries, [*hours, *panels]), timeseries)
    figure, axes = _panel_grid(1 + len(panels))
    scenarios = ordered(list(timeseries["scenario"]))
    _draw_hours(axes[0], bands, hours, scenarios)
    for panel, column in zip(axes[1:], panels, strict=True):
        _draw_measure(panel, bands, column, scenarios)
    label_time(axes, timeseries)
    set_title(figure, _title("Workforce: employees and gig agents", timeseries))
    _scenario_legend(figure, scenarios)
    return finish(figure)


def _shown(timeseries: pd.DataFrame, column: str) -> bool:
    """Gig columns are shown when gig agents worked (they are zero without a gig pool)."""
    if column.startswith("gig_"):
        return has_activity(timeseries, column)
    return has_values(timeseries, column)


def _changes_over_time(timeseries: pd.DataFrame, column: str) -> bool:
    if not has_values(timeseries, column):
        return False
    distinct = timeseries.groupby(["scenario", "replication"])[column].nunique()
    return bool((distinct > 1).any())


def headcount_columns(timeseries: pd.DataFrame) -> list[str]:
    """``headcount_<pool>`` columns, else ``staffed_agents_<pool>``, else ``staffed_agents``."""
    for prefix in ("headcount_", "staffed_agents_"):
        columns = [
            c for c in timeseries.columns if c.startswith(prefix) and has_values(timeseries, c)
        ]
        if columns:
            return columns
    return ["staffed_agents"] if has_values(timeseries, "staffed_agents") else []


def _panel_grid(count: int) -> tuple[Figure, list[Axes]]:
    columns = min(COLUMNS_PER_ROW, count)
    rows = -(-count // columns)
    figure = new_figure(rows, columns)
    axes = remove_unused(figure, count)
    for panel in axes[1:]:
        panel.sharex(axes[0])
    return figure, axes


def _draw_measure(axes: Axes, bands: pd.DataFrame, column: str, scenarios: list[str]) -> None:
    info = measure(column)
    colours = scenario_colours(scenarios)
    for scenario in scenarios:
        rows = bands[bands["scenario"] == scenario]
        if _worked(rows, column):
            _line_with_band(axes, rows, column, colour=colours[scenario])
    axes.set_title(info.label)
    axes.set_ylabel(info.unit if is_slide() else info.axis_label)  # the title names the KPI
    if info.unit.startswith("$"):
        format_money_axis(axes)


def _draw_pools(axes: Axes, bands: pd.DataFrame, pools: list[str], scenarios: list[str]) -> None:
    colours = scenario_colours(scenarios)
    styles = {pool: LINE_STYLES[index % len(LINE_STYLES)] for index, pool in enumerate(pools)}
    for scenario in scenarios:
        rows = bands[bands["scenario"] == scenario]
        for pool in pools:
            if rows[f"{pool}_mean"].notna().any():
                _line_with_band(axes, rows, pool, colour=colours[scenario], style=styles[pool])
    name = "agents staffed" if pools[0].startswith("staffed") else "headcount"
    axes.set_title(f"{name} by pool" if pools != ["staffed_agents"] else "agents staffed")
    axes.set_ylabel("agents" if is_slide() else f"{name} (agents)")
    if len(pools) > 1:
        _style_legend(axes, {_pool_name(pool): styles[pool] for pool in pools}, title="pool")


def _draw_hours(axes: Axes, bands: pd.DataFrame, hours: list[str], scenarios: list[str]) -> None:
    colours = scenario_colours(scenarios)
    styles = dict(zip(HOURS, LINE_STYLES, strict=False))
    for scenario in scenarios:
        rows = bands[bands["scenario"] == scenario]
        for column in hours:
            if _worked(rows, column):
                _line_with_band(axes, rows, column, colour=colours[scenario], style=styles[column])
    axes.set_title("human hours: employees vs gig agents")
    axes.set_ylabel("hours per day" if is_slide() else "hours per day (hours)")
    _style_legend(axes, {measure(column).label: styles[column] for column in hours}, title=None)


def _worked(rows: pd.DataFrame, column: str) -> bool:
    """A scenario's series is drawn if it has numbers; a gig series only if it is not all zero."""
    means = rows[f"{column}_mean"]
    if column.startswith("gig_"):
        return bool((means.fillna(0.0) != 0.0).any())
    return bool(means.notna().any())


def _line_with_band(
    axes: Axes,
    rows: pd.DataFrame,
    column: str,
    *,
    colour: str,
    style: LineStyle = "-",
) -> None:
    x = _x_values(rows)
    info = measure(column)
    axes.plot(x, info.clip(rows[f"{column}_mean"]), color=colour, linestyle=style, linewidth=2.0)
    axes.fill_between(
        x,
        info.clip(rows[f"{column}_ci_low"]),
        info.clip(rows[f"{column}_ci_high"]),
        color=colour,
        alpha=BAND_ALPHA,
        linewidth=0,
    )


def _x_values(rows: pd.DataFrame) -> np.ndarray | pd.Series:
    if "x_date" in rows.columns:
        return rows["x_date"]
    return rows["x_days"].to_numpy(dtype=float)


def _with_dates(bands: pd.DataFrame, timeseries: pd.DataFrame) -> pd.DataFrame:
    """Add ``x_date`` (calendar time of each period's middle) when the run has a calendar."""
    if not has_values(timeseries, "date"):
        return bands
    first = timeseries.dropna(subset=["date"]).iloc[0]
    start = pd.Timestamp(first["date"]) - pd.to_timedelta(float(first["time_days"]), unit="D")
    return bands.assign(x_date=start + pd.to_timedelta(bands["x_days"], unit="D"))


def label_time(axes: list[Axes], timeseries: pd.DataFrame) -> None:
    """Brief calendar dates (or days) under the bottom row of panels."""
    dated = has_values(timeseries, "date")
    if dated:
        for panel in axes:  # a few dates a panel, written as briefly as they can be
            locator = AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
            panel.xaxis.set_major_locator(locator)
            panel.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    columns = min(COLUMNS_PER_ROW, len(axes))
    for panel in axes[-columns:]:
        panel.set_xlabel("date (calendar)" if dated else "time (days)")
        panel.tick_params(labelbottom=True)


def _scenario_legend(figure: Figure, scenarios: list[str]) -> None:
    colours = scenario_colours(scenarios)
    handles = [Line2D([], [], color=colours[name], linewidth=3) for name in scenarios]
    figure.legend(
        handles,
        scenarios,
        loc="outside lower center",
        ncols=min(len(scenarios), 5),
        frameon=False,
        title=None,
    )


def _style_legend(axes: Axes, styles: dict[str, LineStyle], *, title: str | None) -> None:
    handles = [Line2D([], [], color="#333333", linestyle=style) for style in styles.values()]
    axes.legend(handles, list(styles), title=title, loc="best", frameon=False)


def _pool_name(column: str) -> str:
    for prefix in ("headcount_", "staffed_agents_"):
        column = column.removeprefix(prefix)
    return column


def _title(headline: str, timeseries: pd.DataFrame) -> str:
    replications = int(timeseries.groupby("scenario")["replication"].nunique().min())
    period = period_name(period_days(timeseries))
    plural = "s" if replications != 1 else ""
    return f"{headline}: {period} means, 95% band across {replications} replication{plural}"
