"""Key performance indicators from accumulated sums; one definition for totals and intervals."""

from __future__ import annotations

import math

from klarsim.metrics.recorder import Totals

COUNT_COLUMNS = ("contacts", "offered_human", "answered", "abandoned", "completed")
RATE_COLUMNS = (
    "abandonment_rate",
    "p_wait",
    "asa_min",
    "wait_mean_min",
    "service_level",
    "aht_min",
    "occupancy",
    "queue_length_mean",
)


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or NaN when there is nothing to divide by."""
    return numerator / denominator if denominator > 0 else math.nan


def kpis(sums: Totals, duration_min: float) -> dict[str, float | int]:
    """Counts and rates over a stretch of ``duration_min`` minutes (see the README's columns)."""
    left_queue = sums["answered"] + sums["abandoned"]
    return {
        **{name: int(sums[name]) for name in COUNT_COLUMNS},
        "abandonment_rate": ratio(sums["abandoned"], sums["offered_human"]),
        "p_wait": ratio(sums["waited"], sums["offered_human"]),
        "asa_min": ratio(sums["wait_answered_min"], sums["answered"]),
        "wait_mean_min": ratio(sums["wait_answered_min"] + sums["wait_abandoned_min"], left_queue),
        "service_level": ratio(sums["answered_in_target"], sums["offered_human"]),
        "aht_min": ratio(sums["handle_min"], sums["completed"]),
        "occupancy": ratio(sums["busy_agent_min"], sums["staffed_agent_min"]),
        "queue_length_mean": ratio(sums["queue_contact_min"], duration_min),
    }
