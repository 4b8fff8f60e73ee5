"""Plots of ``klarsim fit`` and ``klarsim backtest``: the export against the fitted scenario.

Each reads a table the command wrote (``fit_profiles.csv``, ``fit_daily.csv``,
``backtest.csv``): the actual weekly and hourly profiles beside the fitted ones, daily totals
inside the fitted band, and each interval's actual offered, abandoned and ASA inside the
simulated band. They never simulate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
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

ACTUAL_COLOUR = PALETTE[6]
FITTED_COLOUR = PALETTE[0]
OUTSIDE_COLOUR = PALETTE[1]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PNG_DPI = 110
PLOTTED_DAYS = 14


def profiles_figure(profiles: pd.DataFrame) -> Figure:
    """Actual against fitted weekly and hourly weights, with each weekday's hours behind."""
    require(profiles, ("profile", "position", "actual", "fitted"), plot="fit_profiles")
    figure = new_figure(1, 2)
    weekly_axes, hourly_axes = figure.axes
    _weekly(weekly_axes, profiles[profiles["profile"] == "weekly"])
    _hourly(hourly_axes, profiles)
    set_title(figure, "Demand profiles: the export (black) against the fitted scenario (blue)")
    return finish(figure)


def _weekly(axes: Axes, rows: pd.DataFrame) -> None:
    positions = np.arange(len(rows))
    axes.bar(positions - 0.2, rows["actual"], width=0.4, color=ACTUAL_COLOUR, label="export")
    errors = _errors(rows)
    axes.bar(
        positions + 0.2, rows["fitted"], width=0.4, color=FITTED_COLOUR, label="fitted (95% CI)"
    )
    axes.errorbar(positions + 0.2, rows["fitted"], yerr=errors, fmt="none", color="black")
    axes.set_xticks(positions, [str(position) for position in rows["position"]])
    axes.set_title("Weekly profile (mean day = 1)")
    axes.legend(loc="lower left")


def _errors(rows: pd.DataFrame) -> np.ndarray:
    fitted = rows["fitted"].to_numpy(dtype=float)
    low = np.nan_to_num(fitted - rows["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - fitted)
    return np.vstack([np.maximum(low, 0.0), np.maximum(high, 0.0)])


def _hourly(axes: Axes, profiles: pd.DataFrame) -> None:
    for day in WEEKDAYS:
        rows = profiles[profiles["profile"] == f"hourly_{day}"]
        if len(rows):
            hours = rows["position"].astype(int)
            axes.plot(hours, rows["actual"], color=NEUTRAL_COLOUR, linewidth=0.8, alpha=0.6)
    rows = profiles[profiles["profile"] == "hourly"]
    hours = rows["position"].astype(int)
    axes.plot(hours, rows["actual"], color=ACTUAL_COLOUR, linewidth=2.0, label="export")
    axes.plot(hours, rows["fitted"], color=FITTED_COLOUR, linestyle="--", label="fitted")
    if "ci_low" in rows.columns:
        axes.fill_between(
            hours, rows["ci_low"], rows["ci_high"], color=FITTED_COLOUR, alpha=BAND_ALPHA
        )
    axes.plot([], [], color=NEUTRAL_COLOUR, linewidth=0.8, label="each weekday")
    axes.set_xlabel("hour of day")
    axes.set_title("Hourly profile (mean hour = 1)")
    axes.legend(loc="upper left")


def daily_figure(daily: pd.DataFrame) -> Figure:
    """Daily offered totals against the fitted mean and its 95 % predictive band."""
    require(
        daily, ("date", "offered_actual", "offered_fitted", "band_low", "band_high"), plot="daily"
    )
    figure = new_figure(1, 1)
    axes = figure.axes[0]
    dates = pd.to_datetime(daily["date"])
    axes.fill_between(
        dates,
        daily["band_low"],
        daily["band_high"],
        color=FITTED_COLOUR,
        alpha=BAND_ALPHA,
        label="fitted 95% band",
    )
    axes.plot(dates, daily["offered_fitted"], color=FITTED_COLOUR, label="fitted mean")
    outside = (daily["offered_actual"] < daily["band_low"]) | (
        daily["offered_actual"] > daily["band_high"]
    )
    axes.plot(
        dates, daily["offered_actual"], "o", color=ACTUAL_COLOUR, markersize=3.5, label="export"
    )
    axes.plot(
        dates[outside],
        daily["offered_actual"][outside],
        "o",
        color=OUTSIDE_COLOUR,
        markersize=5,
        label=f"outside the band ({int(outside.sum())} of {len(daily)})",
    )
    axes.set_ylabel("offered contacts per day")
    axes.legend(loc="upper left")
    set_title(figure, "Daily totals: the export against the fitted demand")
    return finish(figure)


def backtest_figure(intervals: pd.DataFrame) -> Figure:
    """Each interval's actual offered, abandoned and ASA against the simulated band.

    Only the first ``PLOTTED_DAYS`` days are drawn, so intervals stay apart; the title gives
    the share of all intervals inside the band.
    """
    require(intervals, ("interval_start", "offered_actual", "offered_sim"), plot="backtest")
    every = pd.to_datetime(intervals["interval_start"])
    inside = (intervals["offered_actual"] >= intervals["offered_sim_low"]) & (
        intervals["offered_actual"] <= intervals["offered_sim_high"]
    )
    shown_until = every.min() + pd.Timedelta(days=PLOTTED_DAYS)
    intervals = intervals[(every < shown_until).to_numpy()]
    measures = [
        (name, label)
        for name, label in (
            ("offered", "offered contacts"),
            ("abandoned", "abandoned contacts"),
            ("asa_s", "ASA (s)"),
        )
        if intervals[f"{name}_actual"].notna().any()
    ]
    figure = new_figure(len(measures), 1, panel_height_in=2.8)
    starts = pd.to_datetime(intervals["interval_start"])
    for axes, (name, label) in zip(figure.axes, measures, strict=True):
        axes.fill_between(
            starts,
            intervals[f"{name}_sim_low"],
            intervals[f"{name}_sim_high"],
            color=FITTED_COLOUR,
            alpha=BAND_ALPHA,
            step="post",
            label="simulated 95% band",
        )
        axes.plot(
            starts,
            intervals[f"{name}_sim"],
            color=FITTED_COLOUR,
            linewidth=0.8,
            label="simulated mean",
        )
        axes.plot(
            starts, intervals[f"{name}_actual"], color=ACTUAL_COLOUR, linewidth=0.6, label="export"
        )
        axes.set_ylabel(label)
    figure.axes[0].legend(loc="upper left")
    days = (every.max() - every.min()).days + 1
    set_title(
        figure,
        f"Backtest, first {min(days, PLOTTED_DAYS)} of {days} days: offered inside the "
        f"simulated band in {inside.mean():.0%} of all intervals",
    )
    return finish(figure)


def save(figure: Figure, folder: Path, name: str) -> Path:
    """Save a figure as ``folder/name.png`` (no creation date, so the bytes repeat)."""
    path = folder / f"{name}.png"
    figure.savefig(path, dpi=PNG_DPI, metadata={"Software": "klarsim"})
    return path


__all__ = ["backtest_figure", "daily_figure", "profiles_figure", "save"]
