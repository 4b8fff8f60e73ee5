"""The fit and backtest plots draw from their tables alone: panels, labels, the band count."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klarsim.plots.fitting import backtest_figure, daily_figure, profiles_figure, save
from klarsim.plots.measures import MissingDataError

pytestmark = pytest.mark.unit


def profiles() -> pd.DataFrame:
    rows = [
        ("weekly", day, 1.0, 1.0, 0.9, 1.1)
        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ]
    rows += [("hourly", str(hour), 1.0, 1.0, 0.95, 1.05) for hour in range(24)]
    rows += [("hourly_mon", str(hour), 1.0, np.nan, np.nan, np.nan) for hour in range(24)]
    return pd.DataFrame(
        rows, columns=["profile", "position", "actual", "fitted", "ci_low", "ci_high"]
    )


def test_profiles_figure_has_a_weekly_and_an_hourly_panel() -> None:
    figure = profiles_figure(profiles())
    weekly, hourly = figure.axes
    assert len(weekly.patches) == 14
    assert [text.get_text() for text in hourly.get_legend().get_texts()] == [
        "export",
        "fitted",
        "each weekday",
    ]


def test_daily_figure_counts_the_days_outside_the_band(tmp_path: Path) -> None:
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2026-01-05", periods=10).strftime("%Y-%m-%d"),
            "offered_actual": [100.0] * 9 + [300.0],
            "offered_fitted": [100.0] * 10,
            "band_low": [80.0] * 10,
            "band_high": [120.0] * 10,
        }
    )
    figure = daily_figure(daily)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "outside the band (1 of 10)" in labels
    assert save(figure, tmp_path, "daily").is_file()


def test_backtest_figure_draws_two_weeks_and_the_coverage() -> None:
    starts = pd.date_range("2026-01-05", periods=24 * 20, freq="h")
    ones = np.ones(len(starts))
    intervals = pd.DataFrame({"interval_start": starts.strftime("%Y-%m-%d %H:%M")})
    for measure in ("offered", "abandoned", "asa_s"):
        intervals[f"{measure}_actual"] = 10 * ones
        intervals[f"{measure}_sim"] = 10 * ones
        intervals[f"{measure}_sim_low"] = 5 * ones
        intervals[f"{measure}_sim_high"] = 15 * ones
    figure = backtest_figure(intervals)
    assert len(figure.axes) == 3
    assert "first 14 of 20 days" in figure.get_suptitle()
    assert "100% of all intervals" in figure.get_suptitle()


def test_a_table_without_its_columns_is_named() -> None:
    with pytest.raises(MissingDataError, match="fitted"):
        profiles_figure(profiles().drop(columns="fitted"))
