"""The AI tier and the customer journey: outcomes, accounting, direction of effects, trust."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from klarsim import simulate
from klarsim.config import Scenario, parse_scenario
from klarsim.config.customers import Customers
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.service.outcomes import (
    FALSE_RESOLVED,
    OUTCOMES,
    REFUSED_HUMAN,
    RESOLVED_BY_AI,
    RESOLVED_BY_HUMAN,
    CsatScorer,
)
from klarsim.sim.kpis import MINUTES_PER_MONTH

pytestmark = pytest.mark.unit

MINUTES_PER_DAY = 1440.0
BASE: dict[str, Any] = {
    "name": "journey",
    "experiment": {"horizon_days": 6, "warmup_days": 1, "seed": 3, "interval_min": 60},
    "demand": {
        "contacts_per_day": 3000,
        "intents": {
            "routine": {
                "share": 0.7,
                "handle_time_min": {"dist": "exponential", "mean": 6.0},
                "empathy_need": 0.1,
            },
            "dispute": {
                "share": 0.3,
                "handle_time_min": {"dist": "exponential", "mean": 10.0},
                "empathy_need": 0.8,
            },
        },
    },
    "customers": {
        "population": 20000,
        "revenue_per_year": 100.0,
        "patience_min": {"chat": {"dist": "exponential", "mean": 2.0}},
        "churn": {"threshold": 0.6, "max_per_year": 6.0},
        "recontact": {
            cause: {"probability": 0.7, "delay_hours": {"dist": "exponential", "mean": 6}}
            for cause in ("unresolved", "abandoned", "refused", "false_resolved")
        },
    },
    "ai": {
        "share": 0.6,
        "handle_time_min": {"dist": "lognormal", "mean": 2.0, "cv": 0.5},
        "human_on_request": True,
        "outcomes": {
            "default": {"resolve": 0.5, "false_resolve": 0.1, "escalate": 0.25, "ask_human": 0.15}
        },
        "pricing": {
            "price_per_conversation": 0.3,
            "price_per_resolution": 0.99,
            "platform_cost_per_month": 5000,
        },
    },
    "pools": {
        "agents": {
            "headcount": 18,
            "skills": ["routine", "dispute"],
            "resolution_probability": 0.85,
            "cost_per_hour": 40,
        }
    },
}


def scenario(changes: dict[str, Any] | None = None) -> Scenario:
    """The base scenario with dotted changes applied."""
    data = copy.deepcopy(BASE)
    for key, value in (changes or {}).items():
        node = data
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return parse_scenario(data)


def summary(changes: dict[str, Any] | None = None, replication: int = 0) -> dict[str, Any]:
    return simulate(scenario(changes), replication).summary


def test_every_outcome_path_is_taken() -> None:
    log = simulate(scenario({"ai.human_on_request": False}), record_contacts=True).contacts
    assert log is not None
    refused = set(log["outcome"])
    honoured_log = simulate(scenario(), record_contacts=True).contacts
    assert honoured_log is not None
    seen = refused | set(honoured_log["outcome"])
    assert {outcome.name for outcome in OUTCOMES} <= seen
    assert "refused_human" not in set(honoured_log["outcome"])


def test_flow_and_issues_are_conserved() -> None:
    row = summary()
    ai_only_ends = row["ai_resolved"] + row["ai_false_resolved"] + row["refused_human"]
    human_ends = row["completed"] + row["abandoned"]
    assert row["contacts"] == ai_only_ends + human_ends + row["in_system_end"]
    assert row["offered_human"] == row["answered"] + row["abandoned"] + row["in_queue_end"]
    assert row["issues_created"] == (
        row["issues_resolved"] + row["issues_lost"] + row["issues_open_end"]
    )
    assert row["contacts"] == row["issues_created"] + row["recontacts"]
    ai_results = row["ai_resolved"] + row["ai_false_resolved"] + row["escalated"]
    assert row["ai_contacts"] == ai_results + row["asked_human"] + row["with_ai_end"]


def test_ai_cost_is_conversations_resolutions_and_platform() -> None:
    row = summary()
    months = 5 * MINUTES_PER_DAY / MINUTES_PER_MONTH
    expected = (
        row["ai_contacts"] * 0.3
        + (row["ai_resolved"] + row["ai_false_resolved"]) * 0.99
        + 5000 * months
    )
    assert row["cost_ai"] == pytest.approx(expected, rel=1e-12)
    assert row["cost_human"] == pytest.approx(18 * 5 * 24 * 40)
    assert row["cost_operating"] == pytest.approx(row["cost_ai"] + row["cost_human"])
    assert row["cost_total"] == pytest.approx(row["cost_operating"] + row["revenue_lost"])
    assert row["cost_per_contact"] == pytest.approx(row["cost_operating"] / row["contacts"])


def test_ai_share_routes_the_configured_fraction() -> None:
    row = summary({"customers.recontact": {}})
    assert row["ai_share"] == pytest.approx(0.6, abs=0.02)
    assert summary({"ai.excluded_intents": ["routine", "dispute"]})["ai_contacts"] == 0


@pytest.mark.directional
def test_more_false_resolutions_mean_more_recontacts_lower_trust_more_churn() -> None:
    honest = {"ai.outcomes.default": {"resolve": 0.6, "escalate": 0.25, "ask_human": 0.15}}
    false = {
        "ai.outcomes.default": {
            "resolve": 0.2,
            "false_resolve": 0.4,
            "escalate": 0.25,
            "ask_human": 0.15,
        }
    }
    better = [summary(honest, replication) for replication in range(3)]
    worse = [summary(false, replication) for replication in range(3)]
    for good, bad in zip(better, worse, strict=True):
        assert bad["recontacts"] > good["recontacts"]
        assert bad["trust_mean_end"] < good["trust_mean_end"]
        assert bad["fcr"] < good["fcr"]
    assert sum(row["churned"] for row in worse) > sum(row["churned"] for row in better)


@pytest.mark.directional
def test_refusing_requests_for_a_person_lowers_csat() -> None:
    for replication in range(3):
        honoured = summary({"ai.human_on_request": True}, replication)
        refused = summary({"ai.human_on_request": False}, replication)
        assert refused["refused_human"] > 0 == honoured["refused_human"]
        assert refused["csat_mean"] < honoured["csat_mean"]


@pytest.mark.directional
def test_losing_context_lengthens_human_handle_time() -> None:
    kept = summary({"ai.handoff": {"with_context": True}})
    lost = summary(
        {
            "ai.handoff": {
                "with_context": False,
                "lost_context_extra_min": 3.0,
                "lost_context_factor": 1.2,
            }
        }
    )
    assert lost["aht_min"] > kept["aht_min"] + 0.5


@pytest.mark.directional
def test_an_ai_outage_moves_load_to_humans() -> None:
    normal = summary()
    outage = summary({"ai.outages": [{"start_day": 2, "duration_hours": 48}]})
    assert outage["ai_share"] < normal["ai_share"] - 0.15
    assert outage["offered_human"] > normal["offered_human"]


@pytest.mark.directional
def test_escalations_get_priority_when_configured() -> None:
    log_priority = simulate(
        scenario({"ai.handoff": {"priority": True}}), record_contacts=True
    ).contacts
    log_fifo = simulate(
        scenario({"ai.handoff": {"priority": False}}), record_contacts=True
    ).contacts
    assert log_priority is not None and log_fifo is not None

    def escalated_wait(log: dict[str, list[Any]]) -> float:
        waits = [
            w
            for w, e, p in zip(log["wait_min"], log["escalated"], log["pool"], strict=True)
            if e and p
        ]
        return float(np.mean(waits))

    assert escalated_wait(log_priority) < escalated_wait(log_fifo)


def test_trust_decays_back_to_the_baseline_at_the_half_life() -> None:
    spec = Customers.model_validate(
        {
            "population": 3,
            "trust": {"initial": 0.8, "baseline": 0.8, "learning_rate": 0.5, "half_life_days": 10},
        }
    )
    customers = CustomerBase(spec, 3, np.random.default_rng(0))
    customers.update(1, 0.0, now=0.0)
    assert customers.trust_of(1, 0.0) == pytest.approx(0.4)
    half_life_min = 10 * MINUTES_PER_DAY
    assert customers.trust_of(1, half_life_min) == pytest.approx(0.6)
    assert customers.trust_of(1, 2 * half_life_min) == pytest.approx(0.7)
    assert customers.mean_trust(half_life_min) == pytest.approx((0.8 + 0.6 + 0.8) / 3)
    customers.daily_update(half_life_min, MINUTES_PER_DAY)
    assert customers.mean_trust(2 * half_life_min) == pytest.approx((0.8 + 0.7 + 0.8) / 3)


def test_running_mean_trust_matches_the_exact_mean() -> None:
    spec = Customers.model_validate({"population": 50, "trust": {"half_life_days": 2}})
    customers = CustomerBase(spec, 50, np.random.default_rng(1))
    generator = np.random.default_rng(2)
    for now in np.sort(generator.uniform(0, 3000, 400)):
        customers.update(int(generator.integers(50)), float(generator.random()), float(now))
    exact = np.mean([customers.trust_of(c, 3000.0) for c in range(50)])
    assert customers.mean_trust(3000.0) == pytest.approx(exact, rel=1e-9)


def test_churn_hazard_is_zero_above_the_threshold_and_rises_below() -> None:
    spec = Customers.model_validate(
        {"population": 1, "churn": {"threshold": 0.5, "max_per_year": 2, "shape": 1}}
    )
    customers = CustomerBase(spec, 1, np.random.default_rng(0))
    hazard = customers.hazard_per_year(np.array([0.9, 0.5, 0.25, 0.0]))
    assert hazard.tolist() == pytest.approx([0.0, 0.0, 1.0, 2.0])


def test_churn_feeds_back_into_arrivals() -> None:
    unhappy = {
        "customers.trust": {"initial": 0.1, "baseline": 0.1},
        "customers.churn": {"threshold": 0.6, "max_per_year": 60.0},
        "experiment.horizon_days": 10,
    }
    loyal = {**unhappy, "customers.churn": None}
    churning = simulate(scenario(unhappy))
    staying = simulate(scenario(loyal))
    assert churning.summary["churned"] > 0.5 * 20000
    assert churning.summary["contacts"] < 0.8 * staying.summary["contacts"]
    contacts = churning.timeseries["contacts"]
    assert sum(contacts[-24:]) < 0.5 * sum(contacts[:24])
    assert churning.summary["revenue_lost"] > 0
    assert math.isnan(summary({"customers.population": None})["trust_mean_end"])


@pytest.mark.slow
def test_common_random_numbers_shrink_the_variance_of_ai_share_differences() -> None:
    """Same seeds: each contact keeps its luck, so the difference is the AI share's alone."""
    shorter = {"experiment.horizon_days": 4}
    low = [summary({**shorter, "ai.share": 0.5}, r) for r in range(12)]
    high = [summary({**shorter, "ai.share": 0.6}, r) for r in range(12)]
    other = [summary({**shorter, "ai.share": 0.5}, r + 100) for r in range(12)]
    for kpi in ("offered_human", "cost_per_contact"):
        paired = [h[kpi] - lo[kpi] for h, lo in zip(high, low, strict=True)]
        independent = [h[kpi] - o[kpi] for h, o in zip(high, other, strict=True)]
        assert np.var(paired, ddof=1) * 5 < np.var(independent, ddof=1), kpi


