"""Student-t quantiles for whole degrees of freedom, without importing SciPy.

Every confidence interval needs one quantile, and ``scipy.stats`` takes most of a second to
import, several times a small run's own simulation. For whole degrees of freedom the t
distribution's central probability is a finite trigonometric sum (Abramowitz and Stegun
26.7.3 and 26.7.4), so Newton's method on it, kept inside a bracket, gives the quantile to
machine precision; tests/metrics/test_student_t.py checks it against ``scipy.stats.t.ppf``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_ITERATIONS = 100
_TOLERANCE = 1e-15


def central_probability(t: float, degrees: int) -> float:
    """P(|T| < t) for a Student-t variable with ``degrees`` degrees of freedom, t >= 0."""
    theta = math.atan(t / math.sqrt(degrees))
    sine, cosine_squared = math.sin(theta), math.cos(theta) ** 2
    if degrees % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, degrees // 2):
            term *= cosine_squared * (2 * k - 1) / (2 * k)
            total += term
        return sine * total
    if degrees == 1:
        return 2 * theta / math.pi
    term = math.cos(theta)
    total = term
    for k in range(1, (degrees - 1) // 2):
        term *= cosine_squared * (2 * k) / (2 * k + 1)
        total += term
    return 2 / math.pi * (theta + sine * total)


def density(t: float, degrees: int) -> float:
    """The Student-t probability density at ``t``."""
    half = (degrees + 1) / 2
    log_norm = math.lgamma(half) - math.lgamma(degrees / 2) - 0.5 * math.log(degrees * math.pi)
    return math.exp(log_norm - half * math.log1p(t * t / degrees))


def t_quantile(probability: float, degrees: int) -> float:
    """The ``probability`` quantile of Student's t with ``degrees`` (a whole number >= 1)."""
    if degrees < 1 or not 0 < probability < 1:
        raise ValueError(f"expected 0 < probability < 1 and degrees >= 1: {probability}, {degrees}")
    if probability == 0.5:
        return 0.0
    if probability < 0.5:
        return -t_quantile(1 - probability, degrees)
    target = 2 * probability - 1  # P(|T| < t) at the upper quantile t
    low, high = 0.0, math.inf
    t = NormalDist().inv_cdf(probability)
    for _ in range(_ITERATIONS):
        gap = central_probability(t, degrees) - target
        if gap > 0:
            high = t
        else:
            low = t
        step = gap / (2 * density(t, degrees))
        following = t - step
        if not low < following < high:  # Newton left the bracket: bisect (or double) instead
            following = (low + high) / 2 if math.isfinite(high) else 2 * t + 1
        if abs(following - t) <= _TOLERANCE * max(1.0, abs(t)):
            return following
        t = following
    return t
