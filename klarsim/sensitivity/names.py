"""File names, columns and which way each KPI is better: plain names, no imports.

Kept apart from the analysis (which runs simulations) so that the plots and the report can
read a sensitivity or robustness folder without importing the experiments.
"""

from __future__ import annotations

from typing import Literal

SENSITIVITY = "sensitivity.csv"
"""Per KPI and parameter: Morris (mu_star, mu_star_conf, sigma) or Sobol (S1, ST) indices."""
SAMPLES = "samples.csv"
"""Per point of a sensitivity analysis: its role, its values and its KPI means."""
ROBUSTNESS = "robustness.csv"
"""Per sample of a robustness check: the assumptions and both plans' KPI means."""
ROBUSTNESS_SUMMARY = "robustness_summary.csv"
"""Per KPI: the probability that the alternative is better, and what the verdict hinges on."""

MORRIS_COLUMNS = ("kpi", "parameter", "mu_star", "mu_star_conf", "sigma", "mu")
SOBOL_COLUMNS = ("kpi", "parameter", "S1", "S1_conf", "ST", "ST_conf")
SUMMARY_COLUMNS = (
    "kpi",
    "better",
    "probability_alternative_better",
    "ci_low",
    "ci_high",
    "median_difference",
    "difference_p05",
    "difference_p95",
    "samples",
    "top_assumption",
    "partial_rank_correlation",
    "flip_value",
)
"""The columns of ``robustness_summary.csv``."""

Better = Literal["lower", "higher"]

LOWER_IS_BETTER = frozenset(
    {
        "abandonment_rate",
        "p_wait",
        "asa_min",
        "wait_mean_min",
        "queue_length_mean",
        "abandoned",
        "refused_human",
        "ai_false_resolved",
        "recontacts",
        "issues_lost",
        "churned",
        "churn_rate",
        "revenue_lost",
        "revenue_lost_lifetime",
        "cost_ai",
        "cost_employee",
        "cost_gig",
        "cost_hiring",
        "cost_severance",
        "cost_human",
        "cost_operating",
        "cost_total",
        "cost_per_contact",
        "cost_per_resolution",
    }
)
"""Costs, waits, abandonment, lost issues and churn: less is better."""
HIGHER_IS_BETTER = frozenset(
    {
        "service_level",
        "csat_mean",
        "trust_mean_end",
        "fcr",
        "issues_resolved",
        "active_customers_end",
    }
)
"""Satisfaction, service level, resolution and trust: more is better."""
FULL_SCALE = "_full_scale"


def better_direction(kpi: str) -> Better | None:
    """Whether less or more of ``kpi`` is better (a ``_full_scale`` column as its KPI); None
    when neither is (contacts, occupancy, the AI share)."""
    name = kpi.removesuffix(FULL_SCALE)
    if name in LOWER_IS_BETTER:
        return "lower"
    if name in HIGHER_IS_BETTER:
        return "higher"
    return None


def ranked_kpis() -> list[str]:
    """Every KPI with a direction, sorted: what ``klarsim robustness --kpi`` accepts."""
    return sorted(LOWER_IS_BETTER | HIGHER_IS_BETTER)
