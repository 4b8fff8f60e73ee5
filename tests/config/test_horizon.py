"""Quick looks: a horizon given as an override drops the dated items past it, with a warning."""

from __future__ import annotations

from typing import Any

import pytest

from klarsim.config import ScenarioError, parse_scenario
from klarsim.config.horizon import ScenarioWarning
from klarsim.config.timeline import Hire, Ramp
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit


def dated() -> dict[str, Any]:
    """A 60-day centre with a hire on day 10, a ramp from day 20 to 50 and a layoff on day 40,
    a guardrail from day 45 and an AI outage on day 30."""
    return centre(
        {"staff": employees(20, attrition_per_year=0.2)},
        days=60,
        volume=200,
        timeline=[
            {"day": 10, "action": "hire", "pool": "staff", "count": 2},
            {"day": 20, "action": "ramp", "key": "ai.share", "end_value": 0.5, "end_day": 50},
            {"day": 40, "action": "layoff", "pool": "staff", "count": 5},
        ],
        guardrails=[
            {
                "name": "floor",
                "metric": "service_level",
                "below": 0.5,
                "start_day": 45,
                "then": {"action": "lower_ai_share", "step": 0.1},
            }
        ],
        ai={
            "share": 0.2,
            "handle_time_min": {"dist": "exponential", "mean": 3},
            "outcomes": {"default": {"resolve": 1.0}},
            "outages": [{"start_day": 30, "duration_hours": 4}],
        },
    )


def test_a_shorter_horizon_override_drops_what_starts_past_it_and_says_so() -> None:
    with pytest.warns(ScenarioWarning) as caught:
        scenario = parse_scenario(dated(), overrides=["experiment.horizon_days=35"])
    assert [type(action) for action in scenario.timeline] == [Hire, Ramp]
    assert scenario.guardrails == []
    assert scenario.ai is not None and len(scenario.ai.outages) == 1  # day 30: inside 35 days
    messages = [str(warning.message) for warning in caught]
    dropped = next(message for message in messages if "dropped" in message)
    assert "experiment.horizon_days=35" in dropped
    assert "timeline.2 (layoff in staff on day 40)" in dropped
    assert "guardrails.0 (floor, from day 45)" in dropped
    assert "ai.outages" not in dropped


def test_a_ramp_crossing_the_new_horizon_is_kept_and_runs_unfinished() -> None:
    with pytest.warns(ScenarioWarning) as caught:
        scenario = parse_scenario(dated(), overrides={"experiment.horizon_days": 30})
    assert (
        "timeline.1 (ramp of ai.share to 0.5 by day 50) runs unfinished: the run ends on day 30"
        in [str(warning.message).partition(": ")[2] for warning in caught]
    )
    ramp = scenario.timeline[1]
    assert isinstance(ramp, Ramp) and ramp.end_day == 50
    assert scenario.ai is not None and scenario.ai.outages == []  # day 30: not before 30


def test_an_override_that_cuts_nothing_warns_of_nothing(recwarn: pytest.WarningsRecorder) -> None:
    scenario = parse_scenario(dated(), overrides=["experiment.horizon_days=90"])
    assert len(scenario.timeline) == 3
    assert not [w for w in recwarn if issubclass(w.category, ScenarioWarning)]


def test_a_file_whose_own_horizon_misses_its_timeline_stays_an_error() -> None:
    data = dated()
    data["experiment"]["horizon_days"] = 35
    with pytest.raises(ScenarioError, match=r"timeline\.2\.day: expected a day from 0"):
        parse_scenario(data)


def test_errors_after_a_cut_name_the_entry_as_the_file_numbers_it() -> None:
    """Entry 3 (a bad key) is the second kept one once entry 0 is dropped; errors say 3."""
    data = dated()
    data["timeline"].insert(0, {"day": 50, "action": "freeze", "pool": "staff"})
    data["timeline"].append({"day": 5, "action": "set", "key": "pools.staff.speed", "value": 1})
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(data, overrides=["experiment.horizon_days=35"])
    assert [problem.key for problem in raised.value.problems] == ["timeline.4.key"]
