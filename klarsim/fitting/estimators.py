"""The estimators: each parameter of the scenario from a set of whole days of an export.

``estimate(days, chosen)`` fits every parameter on the days at the positions ``chosen`` (all
of them, or a bootstrap resample), so the bootstrap reruns exactly the same estimators.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from klarsim.fitting.days import DAYS_PER_WEEK, SECONDS_PER_MINUTE, Days
from klarsim.fitting.erlang import best_patience

DAYS_PER_YEAR = 365.0
MIN_DAYS_FOR_GROWTH = 28
"""Fewer whole days than this: growth is not estimated (it is set to 0, an assumption)."""
Estimates = dict[str, float]


def estimate(days: Days, chosen: np.ndarray, patience_from: str) -> Estimates:
    """Every parameter from the chosen days (positions into ``days``, repeats allowed)."""
    values = _demand(days, chosen)
    values |= _hourly(days, chosen)
    values |= _queues(days, chosen)
    values["patience_mean_min"] = _patience(days, chosen, patience_from)
    return values


def _demand(days: Days, chosen: np.ndarray) -> Estimates:
    """Mean day at time zero, yearly growth, weekday weights and the gamma day multiplier's cv.

    A Poisson GLM (log link) of daily totals on weekday and time: its mean estimates stay
    consistent when the counts are overdispersed. The day multiplier's variance is then the
    variance beyond Poisson by the method of moments (NB2: var = mu + alpha mu^2, cv =
    sqrt(alpha)), with a degrees-of-freedom correction.
    """
    from statsmodels.genmod.families import Poisson  # noqa: PLC0415
    from statsmodels.genmod.generalized_linear_model import GLM  # noqa: PLC0415

    totals = days.offered_by_hour[chosen].sum(axis=1)
    weekday = days.weekday[chosen]
    years = (days.day_number[chosen] + 0.5) / DAYS_PER_YEAR
    with_growth = days.count >= MIN_DAYS_FOR_GROWTH
    design = _design(weekday, years if with_growth else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = GLM(totals, design, family=Poisson()).fit()
    coefficients = np.asarray(fitted.params, dtype=float)
    day_effects = np.exp(np.concatenate([[0.0], coefficients[1:DAYS_PER_WEEK]]))
    weights = day_effects / day_effects.mean()
    values: Estimates = {
        "contacts_per_day": float(math.exp(coefficients[0]) * day_effects.mean()),
        "growth_per_year": float(math.expm1(coefficients[-1])) if with_growth else 0.0,
    }
    values |= {f"weekly_profile.{day}": float(weights[day]) for day in range(DAYS_PER_WEEK)}
    values["day_to_day_cv"] = _day_cv(totals, np.asarray(fitted.fittedvalues), design.shape[1])
    return values


def _design(weekday: np.ndarray, years: np.ndarray | None) -> np.ndarray:
    """Columns: a constant, Tuesday..Sunday indicators, and years from time zero if given."""
    columns = [np.ones(weekday.size)]
    columns += [(weekday == day).astype(float) for day in range(1, DAYS_PER_WEEK)]
    if years is not None:
        columns.append(years)
    return np.column_stack(columns)


def _day_cv(totals: np.ndarray, means: np.ndarray, parameters: int) -> float:
    """cv of the gamma day multiplier: alpha = sum((y - mu)^2 - mu) / sum(mu^2), df-corrected."""
    count = totals.size
    if count <= parameters:
        return 0.0
    squares = (totals - means) ** 2 * count / (count - parameters)
    alpha = float(np.sum(squares - means) / np.sum(means**2))
    return math.sqrt(alpha) if alpha > 0 else 0.0


def _hourly(days: Days, chosen: np.ndarray) -> Estimates:
    """The hour weights: offered contacts in each hour of the day over the chosen days."""
    by_hour = days.offered_by_hour[chosen].sum(axis=0)
    weights = by_hour / by_hour.mean() if by_hour.sum() > 0 else np.ones(by_hour.size)
    return {f"hourly_profile.{hour}": float(weight) for hour, weight in enumerate(weights)}


def _queues(days: Days, chosen: np.ndarray) -> Estimates:
    """Per queue: its share of offered contacts and its answered-weighted mean handle time."""
    offered = days.offered[chosen].sum(axis=0)
    answered = days.answered[chosen].sum(axis=0)
    handle = days.handle_seconds[chosen].sum(axis=0)
    values: Estimates = {}
    for index, queue in enumerate(days.queues):
        values[f"share.{queue}"] = float(offered[index] / offered.sum())
        mean = handle[index] / answered[index] if answered[index] > 0 else math.nan
        values[f"handle_time_min.{queue}"] = float(mean / SECONDS_PER_MINUTE)
    return values


def handle_time_overall(days: Days) -> float:
    """Answered-weighted mean handle time over every queue and day, in minutes."""
    answered = days.answered.sum()
    if answered <= 0:
        return math.nan
    return float(days.handle_seconds.sum() / answered / SECONDS_PER_MINUTE)


def patience_method(days: Days) -> str:
    """``erlang_a`` with staffed agents, ``waits`` with answer waits only, else ``none``."""
    if days.abandoned.sum() <= 0:
        return "none"
    if days.patience_log_likelihood is not None:
        return "erlang_a"
    if days.wait_seconds is not None:
        return "waits"
    return "none"


def _patience(days: Days, chosen: np.ndarray, method: str) -> float:
    """Mean exponential patience in minutes by the given method (NaN: the data cannot tell)."""
    if method == "erlang_a" and days.patience_log_likelihood is not None:
        return best_patience(days.patience_log_likelihood[chosen].sum(axis=0))
    if method == "waits" and days.wait_seconds is not None:
        abandoned = days.abandoned[chosen].sum()
        if abandoned <= 0:
            return math.nan
        return float(days.wait_seconds[chosen].sum() / abandoned / SECONDS_PER_MINUTE)
    return math.nan


__all__ = ["Estimates", "estimate", "handle_time_overall", "patience_method"]
