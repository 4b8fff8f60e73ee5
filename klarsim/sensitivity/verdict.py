"""How sure the verdict is: from paired differences over sampled assumptions to a summary.

For one KPI, each sample's paired difference (alternative minus baseline, under common random
numbers) says whether the alternative was better there. The share of samples where it was is
the probability, with a Wilson 95 % interval. Which assumption the verdict hinges on is the
one whose partial rank correlation (PRCC) with the difference is largest in size (the plain
rank correlation when there are too few samples to remove the others); where the
verdict flips is where a monotone (isotonic) fit of the difference against that assumption
crosses zero, interpolated linearly between the two neighbouring values (NaN if it never does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from klarsim.sensitivity.names import Better

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Verdict:
    """One KPI's verdict over the samples."""

    probability: float
    ci_low: float
    ci_high: float
    median_difference: float
    difference_p05: float
    difference_p95: float
    samples: int
    top_assumption: str
    partial_rank_correlation: float
    flip_value: float


def alternative_better(differences: np.ndarray, better: Better) -> np.ndarray:
    """Per sample, whether the alternative beat the baseline (a tie is not better)."""
    return differences < 0 if better == "lower" else differences > 0


def verdict(
    differences: np.ndarray, assumptions: np.ndarray, names: Sequence[str], better: Better
) -> Verdict:
    """The probability the alternative is better, the spread of the difference, and what the
    verdict hinges on; samples with a missing difference are left out."""
    from statsmodels.stats.proportion import proportion_confint  # noqa: PLC0415

    kept = np.isfinite(differences)
    differences, assumptions = differences[kept], assumptions[kept]
    count = len(differences)
    if count == 0:
        nothing = float("nan")
        return Verdict(
            nothing, nothing, nothing, nothing, nothing, nothing, 0, "", nothing, nothing
        )
    wins = int(alternative_better(differences, better).sum())
    low, high = proportion_confint(wins, count, alpha=1 - CONFIDENCE, method="wilson")
    correlations = partial_rank_correlations(assumptions, differences)
    top = int(np.nanargmax(np.abs(correlations))) if np.any(np.isfinite(correlations)) else -1
    return Verdict(
        probability=wins / count,
        ci_low=float(low),
        ci_high=float(high),
        median_difference=float(np.median(differences)),
        difference_p05=float(np.percentile(differences, 5)),
        difference_p95=float(np.percentile(differences, 95)),
        samples=count,
        top_assumption=names[top] if top >= 0 else "",
        partial_rank_correlation=float(correlations[top]) if top >= 0 else float("nan"),
        flip_value=flip_value(assumptions[:, top], differences) if top >= 0 else float("nan"),
    )


def partial_rank_correlations(assumptions: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """PRCC of the outcome with each column: the correlation of the ranks' residuals after a
    linear fit on the other columns' ranks. With fewer than ``width + 3`` samples the other
    columns cannot be removed, and the plain rank (Spearman) correlation stands in. NaN for a
    constant column or fewer than three samples."""
    count, width = assumptions.shape
    result = np.full(width, np.nan)
    if count < 3:
        return result
    if count < width + 3:
        return np.array([_spearman(assumptions[:, column], outcome) for column in range(width)])
    ranks = np.column_stack([stats.rankdata(assumptions[:, j]) for j in range(width)])
    ranked_outcome = stats.rankdata(outcome)
    for column in range(width):
        others = np.column_stack([np.ones(count), np.delete(ranks, column, axis=1)])
        own = _residual(others, ranks[:, column])
        rest = _residual(others, ranked_outcome)
        if np.std(own) > 0 and np.std(rest) > 0:
            result[column] = float(np.corrcoef(own, rest)[0, 1])
    return result


def _spearman(values: np.ndarray, outcome: np.ndarray) -> float:
    if np.ptp(values) == 0 or np.ptp(outcome) == 0:
        return float("nan")
    return float(stats.spearmanr(values, outcome).statistic)


def _residual(design: np.ndarray, values: np.ndarray) -> np.ndarray:
    coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
    return np.asarray(values - design @ coefficients)


def flip_value(values: np.ndarray, differences: np.ndarray) -> float:
    """Where a monotone fit of the difference against ``values`` crosses zero (NaN: never)."""
    from scipy.optimize import isotonic_regression  # noqa: PLC0415

    order = np.argsort(values, kind="stable")
    x, y = values[order], differences[order]
    if len(np.unique(x)) < 2:
        return float("nan")
    increasing = stats.spearmanr(x, y).statistic >= 0
    fitted = isotonic_regression(y, increasing=bool(increasing)).x
    unique_x = np.unique(x)
    level = np.array([fitted[x == value].mean() for value in unique_x])
    signs = np.sign(level)
    for index in range(len(unique_x) - 1):
        if signs[index] == 0:
            return float(unique_x[index])
        if signs[index] != signs[index + 1]:
            left, right = level[index], level[index + 1]
            share = left / (left - right)
            return float(unique_x[index] + share * (unique_x[index + 1] - unique_x[index]))
    return float(unique_x[-1]) if signs[-1] == 0 else float("nan")