def test_ai_concurrency_cap_overflows_or_queues() -> None:
    free = summary()
    overflow = summary({"ai.concurrency": 1, "ai.when_full": "human"})
    queued = summary({"ai.concurrency": 1, "ai.when_full": "wait"})
    assert overflow["ai_share"] < 0.5 * free["ai_share"]
    assert overflow["offered_human"] > free["offered_human"]
    assert queued["ai_share"] == pytest.approx(free["ai_share"], abs=0.02)
    assert queued["with_ai_end"] > free["with_ai_end"]


def test_ai_share_can_change_while_the_model_runs() -> None:
    from klarsim.sim.replication import Replication

    replication = Replication(scenario({"customers.recontact": {}}), 0, 5)
    ai = replication.model.ai
    assert ai is not None

    def switch_off() -> Any:
        yield replication.env.timeout(3 * MINUTES_PER_DAY)
        ai.share = 0.0

    replication.env.process(switch_off())
    result = replication.run()
    to_ai = result.timeseries["ai_contacts"]
    days = [sum(to_ai[day * 24 : (day + 1) * 24]) for day in range(5)]
    assert days[0] > 0 and days[1] > 0
    assert days[2] == 0 or days[3] == 0
    assert days[3] == days[4] == 0


def _churning_customers(
    initial: float, *, half_life_days: float, max_per_year: float
) -> CustomerBase:
    """300 customers at ``initial`` trust, baseline 0.8, churning below 0.5."""
    spec = Customers.model_validate(
        {
            "population": 300,
            "trust": {"initial": initial, "baseline": 0.8, "half_life_days": half_life_days},
            "churn": {"threshold": 0.5, "max_per_year": max_per_year},
        }
    )
    return CustomerBase(spec, 300, np.random.default_rng(4))


