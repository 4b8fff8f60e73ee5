"""The columns of ``labour.csv``: one row per pool and replication, what its people work, earn."""

from __future__ import annotations

LABOUR_COLUMNS = (
    "pool",
    "kind",
    "people",
    "fte",
    "hours_per_person_week_p10",
    "hours_per_person_week_median",
    "hours_per_person_week_p90",
    "earnings_per_person_week_p10",
    "earnings_per_person_week_median",
    "earnings_per_person_week_p90",
    "earnings_week_cv_median",
    "online_unpaid_share",
    "earnings_per_online_hour",
    "earnings_per_online_hour_below_reference_share",
    "earnings_total",
    "benefits_per_person_week",
    "training_per_person_week",
)
"""A replication's labour table, before its ``scenario`` and ``replication`` keys."""
