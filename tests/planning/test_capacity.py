"""The capacity plan: the conditions in force each month, and a two-month plan end to end."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import klarsim
from klarsim.config import Scenario
from klarsim.config.ai import AI
from klarsim.config.workforce import EmployeePool, GigPool
from klarsim.planning.capacity import CAPACITY_COLUMNS
from klarsim.planning.conditions import conditions_at, months
from klarsim.planning.following import following_scenario
from klarsim.results import files
from klarsim.units import DAYS_PER_MONTH, DAYS_PER_YEAR
from tests.support.builders import CHAT, centre, employees, gig, scenario

pytestmark = pytest.mark.unit

AI_SECTION = {
    "share": 0.0,
    "handle_time_min": {"dist": "exponential", "mean": 1.0},
    "outcomes": {"default": {"resolve": 0.6, "escalate": 0.4}},
}


def timeline_centre(timeline: list[dict[str, Any]], **sections: Any) -> Scenario:
    """A 120-day centre with an AI tier, an employee pool, a gig pool and a timeline."""
    pools = {"staff": employees(10), "gig": gig(5, 0.2, onboarding_days=10)}
    data = centre(pools, days=120, ai=AI_SECTION, timeline=timeline, **sections)
    return scenario(data)


def ai_at(scenario: Scenario, day: float) -> AI:
    """The AI section in force on ``day``."""
    ai = conditions_at(scenario, day).ai
    assert ai is not None
    return ai


def employees_at(scenario: Scenario, day: float) -> EmployeePool:
    """The employee pool as it stands on ``day``."""
    pool = conditions_at(scenario, day).pools["staff"]
    assert isinstance(pool, EmployeePool)
    return pool


def gig_at(scenario: Scenario, day: float) -> GigPool:
    """The gig pool as it stands on ``day``."""
    pool = conditions_at(scenario, day).pools["gig"]
    assert isinstance(pool, GigPool)
    return pool


def test_months_are_calendar_months_from_the_start_date_else_blocks_of_30_4_days() -> None:
    plain = timeline_centre([])
    blocks = months(plain)
    assert [m.label for m in blocks] == ["1", "2", "3", "4"]
    assert blocks[1].start_day == pytest.approx(DAYS_PER_MONTH)
    assert blocks[-1].end_day == 120
    dated = timeline_centre([], experiment={"horizon_days": 120, "start_date": "2024-01-15"})
    calendar = months(dated)
    assert [m.label for m in calendar] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    assert [(m.start_day, m.end_day) for m in calendar[:2]] == [(0, 17), (17, 46)]
    assert calendar[-1].end_day == 120


def test_a_ramp_counts_at_the_value_of_its_last_step_and_a_set_from_its_day() -> None:
    timeline = [
        {"day": 30, "action": "ramp", "key": "ai.share", "end_value": 0.6, "end_day": 60},
        {"day": 45, "action": "set", "key": "ai.excluded_intents", "value": ["general"]},
        {"day": 70, "action": "set", "key": "pools.staff.cost_per_hour", "value": 50},
    ]
    base = timeline_centre(timeline)
    shares = [ai_at(base, day).share for day in (10, 30, 45.5, 59.9, 60, 100)]
    assert shares == pytest.approx([0.0, 0.0, 0.3, 0.58, 0.6, 0.6])
    assert ai_at(base, 44).excluded_intents == []
    assert ai_at(base, 46).excluded_intents == ["general"]
    assert [employees_at(base, day).cost_per_hour for day in (69, 71)] == [40, 50]
    assert conditions_at(base, 71).timeline == []


def test_a_set_stops_a_ramp_and_a_later_ramp_starts_from_the_value_in_force() -> None:
    timeline = [
        {"day": 10, "action": "ramp", "key": "ai.share", "end_value": 0.8, "end_day": 50},
        {"day": 20, "action": "set", "key": "ai.share", "value": 0.1},
        {"day": 60, "action": "ramp", "key": "ai.share", "end_value": 0.5, "end_day": 70},
    ]
    base = timeline_centre(timeline)
    shares = [ai_at(base, day).share for day in (30, 65, 80)]
    assert shares == pytest.approx([0.1, 0.3, 0.5])


def test_growth_scales_the_volume_to_the_day_and_is_then_spent() -> None:
    demand = {"contacts_per_day": 1000, "growth_per_year": 0.2, "intents": {"general": CHAT}}
    grown = timeline_centre([], demand=demand)
    at = conditions_at(grown, 100)
    assert at.demand.contacts_per_day == pytest.approx(1000 * 1.2 ** (100 / DAYS_PER_YEAR))
    assert at.demand.growth_per_year == 0


def test_employee_headcount_actions_keep_the_requirement_and_gig_hires_count_once_onboarded() -> (
    None
):
    timeline = [
        {"day": 20, "action": "layoff", "pool": "staff", "count": 4},
        {"day": 20, "action": "freeze", "pool": "staff"},
        {"day": 30, "action": "hire", "pool": "gig", "count": 7},
        {"day": 50, "action": "hire", "pool": "gig", "count": 2},
    ]
    base = timeline_centre(timeline)
    assert conditions_at(base, 60).pools["staff"] == base.pools["staff"]
    supply = [gig_at(base, day).registered for day in (35, 45, 55)]
    assert supply == [5, 12, 12]


def test_ai_updates_change_the_outcomes_in_force() -> None:
    update = {"resolve": 0.9, "escalate": 0.1}
    timeline = [{"day": 40, "action": "ai_update", "outcomes": {"general": update}}]
    base = timeline_centre(timeline)
    before, after = ai_at(base, 39), ai_at(base, 41)
    assert "general" not in before.outcomes
    assert after.outcomes["general"].resolve == 0.9


def test_two_months_end_to_end_write_the_capacity_table(tmp_path: Path) -> None:
    timeline = [
        {"day": 20, "action": "set", "key": "ai.share", "value": 0.5},
        {"day": 40, "action": "layoff", "pool": "staff", "count": 3},
    ]
    data = centre(
        {"staff": employees(8, shrinkage=0.2)},
        days=56,
        warmup_days=0.5,
        volume=800,
        patience_min=3,
        ai=AI_SECTION,
        timeline=timeline,
        experiment={
            "horizon_days": 56,
            "warmup_days": 0.5,
            "seed": 3,
            "interval_min": 120,
            "start_date": datetime.date(2024, 3, 4),
        },
    )
    plan = klarsim.PlanOptions(["service_level=0.8"], days=7, max_iterations=2)
    result = klarsim.capacity(scenario(data), plan, reps=1, out=tmp_path / "capacity")
    table = result.capacity
    assert list(table.columns) == list(CAPACITY_COLUMNS)
    assert list(table["month"]) == ["2024-03", "2024-04"]
    assert set(table["pool"]) == {"staff"}
    march, april = table.iloc[0], table.iloc[1]
    assert april["required_fte"] < march["required_fte"]  # half the chats go to the AI
    assert march["headcount"] == pytest.approx(8)
    assert 5 <= april["headcount"] < 8  # the layoff on 13 April
    shifts = result.plans["2024-03"].shifts
    weekly = float((shifts["agents"] * shifts["length_hours"]).sum())
    assert march["rostered_hours"] == pytest.approx(weekly * 28 / 7)
    assert march["cost"] == pytest.approx(march["rostered_hours"] * 40)
    assert 0 < march["service_level"] <= 1 and not math.isnan(april["service_level"])
    written = pd.read_csv(tmp_path / "capacity" / files.CAPACITY)
    assert list(written.columns) == list(CAPACITY_COLUMNS)
    runs = sorted(p.parent.name for p in (tmp_path / "capacity" / files.RUNS).rglob("*.zip"))
    assert "point-0000" in runs and "point-0100" in runs  # each month keeps its own checkpoints
    following = klarsim.load_scenario(tmp_path / "capacity" / files.FOLLOWING)
    staff = following.pools["staff"]
    assert staff.headcount == math.ceil(march["required_fte"])
    replaced = [a for a in following.timeline if a.action == "layoff" and a.day == 40]
    assert not replaced  # the scenario's own layoff gives way to the plan's path


def test_the_following_scenario_hires_ahead_by_the_lead_time_and_lays_off_on_the_month() -> None:
    """Needs of 10, 10, 14, 8, 8 people; hiring takes 30 days and training 21."""
    timeline = [
        {"day": 20, "action": "layoff", "pool": "staff", "count": 4},
        {"day": 25, "action": "freeze", "pool": "staff"},
        {"day": 30, "action": "set", "key": "ai.share", "value": 0.5},
    ]
    data = centre(
        {"staff": employees(12, hiring={"time_to_hire_days": 30, "training_days": 21})},
        days=150,
        ai=AI_SECTION,
        timeline=timeline,
    )
    base = scenario(data)
    spans = months(base)
    needs = [10, 10, 14, 8, 8]
    table = pd.DataFrame(
        {"month": [m.label for m in spans], "pool": "staff", "required_fte": needs}
    )
    following = following_scenario(base, spans, table, ["staff"])
    staff = following.pools["staff"]
    assert isinstance(staff, EmployeePool)
    assert (staff.headcount, staff.target_headcount, staff.frozen) == (10, 10, False)
    actions = [a.model_dump(exclude_none=True, exclude_defaults=True) for a in following.timeline]
    month_2, month_3 = spans[2].start_day, spans[3].start_day
    assert [a for a in actions if a["action"] != "set" or "staff" in a["key"]] == [
        {
            "day": pytest.approx(month_2 - 51),
            "action": "set",
            "key": "pools.staff.target_headcount",
            "value": 14,
        },
        {"day": pytest.approx(month_3), "action": "layoff", "pool": "staff", "count": 6},
        {
            "day": pytest.approx(month_3),
            "action": "set",
            "key": "pools.staff.target_headcount",
            "value": 8,
        },
    ]
    assert any(a.get("key") == "ai.share" for a in actions)  # other actions stay


def test_the_following_scenario_runs_on_the_planned_headcount_path() -> None:
    data = centre(
        {"staff": employees(12, hiring={"time_to_hire_days": 10, "training_days": 5})},
        days=150,
        experiment={"horizon_days": 150, "interval_min": 1440, "seed": 2},
    )
    base = scenario(data)
    spans = months(base)
    table = pd.DataFrame(
        {"month": [m.label for m in spans], "pool": "staff", "required_fte": [10, 10, 14, 8, 8]}
    )
    run = klarsim.simulate(following_scenario(base, spans, table, ["staff"]))
    series = run.timeseries
    headcount = dict(zip(series["time_days"], series["headcount_staff"], strict=True))
    assert headcount[float(round(spans[2].start_day) + 1)] == pytest.approx(14)
    assert headcount[float(round(spans[3].start_day) + 2)] == pytest.approx(8)


def test_bad_options_and_off_grid_shifts_are_refused_before_anything_runs(tmp_path: Path) -> None:
    base = timeline_centre([], experiment={"horizon_days": 120, "interval_min": 120})
    too_many = klarsim.PlanOptions(["service_level=0.8"], days=7, max_iterations=100)
    with pytest.raises(klarsim.ScenarioError, match="iterations"):
        klarsim.capacity(base, too_many, out=tmp_path / "many")
    odd = {"pools.staff.shift_templates": [{"length_hours": 8, "start_hours": [1]}]}
    plan = klarsim.PlanOptions(["service_level=0.8"], days=7)
    with pytest.raises(klarsim.ScenarioError, match="shift_templates"):
        klarsim.capacity(base, plan, overrides=odd, out=tmp_path / "odd")
    assert not list(tmp_path.iterdir())
