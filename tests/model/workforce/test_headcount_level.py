"""A rostered pool's headcount sets its level of staffing; the roster gives the shape."""

from __future__ import annotations

import pytest

import klarsim
from klarsim.config import ScenarioError, load_scenario, parse_scenario
from klarsim.config.horizon import ScenarioWarning
from klarsim.config.roster import WeeklySchedule, reference_headcount
from klarsim.config.workforce import EmployeePool, Roster, ShiftTemplate
from klarsim.planning.shifts import schedule_shifts
from klarsim.planning.staff import planned_scenario
from tests.support import ROOT
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit

TEN_ALL_WEEK = {"hours_of_week": [10.0] * 168}
"""1,680 agent-hours a week: at 40 contract hours, drawn for 42 people."""


def test_a_roster_is_drawn_for_the_people_its_paid_hours_imply() -> None:
    assert reference_headcount(Roster.model_validate(TEN_ALL_WEEK)) == pytest.approx(42.0)


def test_for_headcount_names_the_reference_outright() -> None:
    roster = Roster.model_validate({**TEN_ALL_WEEK, "for_headcount": 50})
    assert reference_headcount(roster) == 50.0


def test_a_short_roster_is_drawn_for_at_least_its_peak() -> None:
    """Four hours on Mondays imply a tenth of a person each; no hour staffs more than there are."""
    monday_morning = {
        "shifts": [{"start_hour": 8, "length_hours": 4, "days": ["mon"], "agents": 9}]
    }
    assert reference_headcount(Roster.model_validate(monday_morning)) == 9.0


def test_the_klarna_roster_is_drawn_for_its_headcount() -> None:
    """1,570 agents start a shift each day: 87,920 paid hours a week, 2,198 people at 40 h."""
    scenario = load_scenario(ROOT / "scenarios/klarna/2023_human_centre.yaml")
    pool = scenario.pools["agents"]
    assert isinstance(pool.roster, Roster)
    assert WeeklySchedule.of(pool.roster).agent_hours() == pytest.approx(87_920.0)
    assert reference_headcount(pool.roster) == pytest.approx(2_198.0)


def test_a_for_headcount_below_the_peak_is_refused() -> None:
    pool = employees(42, roster={**TEN_ALL_WEEK, "for_headcount": 8})
    with pytest.raises(ScenarioError, match=r"pools\.staff\.roster\.for_headcount"):
        parse_scenario(centre({"staff": pool}))


@pytest.mark.directional
def test_a_headcount_sweep_moves_agents_on_duty_and_the_service_level() -> None:
    """Half, all and one and a half times the roster's 42 people: paid hours in proportion,
    and the service level rises with every step (offered load 6.9 Erlangs)."""
    data = centre({"staff": employees(42, roster=TEN_ALL_WEEK)}, days=7, volume=2000)
    points = [{"pools.staff.headcount": people} for people in (21, 42, 63)]
    with pytest.warns(ScenarioWarning) as caught:
        result = klarsim.sweep(parse_scenario(data), points=points, reps=2)
    assert [str(warning.message).rpartition(" x ")[2] for warning in caught] == ["0.50", "1.50"]
    runs = result.runs.groupby("pools.staff.headcount").mean(numeric_only=True)
    assert runs["employee_hours"].tolist() == pytest.approx([840.0, 1680.0, 2520.0])
    levels = runs["service_level"].tolist()
    assert levels[0] < 0.2 < levels[1] < levels[2]
    assert levels[2] > 0.95


def test_the_planners_scenario_runs_its_roster_at_the_planned_headcount() -> None:
    """Ten agents all week on day-long shifts at 48 contract hours: 35 people (the roster
    alone implies 42 at 40 h), and the written roster is drawn for those 35."""
    data = centre({"staff": employees(10)})
    data["experiment"]["interval_min"] = 1440
    base = parse_scenario(data)
    template = ShiftTemplate(length_hours=24, start_hours=[0])
    schedule = schedule_shifts(
        [10] * 7,
        interval_min=1440,
        templates=[template],
        shrinkage=0.0,
        cost_per_hour=40,
        pool="staff",
    )
    pool = planned_scenario(base, {"staff": schedule}, contract_hours=48).pools["staff"]
    assert isinstance(pool, EmployeePool) and isinstance(pool.roster, Roster)
    assert pool.headcount == 35
    assert reference_headcount(pool.roster) == 35
