"""The capacity plot on a hand-made capacity table: a panel per pool, both lines, month labels;
the weekly staffing plot's steps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from klarsim.plots.capacity import capacity_figure
from klarsim.plots.measures import MissingDataError
from klarsim.plots.staffing import staffing_figure

pytestmark = pytest.mark.unit

MONTHS = [f"2024-{month:02d}" for month in range(1, 13)] + ["2025-01", "2025-02"]


def capacity_table() -> pd.DataFrame:
    """Fourteen months of two pools; the first month's headcount lies in the warm-up."""
    rows = []
    for index, month in enumerate(MONTHS):
        for pool, size in (("agents", 20.0), ("experts", 5.0)):
            rows.append(
                {
                    "month": month,
                    "pool": pool,
                    "required_fte": size * (0.5 if index >= 2 else 1.0),
                    "rostered_hours": size * 40 * 4.3,
                    "cost": size * 40 * 4.3 * 40,
                    "service_level": 0.8,
                    "headcount": math.nan if index == 0 else size * 1.1,
                    "converged": True,
                }
            )
    return pd.DataFrame(rows)


def test_a_panel_per_pool_with_required_fte_against_headcount() -> None:
    figure = capacity_figure(capacity_table())
    assert [axes.get_title() for axes in figure.axes] == ["agents", "experts"]
    for axes, size in zip(figure.axes, (20.0, 5.0), strict=True):
        required, headcount = axes.get_lines()
        assert required.get_label() == "required FTE"
        assert headcount.get_label() == "scenario's headcount"
        assert np.asarray(required.get_ydata()).tolist() == [size, size] + [size / 2] * 12
        assert np.isnan(np.asarray(headcount.get_ydata(), dtype=float)[0])
        assert axes.get_ylabel() == "people (FTE)"
        labels = [label.get_text() for label in axes.get_xticklabels()]
        assert labels == MONTHS[::2]  # at most twelve labels: every second month
    assert "Capacity plan" in figure.get_suptitle()


def test_a_table_without_the_columns_is_missing_data() -> None:
    with pytest.raises(MissingDataError, match=r"capacity\.csv"):
        capacity_figure(capacity_table().drop(columns="headcount"))


def test_the_staffing_plot_reaches_the_weeks_end_and_shows_required_over_rostered() -> None:
    """Steps drawn 'post' end where their last interval starts: a point at day 7 closes them."""
    staffing = pd.DataFrame(
        {
            "pool": "staff",
            "minute_of_week": [1440.0 * day for day in range(7)],
            "required": [3, 3, 4, 3, 3, 2, 2],
            "rostered": [3, 3, 4, 3, 3, 2, 2],
        }
    )
    axes = staffing_figure(staffing).axes[0]
    rostered, required = axes.get_lines()[:2]
    assert [line.get_label() for line in (rostered, required)] == ["rostered", "required"]
    assert rostered.get_xdata()[-1] == pytest.approx(7.0)  # type: ignore[index]
    assert required.get_ydata()[-1] == 2  # type: ignore[index]
    assert required.get_linestyle() == "--" and rostered.get_linewidth() > required.get_linewidth()
    assert axes.get_ylim() == pytest.approx((0.0, 4 * 1.15 + 0.5))  # the peak not on the frame
