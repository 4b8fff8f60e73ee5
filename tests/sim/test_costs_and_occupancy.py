"""Costs and occupancy (issue 16): the AI bill, the platform fee from the AI's launch, revenue
lost over a customer lifetime, and chat slot utilisation, against known answers."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from klarsim import simulate
from klarsim.config import Scenario, parse_scenario
from klarsim.model.demand.customers import annuity_years
from klarsim.sim.kpis import Prices, ai_launch_min, kpis
from klarsim.sim.recorder import ALL_SUMS
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_MONTH
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit

PLATFORM_PER_MONTH = 30_000.0
AI: dict[str, Any] = {
    "share": 0.5,
    "handle_time_min": {"dist": "exponential", "mean": 2.0},
    "outcomes": {"default": {"resolve": 0.6, "false_resolve": 0.1, "escalate": 0.3}},
    "pricing": {
        "price_per_conversation": 0.25,
        "price_per_resolution": 0.99,
        "platform_cost_per_month": PLATFORM_PER_MONTH,
    },
}


def ai_centre(share: float, timeline: list[dict[str, Any]], **experiment: Any) -> Scenario:
    """A one-intent chat centre of 12 agents with the AI above at ``share`` and a timeline."""
    data = centre({"staff": employees(12)}, days=6, warmup_days=1, volume=2000)
    data["experiment"] |= {"interval_min": 60, **experiment}
    data["ai"] = {**copy.deepcopy(AI), "share": share}
    data["timeline"] = timeline
    return parse_scenario(data)


def interval_sum(columns: dict[str, list[Any]], name: str) -> float:
    return float(np.nansum(columns[name]))


def test_resolution_pricing_bills_every_claimed_resolution_false_ones_included() -> None:
    sums = dict.fromkeys(ALL_SUMS, 0.0) | {
        "ai_contacts": 10.0,
        "ai_resolved": 4.0,
        "ai_false_resolved": 2.0,
        "escalated": 4.0,
        "ai_live_min": MINUTES_PER_MONTH / 2,
    }
    row = kpis(sums, 1.0, Prices(per_conversation=2.0, per_resolution=0.99, platform_per_min=1.0))
    assert row["cost_ai"] == pytest.approx(10 * 2.0 + 6 * 0.99 + MINUTES_PER_MONTH / 2)


@pytest.mark.parametrize(
    ("share", "timeline", "launch_day"),
    [
        (0.3, [], 0.0),
        (0.0, [], math.inf),
        (0.0, [{"day": 2.5, "action": "set", "key": "ai.share", "value": 0.0}], math.inf),
        (0.0, [{"day": 2.5, "action": "set", "key": "ai.share", "value": 0.4}], 2.5),
        (
            0.0,
            [
                {"day": 4, "action": "set", "key": "ai.share", "value": 0.4},
                {"day": 3, "action": "ramp", "key": "ai.share", "end_value": 0.6, "end_day": 5},
            ],
            3.0,
        ),
        (0.0, [{"day": 1, "action": "freeze", "pool": "staff"}], math.inf),
    ],
)
def test_the_ai_launches_at_the_first_moment_its_share_can_be_positive(
    share: float, timeline: list[dict[str, Any]], launch_day: float
) -> None:
    assert ai_launch_min(ai_centre(share, timeline)) == launch_day * MINUTES_PER_DAY


def test_the_platform_fee_accrues_from_the_launch_in_every_interval_and_in_total() -> None:
    """Launch at day 3.25 (a ramp's start): 2.75 of the 5 measured days are billed."""
    ramp = {"day": 3.25, "action": "ramp", "key": "ai.share", "end_value": 0.6, "end_day": 4}
    result = simulate(ai_centre(0.0, [ramp]))
    row, columns = result.summary, result.timeseries
    platform = PLATFORM_PER_MONTH * 2.75 * MINUTES_PER_DAY / MINUTES_PER_MONTH
    billed = row["ai_contacts"] * 0.25 + (row["ai_resolved"] + row["ai_false_resolved"]) * 0.99
    assert row["ai_contacts"] > 0
    assert row["cost_ai"] == pytest.approx(billed + platform, rel=1e-12)
    assert interval_sum(columns, "cost_ai") == pytest.approx(row["cost_ai"], rel=1e-12)
    hourly = PLATFORM_PER_MONTH * 60 / MINUTES_PER_MONTH
    by_day = dict(zip(columns["time_days"], columns["cost_ai"], strict=True))
    assert by_day[3.0] == 0.0 and by_day[3.25] == pytest.approx(hourly)
    assert interval_sum(columns, "cost_operating") == pytest.approx(row["cost_operating"])


def test_without_a_launch_there_is_no_platform_fee() -> None:
    row = simulate(ai_centre(0.0, [])).summary
    assert row["ai_contacts"] == 0 and row["cost_ai"] == 0.0


def test_an_ai_live_from_the_start_pays_the_whole_measured_horizon() -> None:
    row = simulate(ai_centre(0.5, [])).summary
    billed = row["ai_contacts"] * 0.25 + (row["ai_resolved"] + row["ai_false_resolved"]) * 0.99
    platform = PLATFORM_PER_MONTH * 5 * MINUTES_PER_DAY / MINUTES_PER_MONTH
    assert row["cost_ai"] == pytest.approx(billed + platform, rel=1e-12)


def test_annuity_years_is_the_lifetime_undiscounted_and_its_present_value_discounted() -> None:
    assert annuity_years(3.0, 0.0) == 3.0
    # continuous payments over 3 years at 10 % a year: (1 - 1.1^-3) / ln 1.1
    assert annuity_years(3.0, 0.10) == pytest.approx(0.248685 / 0.0953102, rel=1e-5)
    assert annuity_years(1e-9, 0.10) == pytest.approx(1e-9)


def churning(churn_revenue: dict[str, Any] | None = None) -> Scenario:
    """Unhappy customers who churn fast, each worth $120 a year."""
    data = centre({"staff": employees(20)}, days=10, warmup_days=2, volume=3000)
    data["experiment"]["interval_min"] = 720
    data["customers"] = {
        "population": 5000,
        "revenue_per_year": 120.0,
        "trust": {"initial": 0.1, "baseline": 0.1},
        "churn": {"threshold": 0.6, "max_per_year": 30.0},
    }
    if churn_revenue is not None:
        data["customers"]["churn_revenue"] = churn_revenue
    return parse_scenario(data)


def test_revenue_lost_over_a_lifetime_is_each_churned_customers_present_value() -> None:
    run_end = simulate(churning())
    row, columns = run_end.summary, run_end.timeseries
    assert row["churned"] > 100
    assert row["revenue_lost_lifetime"] == pytest.approx(row["churned"] * 120.0 * 3.0)
    assert row["revenue_lost"] < 0.1 * row["revenue_lost_lifetime"]
    assert row["cost_total"] == pytest.approx(row["cost_operating"] + row["revenue_lost"])
    for name in ("revenue_lost", "revenue_lost_lifetime", "churned"):
        assert interval_sum(columns, name) == pytest.approx(row[name]), name

    lifetime = simulate(churning({"horizon": "lifetime", "lifetime_years": 2.0})).summary
    assert lifetime["churned"] == row["churned"], "the rule moves money, not customers"
    assert lifetime["revenue_lost"] == pytest.approx(row["revenue_lost"])
    assert lifetime["revenue_lost_lifetime"] == pytest.approx(row["churned"] * 120.0 * 2.0)
    assert lifetime["cost_total"] == pytest.approx(
        lifetime["cost_operating"] + lifetime["revenue_lost_lifetime"]
    )

    discounted = simulate(churning({"discount_rate_per_year": 0.1})).summary
    present_value = 120.0 * annuity_years(3.0, 0.1)
    assert discounted["revenue_lost_lifetime"] == pytest.approx(row["churned"] * present_value)


def test_a_bad_churn_revenue_horizon_names_the_key() -> None:
    with pytest.raises(Exception, match=r"customers\.churn_revenue\.horizon"):
        churning({"horizon": "forever"})


def chat_centre(concurrency: int, slowdown: float, per_minute: float = 3.0) -> Scenario:
    """Ten chat agents, 5-minute chats arriving at ``per_minute`` a minute, no abandonment."""
    pool = employees(10, concurrency=concurrency, concurrency_slowdown=slowdown)
    data = centre({"staff": pool}, days=8, warmup_days=1, volume=per_minute * 1440, seed=4)
    data["experiment"]["interval_min"] = 1440
    return parse_scenario(data)


def test_slot_utilisation_is_the_busy_share_of_chat_slots() -> None:
    """Without slowdown each slot is a server: 30 slots, offered load 15, so by Little's law
    half the slots are busy, while almost every agent holds at least one chat."""
    result = simulate(chat_centre(3, 0.0))
    row = result.summary
    assert row["slot_utilisation"] == pytest.approx(0.5, rel=0.03)
    assert row["occupancy"] > 0.85
    assert row["slot_utilisation"] < row["occupancy"]
    daily = result.timeseries["slot_utilisation"]
    assert all(0.4 < value < 0.6 for value in daily)


def test_slot_utilisation_is_occupancy_for_one_contact_at_a_time() -> None:
    """One slot per agent: both are busy agents over staffed ones, 6 / 10 at a load of 6."""
    row = simulate(chat_centre(1, 0.0, per_minute=1.2)).summary
    assert row["slot_utilisation"] == row["occupancy"]
    assert row["occupancy"] == pytest.approx(0.6, rel=0.03)
