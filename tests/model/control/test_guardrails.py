"""Guardrails: each metric can trigger, firings respect delay and cooldown, actions take effect."""

from __future__ import annotations

from typing import Any

import pytest

from klarsim.config import ScenarioError, parse_scenario
from tests.support.builders import centre, employees, events, gig, run, timeseries

pytestmark = pytest.mark.unit

AI = {
    "share": 0.8,
    "handle_time_min": {"dist": "exponential", "mean": 2.0},
    "outcomes": {"default": {"resolve": 0.5, "false_resolve": 0.2, "escalate": 0.3}},
}


def understaffed(guardrails: list[dict[str, Any]], **pools: Any) -> dict[str, Any]:
    """Five agents for 3000 chats a day: abandonment stays far above 10 %."""
    data = centre(
        {"staff": employees(5), **pools},
        days=10,
        volume=3000,
        patience_min=2,
        ai=dict(AI),
        guardrails=guardrails,
    )
    data["customers"]["population"] = 5000
    return data


def rule(metric: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": "watch",
        "metric": metric,
        "window_hours": 24,
        "evaluate_every_hours": 24,
        "then": {"action": "lower_ai_share", "step": 0.1},
        **fields,
    }


def firings(data: dict[str, Any]) -> list[float]:
    log = events(run(data))
    return log.loc[log["action"] == "fired", "time_days"].tolist() if not log.empty else []


@pytest.mark.parametrize(
    ("metric", "side", "threshold"),
    [
        ("abandonment_rate", "above", 0.1),
        ("service_level", "below", 0.9),
        ("queue_length", "above", 0.2),
        ("csat_mean", "below", 0.95),
        ("trust_mean", "below", 0.99),
    ],
)
def test_each_metric_fires_when_it_crosses_and_respects_the_cooldown(
    metric: str, side: str, threshold: float
) -> None:
    watched = rule(metric, cooldown_days=3, **{side: threshold})
    assert firings(understaffed([watched])) == [1.0, 4.0, 7.0]


@pytest.mark.parametrize(
    ("metric", "side", "threshold"),
    [
        ("abandonment_rate", "above", 0.9),
        ("service_level", "below", 0.0),
        ("csat_mean", "below", 0),
    ],
)
def test_a_rule_whose_metric_stays_on_the_good_side_never_fires(
    metric: str, side: str, threshold: float
) -> None:
    assert firings(understaffed([rule(metric, **{side: threshold})])) == []


def test_the_action_comes_after_the_reaction_delay_and_lowers_the_ai_share() -> None:
    watched = rule("abandonment_rate", above=0.1, reaction_delay_hours=6, cooldown_days=20)
    result = run(understaffed([watched]))
    log = events(result)
    assert log[["time_days", "action", "value"]].values.tolist() == [
        [1.0, "fired", pytest.approx(log["value"].iloc[0])],
        [1.25, "lower_ai_share", pytest.approx(0.7)],
    ]
    # The setting in force at each interval's end: the interval ending at day 1.25 sees it.
    setting = timeseries(result).set_index("time_days")["ai_share_setting"]
    assert setting.loc[: 1.25 - 2 / 24].eq(0.8).all()
    assert setting.loc[1.25 - 1 / 24 :].to_numpy() == pytest.approx(0.7)
    assert result.summary["guardrail_firings"] == 1


def test_a_guardrail_can_call_up_gig_agents() -> None:
    action = {"action": "call_up_gig", "pool": "crowd", "agents": 20}
    watched = rule("abandonment_rate", above=0.1, then=action, cooldown_days=20)
    data = understaffed([watched], crowd=gig(50, 0.0))
    result = run(data)
    log = events(result)
    called = log.loc[log["action"] == "call_up_gig", "value"].tolist()
    assert len(called) == 1 and 10 <= called[0] <= 20  # the default no-show chance is 20 %
    assert result.summary["gig_hours_online"] > 0


def test_a_guardrail_can_open_hiring_in_a_frozen_pool() -> None:
    action = {"action": "open_hiring", "pool": "staff", "target_headcount": 12}
    watched = rule("abandonment_rate", above=0.1, then=action, cooldown_days=20)
    data = understaffed([watched])
    data["pools"]["staff"].update(frozen=True, hiring={"time_to_hire_days": 1, "training_days": 1})
    result = run(data)
    table = timeseries(result).set_index("time_days")
    assert table.loc[:1.95, "headcount_staff"].eq(5).all()
    assert table.loc[3.5:, "headcount_staff"].eq(12).all()
    assert result.summary["hires"] == 7


def test_lowering_the_ai_share_stops_a_ramp() -> None:
    ramp = {"day": 0.5, "action": "ramp", "key": "ai.share", "end_value": 1.0, "end_day": 9}
    watched = rule("abandonment_rate", above=0.1, cooldown_days=20)
    data = understaffed([watched])
    data["timeline"] = [ramp]
    setting = timeseries(run(data)).set_index("time_days")["ai_share_setting"]
    lowered = setting.loc[1.0]
    assert (setting.loc[1.0:] == lowered).all(), "the ramp stopped at the fallback"


def test_guardrail_errors_are_clear() -> None:
    data = understaffed(
        [
            rule("trust_mean", below=0.5),
            rule(
                "csat_mean", below=0.5, then={"action": "call_up_gig", "pool": "staff", "agents": 1}
            ),
        ]
    )
    del data["customers"]["population"]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    found = {problem.key: problem.message for problem in caught.value.problems}
    assert found == {
        "guardrails.0.metric": "trust_mean needs customers.population",
        "guardrails.1.name": "expected a unique name, got 'watch' twice",
        "guardrails.1.then.pool": "call_up_gig needs a gig pool; 'staff' is not one",
    }


def test_the_fallback_never_raises_the_ai_share_and_open_hiring_never_lowers_the_target() -> None:
    below_minimum = {"action": "lower_ai_share", "step": 0.1, "minimum": 0.9}
    watched = rule("abandonment_rate", above=0.1, then=below_minimum, cooldown_days=20)
    setting = timeseries(run(understaffed([watched]))).set_index("time_days")["ai_share_setting"]
    assert setting.eq(0.8).all(), "0.8 is already under the minimum: it stays"
    lower = {"action": "open_hiring", "pool": "staff", "target_headcount": 2}
    watched = rule("abandonment_rate", above=0.1, then=lower, cooldown_days=20)
    table = timeseries(run(understaffed([watched])))
    assert table["headcount_staff"].eq(5).all()


def test_a_guardrail_can_start_on_a_date() -> None:
    watched = rule("abandonment_rate", above=0.1, cooldown_days=3, start_date="2024-01-05")
    data = understaffed([watched])
    data["experiment"]["start_date"] = "2024-01-01"
    assert firings(data) == [4.0, 7.0]
