"""The engine's core: determinism, common random numbers, routing, patience, warm-up."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import klarsim
from klarsim import simulate
from klarsim.config import Scenario, parse_scenario
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 1.5, "experiment.warmup_days": 0.5}
LUCK = ("arrival_min", "intent", "patience_min", "handle_min")


def erlang_a(changes: dict[str, Any] | None = None) -> Scenario:
    return klarsim.load_scenario(ERLANG_A, {**SHORT, **(changes or {})})


def two_intents(pools: dict[str, Any], volume: float = 2000) -> Scenario:
    return parse_scenario(
        {
            "name": "two-intents",
            "experiment": {"horizon_days": 1, "warmup_days": 0, "seed": 1},
            "demand": {
                "contacts_per_day": volume,
                "intents": {
                    "sales": {"share": 0.5, "handle_time_min": {"dist": "exponential", "mean": 4}},
                    "support": {
                        "share": 0.5,
                        "channel": "voice",
                        "handle_time_min": {"dist": "exponential", "mean": 6},
                    },
                },
            },
            "pools": pools,
        }
    )


def test_same_seed_same_numbers_and_other_replications_differ() -> None:
    scenario = erlang_a()
    first = simulate(scenario, 0, record_contacts=True)
    again = simulate(scenario, 0, record_contacts=True)
    assert repr(first.summary) == repr(again.summary)
    assert repr(first.timeseries) == repr(again.timeseries)
    assert repr(first.contacts) == repr(again.contacts)
    other = simulate(scenario, 1)
    assert other.summary["contacts"] != first.summary["contacts"]
    assert simulate(scenario, 0, seed=99).summary["asa_min"] != first.summary["asa_min"]


def test_changing_headcount_keeps_every_contacts_luck() -> None:
    """Common random numbers: a contact's attributes do not depend on the staffing."""
    logs = [
        simulate(erlang_a({"pools.staff.headcount": n}), 0, record_contacts=True).contacts
        for n in (44, 48, 60)
    ]
    assert all(log is not None for log in logs)
    base = logs[0]
    assert base is not None
    for log in logs[1:]:
        assert log is not None
        by_contact = dict(
            zip(log["contact"], zip(*(log[c] for c in LUCK), strict=True), strict=True)
        )
        base_by_contact = dict(
            zip(base["contact"], zip(*(base[c] for c in LUCK), strict=True), strict=True)
        )
        assert by_contact == base_by_contact
    waits = [np.mean(log["wait_min"]) for log in logs if log is not None]
    assert waits[0] > waits[1] > waits[2]


def test_contact_log_matches_the_summary() -> None:
    result = simulate(erlang_a(), 0, record_contacts=True)
    log, row = result.contacts, result.summary
    assert log is not None
    assert len(log["contact"]) == row["contacts"]
    assert min(log["arrival_min"]) >= 0.5 * 1440
    outcomes = log["outcome"]
    assert outcomes.count("abandoned") == row["abandoned"]
    assert outcomes.count("resolved_by_human") == row["completed"]
    assert outcomes.count("queued") == row["in_queue_end"]
    assert outcomes.count("in_service") == row["in_service_end"]
    abandoned = [
        (wait, patience)
        for wait, patience, outcome in zip(
            log["wait_min"], log["patience_min"], outcomes, strict=True
        )
        if outcome == "abandoned"
    ]
    assert all(wait == patience for wait, patience in abandoned)


def test_without_patience_nobody_abandons() -> None:
    row = simulate(erlang_a({"customers.patience_min": {}})).summary
    assert row["abandoned"] == 0
    assert row["abandonment_rate"] == 0


def test_handle_time_multiplier_scales_service() -> None:
    normal = simulate(erlang_a({"pools.staff.headcount": 200})).summary
    slow = simulate(
        erlang_a({"pools.staff.headcount": 200, "pools.staff.handle_time_multiplier": 2})
    ).summary
    assert normal["aht_min"] == pytest.approx(5.0, rel=0.03)
    assert slow["aht_min"] == pytest.approx(2 * normal["aht_min"], rel=0.03)


def test_skills_route_each_intent_to_its_pool() -> None:
    scenario = two_intents(
        {
            "sellers": {"headcount": 8, "skills": ["sales"]},
            "helpers": {"headcount": 12, "skills": ["support"]},
        }
    )
    log = simulate(scenario, record_contacts=True).contacts
    assert log is not None
    pairs = {(i, p) for i, p in zip(log["intent"], log["pool"], strict=True) if p}
    assert pairs == {("sales", "sellers"), ("support", "helpers")}


def test_pools_are_tried_in_their_declared_order() -> None:
    first_declared = two_intents(
        {
            "first": {"headcount": 30, "skills": ["sales", "support"]},
            "second": {"headcount": 30, "skills": ["sales", "support"]},
        },
        volume=500,
    )
    log = simulate(first_declared, record_contacts=True).contacts
    assert log is not None
    served = [pool for pool in log["pool"] if pool]
    assert served.count("first") > 0.98 * len(served)


def test_warm_up_contacts_are_not_counted() -> None:
    with_warmup = simulate(erlang_a()).summary
    longer = simulate(erlang_a({"experiment.warmup_days": 0})).summary
    assert with_warmup["contacts"] < 0.7 * longer["contacts"]
    ts = simulate(erlang_a()).timeseries
    assert ts["interval"][0] == 12 and len(ts["interval"]) == 24
    assert sum(ts["contacts"]) == with_warmup["contacts"]
