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
