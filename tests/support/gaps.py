"""How far apart two sets of independent replications are, in standard errors."""

from __future__ import annotations

import math
import statistics


def gap_in_standard_errors(one: list[float], other: list[float]) -> float:
    """|mean difference| over the standard error of the difference (Welch, unpooled)."""
    error = math.sqrt(statistics.variance(one) / len(one) + statistics.variance(other) / len(other))
    gap = abs(statistics.fmean(one) - statistics.fmean(other))
    return gap / error if error > 0 else (0.0 if gap == 0 else math.inf)
