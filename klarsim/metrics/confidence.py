"""Student-t confidence intervals over independent replications."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from klarsim.metrics.student_t import t_quantile

DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A sample mean with its two-sided Student-t confidence interval."""

    mean: float
    low: float
    high: float
    half_width: float
    replications: int


def t_interval(
    values: Sequence[float] | np.ndarray, confidence: float = DEFAULT_CONFIDENCE
) -> Interval:
    """Mean and t-interval of replication results; NaNs are left out; one value: NaN width."""
    sample = np.asarray(values, dtype=float)
    sample = sample[~np.isnan(sample)]
    count = int(sample.size)
    if count == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(sample.mean())
    if count == 1:
        return Interval(mean, math.nan, math.nan, math.nan, 1)
    quantile = t_quantile(0.5 + confidence / 2, count - 1)
    half_width = quantile * float(sample.std(ddof=1)) / math.sqrt(count)
    return Interval(mean, mean - half_width, mean + half_width, half_width, count)