@pytest.mark.parametrize("initial", [0.8, 0.3])
def test_mean_trust_stays_exact_through_churn(initial: float) -> None:
    """Both daily modes: only at-risk customers (initial 0.8), everyone (initial 0.3)."""
    customers = _churning_customers(initial, half_life_days=3, max_per_year=200)
    generator = np.random.default_rng(5)
    left = 0
    for day in range(1, 11):
        for now in np.sort(generator.uniform((day - 1) * 1440, day * 1440, 60)):
            customer = customers.pick(float(generator.random()))
            customers.update(customer, float(generator.choice([0.0, 0.9])), float(now))
        left += customers.daily_update(day * MINUTES_PER_DAY, MINUTES_PER_DAY)
    assert 0 < left == customers.churned_count == 300 - customers.active_count
    now = 10 * MINUTES_PER_DAY
    active = customers.active_customers().tolist()
    exact = np.mean([customers.trust_of(customer, now) for customer in active])
    assert customers.mean_trust(now) == pytest.approx(exact, rel=1e-9)
    assert customers.is_active.sum() == len(active) == customers.active_count
    assert customers.active is not None  # made at the first churn
    assert not customers.is_active[customers.active[customers.active_count :]].any()


@pytest.mark.parametrize("initial", [0.8, 0.3])
def test_a_customer_churns_at_most_once(initial: float) -> None:
    """Customers who left stay out of the daily churn draw (a regression: they were drawn
    again, which moved active customers off the active list)."""
    customers = _churning_customers(initial, half_life_days=30, max_per_year=100)
    generator = np.random.default_rng(5)
    for day in range(1, 30):
        for now in np.sort(generator.uniform((day - 1) * 1440, day * 1440, 60)):
            customers.update(customers.pick(float(generator.random())), 0.0, float(now))
        customers.daily_update(day * MINUTES_PER_DAY, MINUTES_PER_DAY)
        active = customers.active_customers()
        assert len(set(active.tolist())) == customers.active_count
        assert customers.is_active[active].all()
        assert customers.is_active.sum() == customers.active_count
        assert customers.churned_count == 300 - customers.active_count


