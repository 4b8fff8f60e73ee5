"""The labour plot on a hand-made folder: daily means over replications, cumulative costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klarsim.plots.folder import figures_for
from klarsim.plots.labour import (
    cumulative_saving,
    labour_figure,
    labour_series,
    write_labour_plot,
)
from klarsim.plots.measures import MissingDataError
from klarsim.results.reader import read_folder
from tests.support import labour_tables as tables

pytestmark = pytest.mark.unit

BASE, HYBRID = tables.BASELINE, tables.HYBRID


def _lines(figure_axes: object) -> dict[str, np.ndarray]:
    return {
        str(line.get_label()): np.asarray(line.get_ydata(), dtype=float)
        for line in figure_axes.lines  # type: ignore[attr-defined]
        if not str(line.get_label()).startswith("_")
    }


def test_series_are_daily_means_over_replications_and_cumulative_sums() -> None:
    series = labour_series(tables.timeseries())
    hybrid = series[series["scenario"] == HYBRID]
    # employee FTE 100 - 10 day + replication: replications 0 and 1 average to +0.5
    assert hybrid["employee_fte"].tolist() == pytest.approx([100.5, 90.5, 80.5])
    assert hybrid["gig_fte"].tolist() == pytest.approx([5.0, 6.0, 7.0])
    # 10 an hour on day 0 only: 240 in all, from the first day's end
    assert hybrid["cumulative_unwind_cost"].tolist() == pytest.approx([240.0] * 3)
    assert hybrid["x_end_days"].tolist() == pytest.approx([1.0, 2.0, 3.0])


def test_saving_is_the_baselines_cumulative_operating_cost_minus_the_scenarios() -> None:
    series = labour_series(tables.timeseries())
    saving = cumulative_saving(series, HYBRID, BASE)
    # 100 an hour against a mean of 81 an hour: 19 x 24 = 456 a day
    assert saving["saving"].tolist() == pytest.approx([456.0, 912.0, 1368.0])


def test_figure_draws_fte_people_unwind_cost_and_saving_per_scenario() -> None:
    figure = labour_figure(tables.timeseries(), baseline=BASE)
    people, money = figure.axes[:2]
    drawn = _lines(people)
    assert set(drawn) == {
        f"{BASE}: employee FTE",  # the baseline has no gig: its all-zero gig lines are left out
        f"{HYBRID}: employee FTE",
        f"{HYBRID}: gig FTE (online)",
        f"{HYBRID}: gig people online",
    }
    assert drawn[f"{HYBRID}: employee FTE"] == pytest.approx([100.5, 90.5, 80.5])
    costs = _lines(money)
    assert set(costs) == {
        f"{BASE}: unwind cost",
        f"{HYBRID}: unwind cost",
        f"{HYBRID}: saving against {BASE}",
    }
    assert costs[f"{HYBRID}: saving against {BASE}"] == pytest.approx([456.0, 912.0, 1368.0])


def test_one_scenario_has_no_saving_line() -> None:
    only = tables.timeseries().query("scenario == @HYBRID")
    figure = labour_figure(only)
    assert set(_lines(figure.axes[1])) == {f"{HYBRID}: unwind cost"}


def test_the_plot_is_saved_into_the_folders_plots(tmp_path: Path) -> None:
    folder = tables.write_folder(tmp_path / "labour")
    written = write_labour_plot(folder, baseline=BASE)
    assert {path.name for path in written} == {"labour.png", "labour.svg"}
    assert all(path.stat().st_size > 0 for path in written)


def test_the_folders_plots_include_it_only_when_the_columns_exist(tmp_path: Path) -> None:
    folder = tables.write_folder(tmp_path / "labour")
    assert "labour" in {plot.name for plot in figures_for(read_folder(folder))}
    older = tables.timeseries().drop(columns=["employee_fte", "gig_fte", "unwind_cost"])
    older.to_csv(folder / "timeseries.csv", index=False)
    assert "labour" not in {plot.name for plot in figures_for(read_folder(folder))}
    with pytest.raises(MissingDataError, match="labour columns"):
        write_labour_plot(folder)


def test_a_dated_run_plots_against_calendar_dates() -> None:
    timeseries = tables.timeseries()
    start = pd.Timestamp("2024-01-01")
    timeseries["date"] = (start + pd.to_timedelta(timeseries["time_days"], unit="D")).astype(str)
    series = labour_series(timeseries)
    assert series["x_end_date"].iloc[0] == start + pd.Timedelta(days=1)
    figure = labour_figure(timeseries)
    assert figure.axes[0].get_xlabel() == "date (calendar)"
