"""Employee pools over time: rosters, shrinkage, attrition, hiring, freezes and layoffs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from klarsim.config.roster import WeeklySchedule
from klarsim.config.workforce import Roster
from tests.support.builders import centre, employees, events, run, timeseries

pytestmark = pytest.mark.unit

SHIFTS = [
    {"start_hour": 8, "length_hours": 8, "days": ["mon", "tue", "wed", "thu", "fri"], "agents": 20},
    {
        "start_hour": 16,
        "length_hours": 8,
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "agents": 10,
    },
    {"start_hour": 10, "length_hours": 8, "days": ["sat", "sun"], "agents": 5},
]


def expected_roster(hour_of_week: int) -> float:
    """Agents the shifts above roster in an hour of the week."""
    day, hour = divmod(hour_of_week, 24)
    if day < 5:
        return 20 if 8 <= hour < 16 else 10 if 16 <= hour < 24 else 0
    return 5 if 10 <= hour < 18 else 0


def test_shift_templates_build_the_weekly_schedule() -> None:
    schedule = WeeklySchedule.of(Roster(shifts=SHIFTS))
    for hour in range(168):
        assert schedule.at(hour * 60 + 30) == expected_roster(hour), hour


def test_a_night_shift_on_sunday_runs_into_monday() -> None:
    night = {"start_hour": 22, "length_hours": 8, "days": ["sun"], "agents": 3}
    schedule = WeeklySchedule.of(Roster(shifts=[night]))
    assert schedule.at(6 * 1440 + 23 * 60) == 3  # Sunday 23:00
    assert schedule.at(5 * 60) == 3  # Monday 05:00
    assert schedule.at(6 * 60) == 0  # Monday 06:00
    assert schedule.next_change(6 * 1440 + 23 * 60) == 7 * 1440  # the week wraps at midnight


@pytest.mark.parametrize("form", ["shifts", "hours_of_week"])
def test_a_roster_reproduces_its_staffed_agent_profile(form: str) -> None:
    roster = (
        {"shifts": SHIFTS}
        if form == "shifts"
        else {"hours_of_week": [expected_roster(h) for h in range(168)]}
    )
    # 1,280 rostered hours a week over 40 contract hours: the roster implies 32 people.
    pool = employees(32, roster=roster, shrinkage=0.2, cost_per_hour=40)
    result = run(centre({"staff": pool}, days=14, volume=2))
    table = timeseries(result)
    on_duty = [round(expected_roster(h % 168) * 0.8 + 1e-9) for h in range(14 * 24)]
    # Two contacts a day barely occupy anyone, so staffing follows the roster exactly.
    assert np.abs(table["staffed_agents_staff"].to_numpy() - on_duty).max() < 0.2
    rostered_hours = sum(expected_roster(h % 168) for h in range(14 * 24))
    assert result.summary["employee_hours"] == pytest.approx(rostered_hours)
    assert result.summary["cost_employee"] == pytest.approx(40 * rostered_hours)


def test_a_roster_drawn_for_fewer_people_than_its_peak_is_rejected() -> None:
    from klarsim.config import ScenarioError, parse_scenario

    pool = employees(10, roster={"shifts": SHIFTS, "for_headcount": 12})
    with pytest.raises(
        ScenarioError,
        match=r"pools.staff.roster.for_headcount: expected at least the roster's peak \(20 ",
    ):
        parse_scenario(centre({"staff": pool}))


def test_attrition_over_a_year_matches_the_yearly_rate() -> None:
    pool = employees(2000, attrition_per_year=0.3, frozen=True)
    data = centre({"staff": pool}, days=365, volume=10)
    data["experiment"]["interval_min"] = 1440
    result = run(data)
    expected = 2000 * -math.expm1(-0.3)  # nobody replaced: survivors decay exponentially
    spread = math.sqrt(2000 * 0.26 * 0.74)
    assert abs(result.summary["quits"] - expected) < 4 * spread
    assert result.summary["employees_end"] == 2000 - result.summary["quits"]
    assert result.summary["hires"] == 0


def test_leavers_are_replaced_up_to_the_target() -> None:
    hiring = {"time_to_hire_days": 10, "training_days": 5}
    pool = employees(500, attrition_per_year=0.4, hiring=hiring)
    data = centre({"staff": pool}, days=365, volume=10)
    data["experiment"]["interval_min"] = 1440
    result = run(data)
    quits = result.summary["quits"]
    assert abs(quits - 0.4 * 500) < 4 * math.sqrt(0.4 * 500)  # the headcount stays near 500
    assert 0 < result.summary["hires"] <= quits
    assert result.summary["employees_end"] + 20 >= 500  # only the pipeline is missing


def test_a_hire_serves_after_hiring_and_training_and_speeds_up_over_the_ramp() -> None:
    hiring = {
        "time_to_hire_days": 5,
        "training_days": 10,
        "ramp_days": 20,
        "ramp_start_multiplier": 2.0,
        "cost_per_hire": 1000,
        "training_cost": 500,
        "trainee_paid_hours_per_week": 40,
    }
    pool = employees(0, target_headcount=1, hiring=hiring, cost_per_hour=42)
    data = centre({"staff": pool}, days=45, volume=20, patience_min=30)
    data["demand"]["intents"]["general"]["handle_time_min"] = {"dist": "deterministic", "value": 10}
    result = run(data, contacts=True)
    log = result.contacts
    assert log is not None
    served = [i for i, pool_name in enumerate(log["pool"]) if pool_name == "staff"]
    starts = np.array([log["arrival_min"][i] + log["wait_min"][i] for i in served]) / 1440
    factors = np.array([log["service_min"][i] / log["handle_min"][i] for i in served])
    assert starts.min() >= 15.0, "no contact before hiring (5 days) plus training (10 days)"
    expected = np.where(starts < 35.0, 1.0 + (35.0 - starts) / 20.0, 1.0)
    assert np.allclose(factors, expected)
    assert factors[starts < 16].min() > 1.9 and factors[starts > 35].max() == 1.0
    wages = 42 * 40 / 7 * 10  # ten days of training at 40 paid hours a week
    assert result.summary["cost_hiring"] == pytest.approx(1500 + wages)
    assert result.summary["hires"] == 1


def test_a_freeze_stops_replacements() -> None:
    pool = employees(300, attrition_per_year=0.6, hiring={"time_to_hire_days": 3})
    frozen = centre(
        {"staff": pool},
        days=60,
        volume=10,
        timeline=[{"day": 10, "action": "freeze", "pool": "staff"}],
    )
    free = centre({"staff": pool}, days=60, volume=10)
    table = timeseries(run(frozen))
    after = table["time_days"] >= 10
    assert table.loc[~after, "hires"].sum() > 0
    assert table.loc[after, "hires"].sum() == 0
    assert table["headcount_staff"].iloc[-1] < 300 - 10
    assert timeseries(run(free)).loc[after, "hires"].sum() > 0


def test_a_layoff_drops_the_headcount_on_the_date_and_pays_severance() -> None:
    pool = employees(100, severance_per_head=8000)
    data = centre(
        {"staff": pool},
        days=30,
        volume=500,
        timeline=[{"day": 20, "action": "layoff", "pool": "staff", "count": 30}],
    )
    result = run(data)
    table = timeseries(result)
    before, after = table[table["time_days"] < 19.9], table[table["time_days"] >= 20]
    assert (before["headcount_staff"] == 100).all()
    assert (after["headcount_staff"] == 70).all(), "the target fell too: nobody is rehired"
    assert after["staffed_agents_staff"].iloc[2:].max() <= 70
    assert result.summary["laid_off"] == 30
    assert result.summary["cost_severance"] == 30 * 8000
    log = events(result)
    assert log[["time_days", "action", "target", "value"]].values.tolist() == [
        [20.0, "layoff", "staff", 30]
    ]


def test_fractional_staffing_is_rounded_at_random_so_small_pools_keep_it_on_average() -> None:
    quarter = employees(1, roster={"hours_of_week": [0.25] * 168, "for_headcount": 1})
    shrunk = employees(10, shrinkage=0.27)
    table = timeseries(run(centre({"small": quarter, "shrunk": shrunk}, days=14, volume=2)))
    hours = len(table)
    assert table["staffed_agents_small"].mean() == pytest.approx(
        0.25, abs=4 * (0.19 / hours) ** 0.5
    )
    assert table["staffed_agents_shrunk"].mean() == pytest.approx(
        7.3, abs=4 * (0.21 / hours) ** 0.5
    )
    assert set(table["staffed_agents_shrunk"].round(6)) <= {7.0, 8.0}