def test_a_day_draws_churn_for_exactly_the_flagged_customers_in_customer_order() -> None:
    """The at-risk list (the day's new flags merged into those still at risk) is the set of
    flags a scan of the whole population would find, in the same order."""
    customers = _churning_customers(0.8, half_life_days=3, max_per_year=200)
    generator = np.random.default_rng(11)
    for day in range(1, 15):
        for now in np.sort(generator.uniform((day - 1) * 1440, day * 1440, 50)):
            customer = customers.pick(float(generator.random()))
            customers.update(customer, float(generator.choice([0.0, 0.6, 0.9])), float(now))
        flagged = np.flatnonzero(customers._at_risk_flags)
        np.testing.assert_array_equal(customers._candidates(), flagged)
        customers.daily_update(day * MINUTES_PER_DAY, MINUTES_PER_DAY)
    assert customers.churned_count > 0


def test_mean_trust_stays_exact_when_the_reference_time_moves() -> None:
    """A half-life of two hours makes the scaled deviations overflow-prone: they are rebased."""
    spec = Customers.model_validate(
        {
            "population": 200,
            "trust": {"initial": 0.8, "baseline": 0.8, "half_life_days": 2 / 24},
            "churn": {"threshold": 0.5, "max_per_year": 100},
        }
    )
    customers = CustomerBase(spec, 200, np.random.default_rng(1))
    generator = np.random.default_rng(2)
    for day in range(1, 8):
        for now in np.sort(generator.uniform((day - 1) * 1440, day * 1440, 40)):
            customer = customers.pick(float(generator.random()))
            customers.update(customer, float(generator.choice([0.0, 0.9])), float(now))
        customers.daily_update(day * MINUTES_PER_DAY, MINUTES_PER_DAY)
    now = 7 * MINUTES_PER_DAY + 30
    active = customers.active_customers().tolist()
    exact = np.mean([customers.trust_of(customer, now) for customer in active])
    assert customers.mean_trust(now) == pytest.approx(exact, rel=1e-9)
    assert np.isfinite(customers.scaled).all()


