"""Patience from abandonment: Erlang A (M/M/c+M) abandonment probabilities on a patience grid.

Each interval with staffed agents is taken as an Erlang A queue in steady state (its offered
rate, the fitted mean handle time, its agents); its abandoned count is binomial in its
offered count with the model's abandonment probability. The log-likelihood of each interval
is tabulated once on a grid of mean patience values, so a bootstrap over days only sums rows.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

PATIENCE_GRID_MIN = np.geomspace(0.1, 600.0, 90)
"""Mean patience values tried, in minutes: from six seconds to ten hours."""
TAIL = 1e-12
SMALLEST = 1e-12
MOST_AGENTS = 5000


def abandonment_probability(
    rate_per_min: float, aht_min: float, agents: int, patience_min: np.ndarray
) -> np.ndarray:
    """P(abandon) of M/M/c+M for each mean patience: (1/patience) x E[queue] / rate."""
    patience = np.asarray(patience_min, dtype=float)
    if rate_per_min <= 0:
        return np.zeros_like(patience)
    load = rate_per_min * aht_min
    log_terms = np.array([k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)])
    below = np.exp(log_terms - log_terms.max())
    longest = _queue_positions(rate_per_min, agents / aht_min, float(patience.max()))
    waiting = np.arange(1, longest + 1)
    # level n above c: rate / (c / aht + n / patience), multiplied along the queue
    ratios = rate_per_min / (agents / aht_min + waiting[None, :] / patience[:, None])
    queued = below[-1] * np.cumprod(ratios, axis=1)
    total = below.sum() + queued.sum(axis=1)
    queue_mean = (queued * waiting[None, :]).sum(axis=1) / total
    probability: np.ndarray = np.clip(queue_mean / (patience * rate_per_min), 0.0, 1.0)
    return probability


def _queue_positions(rate: float, service: float, patience: float) -> int:
    """Queue lengths to keep: past the fluid queue (rate - service) x patience, plus a tail."""
    fluid = max(0.0, (rate - service) * patience)
    return int(min(20000, fluid + 10 * math.sqrt(fluid + rate * patience + 1) + 50))


@lru_cache(maxsize=100_000)
def _probabilities(rate: float, aht_min: float, agents: int) -> np.ndarray:
    probability = abandonment_probability(rate, aht_min, agents, PATIENCE_GRID_MIN)
    clipped: np.ndarray = np.clip(probability, SMALLEST, 1 - SMALLEST)
    return clipped


def interval_log_likelihood(
    offered: int, abandoned: int, rate_per_min: float, aht_min: float, agents: float
) -> np.ndarray:
    """One interval's binomial log-likelihood on the patience grid (zeros without agents).

    Fractional agents (an average over the interval) interpolate the abandonment probability
    between the neighbouring whole numbers; the rate is rounded to 3 significant digits so
    that nearby intervals share a cached row (a change of P(abandon) well below 1 %).
    """
    if offered <= 0 or agents < 1 or rate_per_min <= 0:
        return np.zeros(PATIENCE_GRID_MIN.size)
    rate = float(f"{rate_per_min:.3g}")
    lower = min(math.floor(agents), MOST_AGENTS)
    share = min(agents, MOST_AGENTS) - lower
    probability = _probabilities(rate, aht_min, lower)
    if share > 1e-9:
        probability = (1 - share) * probability + share * _probabilities(rate, aht_min, lower + 1)
    row: np.ndarray = abandoned * np.log(probability) + (offered - abandoned) * np.log1p(
        -probability
    )
    return row


def best_patience(log_likelihood: np.ndarray) -> float:
    """The grid's maximum, refined by a parabola through it and its neighbours (log scale)."""
    index = int(np.argmax(log_likelihood))
    logs = np.log(PATIENCE_GRID_MIN)
    if index in (0, log_likelihood.size - 1):
        return float(PATIENCE_GRID_MIN[index])
    left, middle, right = log_likelihood[index - 1 : index + 2]
    curvature = left - 2 * middle + right
    if curvature >= 0:
        return float(PATIENCE_GRID_MIN[index])
    step = logs[index + 1] - logs[index]
    offset = 0.5 * (left - right) / curvature * step
    return float(math.exp(logs[index] + offset))


__all__ = [
    "PATIENCE_GRID_MIN",
    "abandonment_probability",
    "best_patience",
    "interval_log_likelihood",
]
