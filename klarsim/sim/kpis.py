"""Key performance indicators from accumulated sums; one definition for totals and intervals.

Every column is defined in docs/outputs.md. Costs: the AI bills each conversation, each
resolution it claimed (false ones included) and a monthly platform fee from its launch (the
first moment ``ai.share`` can be above zero) to the end; humans cost their loaded hourly rate
for staffed time; churned customers' yearly revenue is lost from the day they leave, until the
run's end (``revenue_lost``) or over a remaining lifetime (``revenue_lost_lifetime``);
``customers.churn_revenue.horizon`` chooses which of the two ``cost_total`` counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.config.timeline import Ramp, SetAt
from klarsim.sim.recorder import ALL_SUMS
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_MONTH

AI_SHARE = "ai.share"

COUNT_COLUMNS = (
    "contacts",
    "offered_human",
    "answered",
    "abandoned",
    "completed",
    "recontacts",
    "ai_contacts",
    "ai_resolved",
    "ai_false_resolved",
    "ai_false_resolved_returned",
    "escalated",
    "asked_human",
    "refused_human",
    "issues_created",
    "issues_resolved",
    "issues_lost",
    "churned",
    "hires",
    "quits",
    "laid_off",
    "gig_registrations",
    "guardrail_firings",
)


@dataclass(frozen=True)
class Prices:
    """What the AI charges (zero without one) and which lost revenue ``cost_total`` counts."""

    per_conversation: float = 0.0
    per_resolution: float = 0.0
    platform_per_min: float = 0.0
    launch_min: float = math.inf
    """When the platform fee starts: the AI's launch (``ai_launch_min``); inf: never."""
    revenue_over_lifetime: bool = False
    """``cost_total`` counts ``revenue_lost_lifetime`` instead of ``revenue_lost``."""
    bill_returned: bool = True
    """Bill false resolutions whose issue came back (see ``ai.pricing``)."""

    @classmethod
    def of(cls, scenario: Scenario) -> Prices:
        """The AI prices and the lost-revenue rule of a scenario."""
        lifetime = scenario.customers.churn_revenue.horizon == "lifetime"
        if scenario.ai is None:
            return cls(revenue_over_lifetime=lifetime)
        pricing = scenario.ai.pricing
        return cls(
            pricing.price_per_conversation,
            pricing.price_per_resolution,
            pricing.platform_cost_per_month / MINUTES_PER_MONTH,
            ai_launch_min(scenario),
            lifetime,
            pricing.bill_returned_false_resolutions,
        )


def ai_launch_min(scenario: Scenario) -> float:
    """The AI's launch, in minutes: the first moment ``ai.share`` may be above zero; inf: never.

    Time zero if ``ai.share`` starts above zero, else the earliest timeline ``set`` of a
    positive ``ai.share`` or the start of a ``ramp`` of ``ai.share`` that leaves zero (its
    first step may still be zero: a ramp's start is the launch). Guardrails only lower the
    share, so they never launch the AI; once launched, the platform is paid to the end.
    """
    if scenario.ai is None:
        return math.inf
    if scenario.ai.share > 0:
        return 0.0
    start_date = scenario.experiment.start_date
    launches = [
        action.at_day(start_date) * MINUTES_PER_DAY
        for action in scenario.timeline
        if _launches(action)
    ]
    return min(launches, default=math.inf)


def _launches(action: object) -> bool:
    """Whether a timeline action can make ``ai.share`` positive."""
    if isinstance(action, SetAt):
        return action.key == AI_SHARE and float(action.value) > 0
    if isinstance(action, Ramp):
        return action.key == AI_SHARE and max(action.end_value, action.start_value or 0.0) > 0
    return False


Amount = Any
"""A float (a run's total) or a numpy array of per-interval values: every KPI below is
computed the same way for both, so totals and time series share one definition."""


def ratio(numerator: Amount, denominator: Amount) -> Amount:
    """``numerator / denominator``, or NaN where there is nothing to divide by."""
    if isinstance(denominator, np.ndarray):
        nothing = np.full(denominator.shape, np.nan)
        return np.divide(numerator, denominator, out=nothing, where=denominator > 0)
    return numerator / denominator if denominator > 0 else math.nan


def _whole(amount: Amount) -> Amount:
    """A count as an integer (or integer array)."""
    if isinstance(amount, np.ndarray):
        return amount.astype(np.int64)
    return int(amount)


def kpis(sums: Mapping[str, Amount], duration_min: float, prices: Prices) -> dict[str, Amount]:
    """Counts, rates, satisfaction and costs over a stretch of ``duration_min`` minutes.

    ``sums`` holds the accumulated sums of a stretch (floats), or of every interval (arrays).
    """
    return {
        **{name: _whole(sums[name]) for name in COUNT_COLUMNS},
        **_queue(sums, duration_min),
        **_journey(sums),
        **_labour(sums),
        **_costs(sums, prices),
    }


