"""The timeline (set, ramp, AI outages and updates) and its load-time validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from klarsim.config import ScenarioError, parse_scenario
from tests.support.builders import centre, employees, events, run, timeseries

pytestmark = pytest.mark.unit

AI = {
    "share": 0.1,
    "handle_time_min": {"dist": "exponential", "mean": 2.0},
    "outcomes": {"default": {"resolve": 0.6, "escalate": 0.2, "ask_human": 0.2}},
}


def with_ai(timeline: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    data = centre({"staff": employees(20)}, volume=2000, ai=dict(AI), timeline=timeline)
    data["experiment"].update(options)
    return data


def test_a_ramp_moves_linearly_and_reaches_its_end_value_on_the_date() -> None:
    ramp = {
        "day": 2,
        "action": "ramp",
        "key": "ai.share",
        "end_value": 0.7,
        "end_day": 5,
        "step_hours": 6,
    }
    table = timeseries(run(with_ai([ramp]))).set_index("time_days")
    # The setting at an interval's end: steps every 6 hours from day 2 to day 5.
    setting = table["ai_share_setting"]
    assert setting.loc[:1.95].eq(0.1).all()
    for day in (2.25, 3.0, 3.5, 4.75):
        step_start = np.floor(day * 4) / 4  # the step in force at the end of that interval
        expected = 0.1 + 0.6 * (step_start - 2) / 3
        assert setting.loc[day - 1 / 24] == pytest.approx(expected), day
    assert setting.loc[5 - 1 / 24] == pytest.approx(0.7)
    assert setting.loc[5:].eq(0.7).all()
    share = table["ai_share"]
    assert share.loc[:1.9].mean() == pytest.approx(0.1, abs=0.02)
    assert share.loc[5:].mean() == pytest.approx(0.7, abs=0.02)


def test_a_ramp_by_dates_and_a_set_are_logged() -> None:
    timeline = [
        {
            "date": "2024-03-05",
            "action": "ramp",
            "key": "ai.share",
            "end_value": 0.5,
            "end_date": "2024-03-07",
        },
        {"day": 1.5, "action": "set", "key": "ai.human_on_request", "value": False},
    ]
    result = run(with_ai(timeline, start_date="2024-03-04"))
    log = events(result)
    assert log["action"].tolist() == ["ramp", "set", "ramp_end"]
    assert log["time_days"].tolist() == [1.0, 1.5, 3.0]
    table = timeseries(result).set_index("time_days")
    assert table["date"].iloc[0] == "2024-03-04T00:00"
    assert table.loc[:1.45, "refused_human"].sum() == 0
    assert table.loc[1.5:, "refused_human"].sum() > 0


def test_an_ai_outage_sends_everything_to_humans_for_its_duration() -> None:
    outage = {"day": 2, "action": "ai_outage", "duration_hours": 12}
    table = timeseries(run(with_ai([outage]))).set_index("time_days")
    assert table.loc[2.0 : 2.5 - 1 / 24, "ai_contacts"].sum() == 0
    assert table.loc[:1.95, "ai_contacts"].min() > 0
    assert table.loc[2.5:, "ai_contacts"].sum() > 0


def test_an_ai_update_changes_the_outcomes_from_its_date() -> None:
    update = {
        "day": 3,
        "action": "ai_update",
        "outcomes": {"default": {"resolve": 0.1, "escalate": 0.8, "ask_human": 0.1}},
    }
    data = with_ai([update])
    data["ai"]["share"] = 0.6
    table = timeseries(run(data)).set_index("time_days")
    before = table.loc[:2.9]
    after = table.loc[3.1:]
    assert before["ai_resolved"].sum() / before["ai_contacts"].sum() == pytest.approx(0.6, abs=0.03)
    assert after["ai_resolved"].sum() / after["ai_contacts"].sum() == pytest.approx(0.1, abs=0.03)


def test_a_set_stops_a_ramp_of_the_same_key() -> None:
    timeline = [
        {"day": 1, "action": "ramp", "key": "ai.share", "end_value": 0.9, "end_day": 6},
        {"day": 3, "action": "set", "key": "ai.share", "value": 0.2},
    ]
    table = timeseries(run(with_ai(timeline))).set_index("time_days")
    assert table.loc[3:, "ai_share_setting"].eq(0.2).all()


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return {problem.key: problem.message for problem in caught.value.problems}


@pytest.mark.parametrize(
    ("entry", "key", "expected"),
    [
        (
            {"day": 1, "action": "set", "key": "ai.speed", "value": 2},
            "timeline.0.key",
            "cannot change while the model runs; expected one of: ai.share",
        ),
        (
            {"day": 1, "action": "set", "key": "pools.nobody.shrinkage", "value": 0.1},
            "timeline.0.key",
            "unknown pool 'nobody'; expected one of: staff",
        ),
        (
            {"day": 1, "action": "set", "key": "ai.share", "value": 1.5},
            "timeline.0.value",
            "invalid value 1.5 for ai.share: Input should be less than or equal to 1",
        ),
        (
            {"day": 9, "action": "set", "key": "ai.share", "value": 0.5},
            "timeline.0.day",
            "expected a day from 0 to before the horizon (7 days), got 9",
        ),
        (
            {"date": "2024-01-03", "action": "freeze"},
            "timeline.0.date",
            "a date needs experiment.start_date",
        ),
        (
            {"day": 2, "action": "layoff", "pool": "staff", "count": 25},
            "timeline.0.count",
            "expected at most 20 (pool 'staff' by then), got 25",
        ),
        (
            {"day": 2, "action": "hire", "pool": "other", "count": 2},
            "timeline.0.pool",
            "unknown pool 'other'; expected one of: staff",
        ),
        (
            {
                "day": 2,
                "action": "ramp",
                "key": "ai.human_on_request",
                "end_value": 1,
                "end_day": 3,
            },
            "timeline.0.key",
            "is not a number and cannot be ramped",
        ),
        (
            {"day": 2, "action": "ramp", "key": "ai.share", "end_value": 0.5, "end_day": 1},
            "timeline.0.end_day",
            "expected the end after the start (day 2), got day 1",
        ),
        (
            {"day": 1, "action": "ai_update", "outcomes": {"default": {"resolve": 0.5}}},
            "timeline.0.outcomes.default",
            "expected probabilities that sum to 1, got 0.5",
        ),
        (
            {"day": 1, "action": "fire_everyone"},
            "timeline.0",
            "does not match any of the expected tags",
        ),
    ],
)
def test_timeline_errors_name_the_entry_and_what_was_expected(
    entry: dict[str, Any], key: str, expected: str
) -> None:
    found = problems(with_ai([entry]))
    assert key in found, found
    assert expected in found[key]


def test_layoffs_count_earlier_hires_and_layoffs() -> None:
    timeline = [
        {"day": 1, "action": "hire", "pool": "staff", "count": 10},
        {"day": 2, "action": "layoff", "pool": "staff", "count": 25},
        {"day": 3, "action": "layoff", "pool": "staff", "count": 6},
    ]
    assert problems(with_ai(timeline)) == {
        "timeline.2.count": "expected at most 5 (pool 'staff' by then), got 6"
    }


def test_the_start_date_must_be_a_monday() -> None:
    found = problems(with_ai([], start_date="2024-01-03"))
    assert found == {
        "experiment.start_date": "expected a Monday (time zero is Monday 00:00), "
        "got Wednesday 2024-01-03"
    }


def test_ai_actions_need_an_ai_section() -> None:
    data = centre(
        {"staff": employees(5)}, timeline=[{"day": 1, "action": "ai_outage", "duration_hours": 2}]
    )
    assert problems(data) == {"timeline.0.action": "ai_outage needs an ai section"}


def test_intents_can_be_excluded_from_the_ai_at_run_time() -> None:
    data = centre({"staff": employees(30)}, volume=2000, ai=dict(AI))
    data["ai"]["share"] = 1.0
    data["demand"]["intents"]["dispute"] = {
        "share": 0.5,
        "handle_time_min": {"dist": "exponential", "mean": 5.0},
    }
    data["demand"]["intents"]["general"]["share"] = 0.5
    data["pools"]["staff"]["skills"] = ["general", "dispute"]
    data["timeline"] = [
        {"day": 3, "action": "set", "key": "ai.excluded_intents", "value": ["dispute"]}
    ]
    table = timeseries(run(data)).set_index("time_days")
    assert table.loc[:2.9, "ai_share"].mean() == pytest.approx(1.0)
    assert table.loc[3:, "ai_share"].mean() == pytest.approx(0.5, abs=0.03)
    data["timeline"][0]["value"] = ["nothing"]
    assert "unknown intent 'nothing'" in problems(data)["timeline.0.value"]
