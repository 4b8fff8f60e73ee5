"""Each plot function on small synthetic tables: panels, labels with units, series, CI bands."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from klarsim import plots
from klarsim.metrics.confidence import t_interval
from klarsim.plots.frontier import efficient_points
from klarsim.plots.intervals import binned_intervals, period_days
from klarsim.results.reader import read_folder
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit

UNITS = ("(score 0-1)", "(%)", "($)", "(agents)", "(hours)", "($ per hour)", "(headcount)")


def plotted_axes(figure: Figure) -> list[Axes]:
    """The figure's axes less colour bars."""
    return [axes for axes in figure.axes if axes.get_label() != "<colorbar>"]


def has_unit(label: str) -> bool:
    return label.endswith(")") and "(" in label


def test_kpi_timeseries_has_a_panel_per_kpi_with_a_band_per_scenario() -> None:
    figure = plots.kpi_timeseries(tables.timeseries())
    axes = plotted_axes(figure)
    assert [panel.get_title() for panel in axes] == [
        "CSAT",
        "customer trust",
        "service level",
        "abandonment",
        "cost per contact",
        "AI routing share in force",
        "headcount by pool",
    ]
    for panel in axes[:-1]:
        assert len(panel.get_lines()) == 3  # one line per scenario
        assert len(panel.collections) == 3  # and its 95% band
        assert has_unit(panel.get_ylabel()), panel.get_ylabel()
    assert len(axes[-1].get_lines()) == 3 + 2  # employees of all three, gig of two
    assert axes[-1].get_legend() is not None
    assert axes[-1].get_xlabel() == "time (days)"
    assert [text.get_text() for text in figure.legends[0].get_texts()] == list(tables.SCENARIOS)
    assert "daily means" in figure.get_suptitle()


def test_kpi_timeseries_leaves_out_absent_columns_and_falls_back_to_staffed_agents() -> None:
    old = tables.timeseries().drop(
        columns=["trust_mean_end", "ai_share_setting", "headcount_employees", "headcount_gig"]
    )
    axes = plotted_axes(plots.kpi_timeseries(old))
    assert len(axes) == 5
    assert axes[-1].get_title() == "agents staffed"
    assert axes[-1].get_ylabel() == "agents staffed (agents)"


def test_calendar_dates_become_the_time_axis() -> None:
    dated = tables.timeseries(days=3)
    start = pd.Timestamp("2024-03-01")
    dated["date"] = (start + pd.to_timedelta(dated["time_days"], unit="D")).dt.strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    panel = plotted_axes(plots.kpi_timeseries(dated))[-1]
    assert panel.get_xlabel() == "date (calendar)"
    first = pd.Timestamp(panel.get_lines()[0].get_xdata()[0])
    assert start + pd.Timedelta(days=1) <= first < start + pd.Timedelta(days=2)


def test_bands_clip_to_the_possible_range() -> None:
    noisy = tables.timeseries()
    noisy["csat_mean"] = np.where(noisy["replication"] == 0, 0.0, 1.0)
    panel = plotted_axes(plots.kpi_timeseries(noisy))[0]
    band = panel.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0 and band.max() <= 1.0


def test_period_means_weigh_rates_by_their_denominator_and_match_t_interval() -> None:
    rows = []
    for replication, level in enumerate((0.5, 0.7, 0.9)):
        for hour in range(48):
            offered = 10 if hour % 2 else 30
            value = level if hour % 2 else level - 0.3
            rows.append((replication, hour / 24, offered, value, 2.0))
    table = pd.DataFrame(
        rows,
        columns=["replication", "time_days", "offered_human", "service_level", "employee_hours"],
    ).assign(scenario="s")
    bands = binned_intervals(table, ["service_level", "employee_hours"], days=1.0)
    assert len(bands) == 2
    per_replication = [(10 * level + 30 * (level - 0.3)) / 40 for level in (0.5, 0.7, 0.9)]
    expected = t_interval(per_replication)
    first = bands.iloc[0]
    assert first["service_level_mean"] == pytest.approx(expected.mean)
    assert first["service_level_ci_low"] == pytest.approx(expected.low)
    assert first["service_level_ci_high"] == pytest.approx(expected.high)
    assert first["employee_hours_mean"] == pytest.approx(48.0)  # 2 hours an hour = 48 a day


def test_long_runs_are_averaged_by_week_quickly() -> None:
    long = tables.timeseries(days=730, scenarios=("human-only",))
    assert period_days(long) == 7.0
    started = time.perf_counter()
    figure = plots.kpi_timeseries(long)
    assert time.perf_counter() - started < 10.0
    line = plotted_axes(figure)[0].get_lines()[0]
    assert 100 <= len(line.get_xdata()) <= 200
    assert "weekly means" in figure.get_suptitle()