def _queue(sums: Mapping[str, Amount], duration_min: float) -> dict[str, Amount]:
    left_queue = sums["answered"] + sums["abandoned"]
    return {
        "abandonment_rate": ratio(sums["abandoned"], sums["offered_human"]),
        "p_wait": ratio(sums["waited"], sums["offered_human"]),
        "asa_min": ratio(sums["wait_answered_min"], sums["answered"]),
        "wait_mean_min": ratio(sums["wait_answered_min"] + sums["wait_abandoned_min"], left_queue),
        "service_level": ratio(sums["answered_in_target"], sums["offered_human"]),
        "aht_min": ratio(sums["handle_min"], sums["completed"]),
        "occupancy": ratio(sums["busy_agent_min"], sums["staffed_agent_min"]),
        "slot_utilisation": ratio(sums["busy_slot_min"], sums["staffed_slot_min"]),
        "queue_length_mean": ratio(sums["queue_contact_min"], duration_min),
    }


def _journey(sums: Mapping[str, Amount]) -> dict[str, Amount]:
    active_end = sums["active_customers_end"]
    return {
        "ai_share": ratio(sums["ai_contacts"], sums["contacts"]),
        "fcr": ratio(sums["issues_resolved_first"], sums["issues_created"]),
        "csat_mean": ratio(sums["csat_sum"], sums["finished"]),
        "trust_mean_end": _where_any(active_end, sums["trust_mean_end"]),
        "active_customers_end": _whole(active_end),
        "churn_rate": ratio(sums["churned"], active_end + sums["churned"]),
    }


def _where_any(count: Amount, value: Amount) -> Amount:
    """``value`` where ``count`` is positive, NaN elsewhere."""
    if isinstance(count, np.ndarray):
        return np.where(count > 0, value, np.nan)
    return value if count > 0 else math.nan


def _labour(sums: Mapping[str, Amount]) -> dict[str, Amount]:
    gig_hours_online = sums["gig_online_min"] / MINUTES_PER_HOUR
    human_busy = sums["employee_busy_min"] + sums["gig_busy_min"]
    return {
        "employees_end": _whole(sums["employees_end"]),
        "employee_hours": sums["employee_paid_min"] / MINUTES_PER_HOUR,
        "gig_hours_online": gig_hours_online,
        "gig_hours_engaged": sums["gig_busy_min"] / MINUTES_PER_HOUR,
        "gig_share_of_human_work": ratio(sums["gig_busy_min"], human_busy),
        "gig_earnings_per_online_hour": ratio(sums["gig_pay"], gig_hours_online),
        "occupancy_employee": ratio(sums["employee_busy_min"], sums["employee_staffed_min"]),
        "occupancy_gig": ratio(sums["gig_busy_min"], sums["gig_online_min"]),
        "ai_share_setting": sums["ai_share_setting"],
    }


def _costs(sums: Mapping[str, Amount], prices: Prices) -> dict[str, Amount]:
    billed_resolutions = sums["ai_resolved"] + sums["ai_false_resolved"]
    if not prices.bill_returned:
        billed_resolutions = billed_resolutions - sums["ai_false_resolved_returned"]
    cost_ai = (
        sums["ai_contacts"] * prices.per_conversation
        + billed_resolutions * prices.per_resolution
        + sums["ai_live_min"] * prices.platform_per_min
    )
    cost_hiring = sums["cost_hiring_fees"] + sums["cost_training_wages"]
    cost_gig = sums["gig_pay"] + sums["gig_onboarding"]
    cost_human = sums["cost_employee"] + cost_gig + cost_hiring + sums["cost_severance"]
    operating = cost_ai + cost_human
    lost = sums["revenue_lost_lifetime"] if prices.revenue_over_lifetime else sums["revenue_lost"]
    return {
        "revenue_lost": sums["revenue_lost"],
        "revenue_lost_lifetime": sums["revenue_lost_lifetime"],
        "cost_ai": cost_ai,
        "cost_employee": sums["cost_employee"],
        "cost_gig": cost_gig,
        "cost_hiring": cost_hiring,
        "cost_severance": sums["cost_severance"],
        "cost_human": cost_human,
        "cost_operating": operating,
        "cost_total": operating + lost,
        "cost_per_contact": ratio(operating, sums["contacts"]),
        "cost_per_resolution": ratio(operating, sums["issues_resolved"]),
    }


FULL_SCALE_COLUMNS = (
    *COUNT_COLUMNS,
    "employees_end",
    "employee_hours",
    "gig_hours_online",
    "gig_hours_engaged",
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
)
"""Volume and cost columns that are also reported divided by ``experiment.scale``."""


def full_scale(row: Mapping[str, Amount], scale: float) -> dict[str, Amount]:
    """``COLUMN_full_scale`` = COLUMN / scale for volumes and costs (the full-size centre)."""
    return {f"{name}_full_scale": row[name] / scale for name in FULL_SCALE_COLUMNS}


def kpi_names() -> tuple[str, ...]:
    """Every KPI column a summary row has (what ``--precision`` may target)."""
    zero = dict.fromkeys(ALL_SUMS, 0.0)
    return tuple(kpis(zero, 1.0, Prices()))