def test_an_arriving_contact_comes_from_an_active_customer_chosen_uniformly() -> None:
    spec = Customers.model_validate({"population": 10})
    customers = CustomerBase(spec, 10, np.random.default_rng(0))
    for gone in (2, 5, 6, 9):
        customers._remove(gone)
    generator = np.random.default_rng(3)
    draws = [customers.draw(0.0, float(u)) for u in generator.random(60_000)]
    counts = np.bincount(draws, minlength=10)
    assert counts[[2, 5, 6, 9]].sum() == 0
    assert counts[[0, 1, 3, 4, 7, 8]] == pytest.approx([10_000] * 6, rel=0.05)
    assert customers.draw(0.7, 0.5) == -1, "thinned: 6 of 10 active, 0.7 x 10 >= 6"


def test_a_refused_request_for_a_person_scores_its_own_score_without_the_empathy_gap() -> None:
    """``refused_human`` already prices in the missing person: no empathy gap on top."""
    csat = Customers.model_validate({}).csat
    scorer = CsatScorer(csat, [0.1, 0.8])
    assert scorer.score(REFUSED_HUMAN, 1, 0.0, 1) == pytest.approx(0.10)
    assert scorer.score(REFUSED_HUMAN, 0, 0.0, 1) == pytest.approx(0.10)
    assert scorer.score(RESOLVED_BY_AI, 1, 0.0, 1) == pytest.approx(0.80 - 0.30 * 0.8)
    assert scorer.score(FALSE_RESOLVED, 1, 0.0, 1) == pytest.approx(0.80 - 0.30 * 0.8)
    assert scorer.score(RESOLVED_BY_HUMAN, 1, 0.0, 1) == pytest.approx(0.85)


def _one_customer(outcome: str) -> dict[str, Any]:
    """One customer, every contact to the AI with one outcome, trust set by the last contact."""
    return {
        "customers.population": 1,
        "customers.recontact": {},
        "customers.churn": None,
        "customers.trust": {"learning_rate": 1.0, "half_life_days": 1e9},
        "ai.share": 1.0,
        "ai.outcomes.default": {outcome: 1.0},
        "experiment.horizon_days": 2,
    }


def test_a_false_resolution_that_never_comes_back_costs_trust() -> None:
    """Learning rate 1, no decay: trust is the last score the customer gave. A silent false
    resolution ends at ``false_resolution_discovered``; a true one at the AI's score."""
    silent = summary(_one_customer("false_resolve"))
    assert silent["ai_false_resolved"] > 0 == silent["recontacts"]
    assert silent["trust_mean_end"] == pytest.approx(0.05, abs=1e-9)
    resolved = summary(_one_customer("resolve"))
    dispute_or_routine = {0.80 - 0.30 * 0.1, 0.80 - 0.30 * 0.8}
    assert any(resolved["trust_mean_end"] == pytest.approx(x) for x in dispute_or_routine)


def _returning(probability: float, bill_returned: bool) -> dict[str, Any]:
    """False resolutions that come back a minute later with ``probability``; nobody churns."""
    recontact = copy.deepcopy(BASE["customers"]["recontact"])
    recontact["false_resolved"] = {
        "probability": probability,
        "delay_hours": {"dist": "deterministic", "value": 1 / 60},
    }
    return {
        "customers.recontact": recontact,
        "customers.churn": None,
        "ai.pricing.bill_returned_false_resolutions": bill_returned,
    }


def test_false_resolutions_that_come_back_are_counted_and_may_be_taken_back() -> None:
    """All come back a minute later: every one is counted returned (but those still away at
    the end) and, when returned ones are not billed, only true resolutions are."""
    billed = summary(_returning(1.0, True))
    refunded = summary(_returning(1.0, False))
    assert refunded["contacts"] == billed["contacts"], "billing moves money, not contacts"
    returned = billed["ai_false_resolved_returned"]
    assert billed["ai_false_resolved"] - 2 <= returned <= billed["ai_false_resolved"]
    assert returned > 100
    assert billed["cost_ai"] - refunded["cost_ai"] == pytest.approx(0.99 * returned)
    months = 5 * MINUTES_PER_DAY / MINUTES_PER_MONTH
    resolutions = refunded["ai_resolved"] + refunded["ai_false_resolved"] - returned
    expected = refunded["ai_contacts"] * 0.3 + resolutions * 0.99 + 5000 * months
    assert refunded["cost_ai"] == pytest.approx(expected, rel=1e-12)
    silent = summary(_returning(0.0, False))
    assert silent["ai_false_resolved_returned"] == 0 < silent["ai_false_resolved"]
