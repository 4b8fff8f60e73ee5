"""Property-based invariants over random small scenarios (hypothesis).

Whatever the scenario: contacts are conserved (every arrival ended one way or is still in
the system), issues are conserved, waits are never negative, rates are rates, and the same
seed gives the same numbers.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klarsim import simulate
from klarsim.config import parse_scenario

pytestmark = pytest.mark.property

DISTRIBUTIONS = st.one_of(
    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(0.5, 12)),
    st.builds(
        lambda m, c: {"dist": "lognormal", "mean": m, "cv": c},
        st.floats(0.5, 12),
        st.floats(0.2, 2),
    ),
    st.builds(
        lambda m, c: {"dist": "gamma", "mean": m, "cv": c}, st.floats(0.5, 12), st.floats(0.2, 2)
    ),
    st.builds(lambda v: {"dist": "deterministic", "value": v}, st.floats(0.5, 12)),
    st.builds(
        lambda a, b: {"dist": "uniform", "low": a, "high": a + b}, st.floats(0, 5), st.floats(0, 8)
    ),
    st.builds(
        lambda vs: {"dist": "empirical", "values": vs},
        st.lists(st.floats(0.1, 15), min_size=1, max_size=5),
    ),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A small random scenario in which every intent is served by some pool."""
    count = draw(st.integers(1, 3))
    names = [f"intent{i}" for i in range(count)]
    weights = draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    shares = [w / sum(weights) for w in weights[:-1]]
    shares.append(1 - sum(shares))
    intents = {
        name: {
            "share": share,
            "channel": draw(st.sampled_from(["chat", "voice"])),
            "handle_time_min": draw(DISTRIBUTIONS),
            "empathy_need": draw(st.floats(0, 1)),
        }
        for name, share in zip(names, shares, strict=True)
    }
    pools: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        skills = draw(st.lists(st.sampled_from(names), min_size=1, max_size=count, unique=True))
        pools[f"pool{index}"] = {
            "skills": skills,
            "resolution_probability": draw(st.floats(0.3, 1)),
            "concurrency": draw(st.integers(1, 3)),
            **draw(st.one_of(employee_fields(), gig_fields())),
        }
    pools["backstop"] = {
        "headcount": draw(st.integers(1, 4)),
        "skills": names,
        "concurrency": draw(st.integers(1, 3)),
    }
    interval = draw(st.sampled_from([30, 60]))
    horizon_intervals = draw(st.integers(12, 96))
    warmup_intervals = draw(st.integers(0, horizon_intervals // 2))
    data: dict[str, Any] = {
        "name": "random",
        "experiment": {
            "horizon_days": horizon_intervals * interval / 1440,
            "warmup_days": warmup_intervals * interval / 1440,
            "interval_min": interval,
            "seed": draw(st.integers(0, 1000)),
        },
        "demand": {"contacts_per_day": draw(st.floats(50, 2000)), "intents": intents},
        "customers": {
            "patience_min": draw(
                st.dictionaries(st.sampled_from(["chat", "voice"]), DISTRIBUTIONS, max_size=2)
            )
        },
        "pools": pools,
    }
    data["timeline"] = draw(timelines(data, horizon_intervals * interval / 1440))
    if draw(st.booleans()):
        data["customers"]["population"] = draw(st.integers(20, 5000))
        data["customers"]["churn"] = {"threshold": 0.7, "max_per_year": draw(st.floats(0, 50))}
        data["customers"]["recontact"] = {
            cause: {
                "probability": draw(st.floats(0, 1)),
                "delay_hours": {"dist": "exponential", "mean": 2},
            }
            for cause in ("unresolved", "abandoned", "refused", "false_resolved")
        }
    if draw(st.booleans()):
        raw = draw(st.lists(st.integers(0, 4), min_size=4, max_size=4).filter(lambda x: sum(x) > 0))
        resolve, false, escalate, ask = (value / sum(raw) for value in raw)
        data["ai"] = {
            "share": draw(st.floats(0, 1)),
            "handle_time_min": draw(DISTRIBUTIONS),
            "concurrency": draw(st.one_of(st.none(), st.integers(1, 5))),
            "when_full": draw(st.sampled_from(["wait", "human"])),
            "human_on_request": draw(st.booleans()),
            "outcomes": {
                "default": {
                    "resolve": resolve,
                    "false_resolve": false,
                    "escalate": escalate,
                    "ask_human": ask,
                }
            },
        }
    return data


@st.composite
def employee_fields(draw: st.DrawFn) -> dict[str, Any]:
    """An employee pool: maybe a shift roster, shrinkage, attrition and a quick pipeline."""
    headcount = draw(st.integers(0, 6))
    fields: dict[str, Any] = {"kind": "employee", "headcount": headcount}
    if headcount and draw(st.booleans()):
        shift = {
            "start_hour": draw(st.integers(0, 23)),
            "length_hours": draw(st.integers(1, 12)),
            "agents": draw(st.integers(0, headcount)),
        }
        fields["roster"] = {"shifts": [shift]}
    fields["shrinkage"] = draw(st.sampled_from([0.0, 0.3]))
    fields["attrition_per_year"] = draw(st.sampled_from([0.0, 20.0]))
    fields["hiring"] = {"time_to_hire_days": 0.1, "training_days": 0.1, "ramp_days": 0.2}
    return fields


@st.composite
def gig_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A gig pool: online by blocks, maybe an overflow rule and a call-up."""
    fields: dict[str, Any] = {
        "kind": "gig",
        "registered": draw(st.integers(0, 8)),
        "online_probability": draw(st.floats(0, 1)),
        "block_min": draw(st.sampled_from([15, 30])),
        "pay": {
            "per_engaged_min": 0.3,
            "guaranteed_per_online_hour": draw(st.sampled_from([0, 9])),
        },
    }
    if draw(st.booleans()):
        fields["overflow_wait_min"] = draw(st.floats(0.1, 5))
    if draw(st.booleans()):
        fields["call_up"] = {"queue_threshold": draw(st.integers(1, 5)), "agents": 3}
    return fields


@st.composite
def timelines(draw: st.DrawFn, data: dict[str, Any], horizon_days: float) -> list[Any]:
    """A few dated workforce actions on the backstop pool."""
    when = st.floats(0, horizon_days * 0.99)
    headcount = data["pools"]["backstop"]["headcount"]
    actions = [
        {"action": "hire", "pool": "backstop", "count": draw(st.integers(1, 3))},
        {"action": "freeze", "pool": "backstop"},
        {"action": "unfreeze"},
        {"action": "set", "key": "pools.backstop.target_headcount", "value": 3},
    ]
    chosen = draw(st.lists(st.sampled_from(actions), max_size=3))
    layoff = {"action": "layoff", "pool": "backstop", "count": headcount}
    return [{**action, "day": draw(when)} for action in [*chosen, layoff]]


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_contacts_and_issues_are_conserved(data: dict[str, Any]) -> None:
    result = simulate(parse_scenario(data), record_contacts=True)
    row = result.summary
    ended_by_ai = row["ai_resolved"] + row["ai_false_resolved"] + row["refused_human"]
    assert (
        row["contacts"] == ended_by_ai + row["completed"] + row["abandoned"] + row["in_system_end"]
    )
    assert row["offered_human"] == row["answered"] + row["abandoned"] + row["in_queue_end"]
    assert row["answered"] == row["completed"] + row["in_service_end"]
    assert (
        row["issues_created"]
        == row["issues_resolved"] + row["issues_lost"] + row["issues_open_end"]
    )
    assert row["contacts"] == row["issues_created"] + row["recontacts"]
    log = result.contacts
    assert log is not None and len(log["contact"]) == row["contacts"]
    assert all(wait >= 0 for wait in log["wait_min"])
    for wait, patience, outcome in zip(
        log["wait_min"], log["patience_min"], log["outcome"], strict=True
    ):
        if outcome == "abandoned":
            assert wait == patience
    for kpi in (
        "abandonment_rate",
        "p_wait",
        "service_level",
        "ai_share",
        "fcr",
        "csat_mean",
        "churn_rate",
    ):
        assert math.isnan(row[kpi]) or 0 <= row[kpi] <= 1, kpi
    assert math.isnan(row["occupancy"]) or row["occupancy"] <= 1 + 1e-9
    if not math.isnan(row["occupancy"]):  # pools of different concurrency: no order with it
        assert 0 <= row["slot_utilisation"] <= 1 + 1e-9
    assert row["asa_min"] >= 0 or math.isnan(row["asa_min"])
    assert row["cost_human"] >= 0 and row["employees_end"] >= 0


@settings(max_examples=15, deadline=None)
@given(scenarios())
def test_the_same_seed_gives_the_same_numbers(data: dict[str, Any]) -> None:
    scenario = parse_scenario(data)
    assert repr(simulate(scenario).summary) == repr(simulate(scenario).summary)