def test_workforce_shows_employee_and_gig_hours_and_earnings() -> None:
    axes = plotted_axes(plots.workforce(tables.timeseries()))
    titles = [panel.get_title() for panel in axes]
    assert titles == [
        "human hours: employees vs gig agents",
        "gig pay per online hour",
        "gig share of human work",
        "employees",
    ]
    assert len(axes[0].get_lines()) == 1 + 2 * 3  # human-only has employee hours only
    assert len(axes[0].collections) == 7
    assert len(axes[1].get_lines()) == 2  # no gig earnings without gig agents
    assert axes[0].get_ylabel() == "hours per day (hours)"
    assert axes[1].get_ylabel() == "gig pay per online hour ($ per hour)"
    assert all(has_unit(panel.get_ylabel()) for panel in axes)


def test_workforce_needs_workforce_columns() -> None:
    old = tables.timeseries().drop(columns=[*tables.GIG_COLUMNS, "employee_hours", "employees_end"])
    with pytest.raises(plots.MissingDataError):
        plots.workforce(old)


def comparison_table() -> pd.DataFrame:
    kpis = ("csat_mean", "service_level", "cost_per_contact", "cost_total")
    return tables.comparison(tables.summary(), kpis)


def test_comparison_bars_show_levels_and_paired_differences() -> None:
    figure = plots.comparison_bars(comparison_table(), baseline=tables.BASELINE)
    axes = plotted_axes(figure)
    assert len(axes) == 4 * 2
    levels, differences = axes[0::2], axes[1::2]
    for panel in levels:
        bars = [c for c in panel.containers if isinstance(c, BarContainer)]
        assert len(bars) == 1 and len(bars[0].patches) == 3
        assert bars[0].errorbar is not None  # the CI whiskers
        assert has_unit(panel.get_xlabel())
    for panel in differences:
        bars = [c for c in panel.containers if isinstance(c, BarContainer)]
        assert len(bars[0].patches) == 2  # every scenario but the baseline
        assert panel.get_xlabel().startswith("change in")
    assert differences[1].get_xlabel() == "change in service level (percentage points)"
    ticks = [label.get_text() for label in levels[0].get_yticklabels()]
    assert ticks == ["human-only\n(baseline)", "gig-backed", "ai-first"]
    assert levels[3].get_xlabel() == "total cost incl. revenue lost ($)"


def test_a_scaled_folder_compares_money_at_full_scale(tmp_path: Path) -> None:
    folder = read_folder(tables.write_compare_folder(tmp_path / "scaled"))
    assert folder.kind == "compare" and folder.scale == pytest.approx(tables.SCALE)
    table = folder.full_scale_comparison()
    assert table is not None
    assert list(dict.fromkeys(table["kpi"])) == [
        "csat_mean",
        "cost_per_contact",
        "cost_total_full_scale",
    ]
    expected = folder.summary.groupby("scenario")["cost_total_full_scale"].mean()
    totals = table[table["kpi"] == "cost_total_full_scale"].set_index("scenario")["mean"]
    assert totals.to_dict() == pytest.approx(expected.to_dict())
    figure = plots.comparison_bars(table, baseline=tables.BASELINE)
    labels = [axes.get_xlabel() for axes in plotted_axes(figure)]
    assert labels[-2:] == [
        "total cost incl. revenue lost, full scale ($)",
        "change in total cost incl. revenue lost, full scale ($)",
    ]


def test_comparison_bars_need_the_baseline() -> None:
    with pytest.raises(plots.MissingDataError):
        plots.comparison_bars(comparison_table(), baseline="nobody")


def test_frontier_has_a_point_with_whiskers_per_scenario_and_full_scale_money() -> None:
    figure = plots.cost_satisfaction_frontier(tables.summary())
    axes = plotted_axes(figure)
    assert len(axes) == 2
    for panel in axes:
        points = [c for c in panel.containers if isinstance(c, ErrorbarContainer)]
        assert len(points) == 3
        assert all(point.has_xerr and point.has_yerr for point in points)
        assert panel.get_ylabel() == "CSAT (score 0-1)"
        assert [text.get_text() for text in panel.texts] == list(tables.SCENARIOS)
    assert axes[0].get_xlabel() == "cost per contact ($)"
    assert axes[1].get_xlabel() == (
        "total cost incl. revenue lost over the horizon, full scale ($)"
    )


