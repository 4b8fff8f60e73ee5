"""experiment.scale: a smaller centre for fast what-ifs, with volumes and costs extrapolated."""

from __future__ import annotations

import pytest

import klarsim
from klarsim.config.scale import scaled
from klarsim.config.workforce import EmployeePool, Roster
from tests.support import ROOT

pytestmark = pytest.mark.unit

EXAMPLES = ROOT / "scenarios" / "examples"


def test_scale_multiplies_the_size_of_the_centre() -> None:
    base = klarsim.load_scenario(EXAMPLES / "ai_first.yaml", {"ai.concurrency": 40})
    small = scaled(klarsim.with_overrides(base, {"experiment.scale": 0.1}))
    assert small.demand.contacts_per_day == pytest.approx(400)
    assert small.customers.population == 20000
    assert small.pools["employees"].headcount == 2
    assert small.ai is not None and base.ai is not None
    assert small.ai.concurrency == 4
    assert small.ai.pricing.platform_cost_per_month == pytest.approx(2000)
    assert small.ai.share == base.ai.share, "shares and probabilities do not scale"
    tiny = scaled(klarsim.with_overrides(base, {"experiment.scale": 0.001}))
    assert tiny.pools["employees"].headcount == 1, "a pool that exists keeps at least one agent"
    assert scaled(base) is base


def test_full_scale_columns_extrapolate_volumes_and_costs() -> None:
    scenario = klarsim.load_scenario(
        EXAMPLES / "hybrid.yaml",
        {"experiment.scale": 0.25, "experiment.horizon_days": 9, "experiment.warmup_days": 2},
    )
    row = klarsim.simulate(scenario).summary
    for column in (
        "contacts",
        "issues_resolved",
        "cost_ai",
        "cost_human",
        "cost_total",
        "revenue_lost",
    ):
        assert row[f"{column}_full_scale"] == pytest.approx(row[column] / 0.25)
    assert row["cost_human"] == pytest.approx(8 * 7 * 24 * 40)  # 32 agents x 0.25, $40 an hour
    assert "csat_mean_full_scale" not in row, "rates are not extrapolated"


def test_scale_multiplies_the_workforce_and_its_timeline() -> None:
    from tests.support.builders import centre, employees, gig, scenario

    roster = {"shifts": [{"start_hour": 8, "length_hours": 8, "agents": 300}]}
    data = centre(
        {
            "staff": employees(700, roster=roster, target_headcount=800),
            "crowd": gig(400, 0.2, call_up={"queue_threshold": 10, "agents": 50}),
        },
        days=30,
        timeline=[
            {"day": 5, "action": "layoff", "pool": "staff", "count": 690},
            {"day": 6, "action": "hire", "pool": "crowd", "count": 120},
        ],
        guardrails=[
            {
                "name": "rehire",
                "metric": "service_level",
                "below": 0.5,
                "then": {"action": "open_hiring", "pool": "staff", "target_headcount": 300},
            }
        ],
    )
    data["experiment"]["scale"] = 0.01
    small = scaled(scenario(data))
    staff, crowd = small.pools["staff"], small.pools["crowd"]
    assert (staff.headcount, staff.target_headcount) == (7, 8)
    assert staff.roster.shifts[0].agents == pytest.approx(3.0)
    assert (crowd.registered, crowd.call_up.agents) == (4, 1)
    assert crowd.call_up.queue_threshold == 1  # a queue's length: 10 x sqrt(0.01)
    assert [action.count for action in small.timeline] == [7, 1]
    assert small.guardrails[0].then.target_headcount == 3


def test_scale_keeps_a_roster_drawn_for_its_headcount_at_the_same_level() -> None:
    """Counts, headcount and the headcount they are drawn for all shrink by the scale."""
    base = klarsim.load_scenario(
        EXAMPLES / "human_only.yaml",
        {
            "pools.employees.roster": {"hours_of_week": [30.0] * 168, "for_headcount": 50},
            "experiment.scale": 0.1,
        },
    )
    pool = scaled(base).pools["employees"]
    assert isinstance(pool, EmployeePool) and isinstance(pool.roster, Roster)
    assert pool.headcount == 5
    assert pool.roster.for_headcount == pytest.approx(5.0)
    assert pool.roster.hours_of_week == pytest.approx([3.0] * 168)
