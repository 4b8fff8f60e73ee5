"""Column and KPI names of the result tables: plain names, no imports.

Kept apart from ``klarsim.metrics.tables`` (pandas and the engine's records) so that the
results reader, the plots and the command line can name columns without importing either.
"""

from __future__ import annotations

KEY_COLUMNS = ["scenario", "replication", "seed"]
COMPARISON_VALUES = (
    "mean",
    "ci_low",
    "ci_high",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
)
"""The figures ``comparison.csv`` gives for each KPI and scenario."""
COMPARISON_COLUMNS = ["kpi", "scenario", *COMPARISON_VALUES, "replications"]
"""The columns of ``comparison.csv``."""
EVENT_COLUMNS = [
    "scenario",
    "replication",
    "time_days",
    "kind",
    "action",
    "target",
    "value",
    "detail",
]
"""Columns of ``events.csv``: when, timeline or guardrail, what was done, to what, the detail."""
LABOUR_COLUMNS = [
    "scenario",
    "replication",
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
]
"""Columns of ``labour.csv``: the keys, then a replication's per-pool labour table (the
engine's ``klarsim.sim.labour_columns.LABOUR_COLUMNS``, spelled out so readers need no engine)."""
HEADLINE_KPIS = (
    "contacts",
    "abandonment_rate",
    "p_wait",
    "asa_min",
    "wait_mean_min",
    "service_level",
    "aht_min",
    "occupancy",
    "slot_utilisation",
    "ai_share",
    "fcr",
    "csat_mean",
    "trust_mean_end",
    "churned",
    "cost_per_contact",
    "cost_total",
)
"""The KPIs ``klarsim run`` prints."""