def test_frontier_of_sweep_points_uses_labels() -> None:
    runs = tables.sweep_runs(tables.sweep_summary())
    labels = {point: f"point {point}" for point in range(6)}
    figure = plots.cost_satisfaction_frontier(runs, group="point", labels=labels)
    panel = plotted_axes(figure)[0]
    assert len([c for c in panel.containers if isinstance(c, ErrorbarContainer)]) == 6
    assert {text.get_text() for text in panel.texts} <= set(labels.values())


def test_efficient_points_are_those_no_other_point_beats_on_both() -> None:
    cost = np.array([1.0, 2.0, 3.0, 2.5])
    satisfaction = np.array([0.5, 0.7, 0.9, 0.6])
    assert efficient_points(cost, satisfaction).tolist() == [0, 1, 2]


def test_sweep_heatmap_has_a_cell_per_grid_point_and_a_colour_bar_with_units() -> None:
    figure = plots.sweep_heatmap(tables.sweep_summary())
    axes = plotted_axes(figure)
    assert len(axes) == 4 and len(figure.axes) == 8  # four KPIs, each with its colour bar
    first = axes[0]
    assert first.images[0].get_array().shape == (2, 3)  # headcount levels x share levels
    assert len(first.texts) == 6
    assert first.get_xlabel() == "ai.share (fraction 0-1)"
    assert first.get_ylabel() == "pools.staff.headcount (agents)"
    bars = [axes for axes in figure.axes if axes.get_label() == "<colorbar>"]
    assert bars[0].get_ylabel() == "CSAT (score 0-1)"


def test_one_swept_key_gets_a_profile_instead_of_a_heatmap() -> None:
    single = tables.sweep_summary(keys=("ai.share",))
    with pytest.raises(plots.MissingDataError):
        plots.sweep_heatmap(single)
    axes = plotted_axes(plots.sweep_profile(single))
    assert len(axes) == 4
    for panel in axes:
        assert len(panel.get_lines()) == 1 and len(panel.collections) == 1
        assert panel.get_xlabel() == "ai.share (fraction 0-1)"
        assert has_unit(panel.get_ylabel())


def test_cost_waterfall_bridges_the_baseline_total_to_each_scenario_total() -> None:
    summary = tables.summary()
    figure = plots.cost_waterfall(summary, baseline=tables.BASELINE)
    axes = plotted_axes(figure)
    assert len(axes) == 2  # one per scenario other than the baseline
    assert figure.get_supylabel() == "cost over the horizon, full scale ($)"
    means = summary.groupby("scenario")["cost_total_full_scale"].mean()
    for panel, scenario in zip(axes, ["gig-backed", "ai-first"], strict=True):
        bars = panel.containers[0].patches
        assert len(bars) == 1 + 6 + 1  # start, six components, end
        assert bars[0].get_height() == pytest.approx(means[tables.BASELINE])
        assert bars[-1].get_height() == pytest.approx(means[scenario])
        steps = sum(bar.get_height() for bar in bars[1:-1])
        assert steps == pytest.approx(means[scenario] - means[tables.BASELINE])
        ticks = [label.get_text().replace("\n", " ") for label in panel.get_xticklabels()]
        assert ticks[1:7] == [
            "employee cost (AI savings)",
            "AI cost",
            "gig cost",
            "rehiring and training",
            "severance",
            "revenue lost to churn",
        ]
        assert panel.get_ylabel() == ""  # one label for the panels, on the figure
        assert "paired 95% CI" in panel.get_title()


def test_cost_waterfall_of_an_old_folder_uses_human_cost() -> None:
    old = tables.summary()[
        ["scenario", "replication", "cost_ai", "cost_human", "revenue_lost", "cost_total"]
    ]
    old = old.assign(cost_total=old["cost_ai"] + old["cost_human"] + old["revenue_lost"])
    figure = plots.cost_waterfall(old, baseline=tables.BASELINE)
    panel = plotted_axes(figure)[0]
    assert len(panel.containers[0].patches) == 5
    assert figure.get_supylabel() == "cost over the horizon ($)"
    assert "human staff cost" in panel.get_xticklabels()[1].get_text().replace("\n", " ")


def test_figures_are_slide_sized_and_titled() -> None:
    figures = [
        plots.kpi_timeseries(tables.timeseries(days=4)),
        plots.comparison_bars(comparison_table(), baseline=tables.BASELINE),
        plots.cost_waterfall(tables.summary(), baseline=tables.BASELINE),
    ]
    for figure in figures:
        width, _ = figure.get_size_inches()
        assert width == pytest.approx(13.0)
        assert figure.get_suptitle()
        assert all(panel.title.get_fontsize() >= 14 for panel in plotted_axes(figure))
