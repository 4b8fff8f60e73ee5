"""Caveats known before a run: a small scale leaves few agents on duty; a headcount far from
the one its roster is drawn for."""

from __future__ import annotations

import pytest

from klarsim.config import parse_scenario
from klarsim.config.caveats import median_on_duty, scenario_caveats
from klarsim.config.workforce import EmployeePool
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit

DAY_SHIFT = {"shifts": [{"start_hour": 8, "length_hours": 8, "agents": 40}]}
"""40 agents 8-16 every day: 2,240 hours a week, drawn for 56 people."""


def test_median_on_duty_counts_only_staffed_hours() -> None:
    pool = EmployeePool.model_validate(
        employees(56, roster=DAY_SHIFT, shrinkage=0.25) | {"skills": ["general"]}
    )
    assert median_on_duty(pool) == pytest.approx(30.0)  # 40 x 56 / 56 x 0.75


def test_a_small_scale_with_few_agents_on_duty_is_a_caveat() -> None:
    """100 always on duty less 20 % shrinkage at a tenth of the size: 8 agents."""
    data = centre({"staff": employees(100, shrinkage=0.2)})
    data["experiment"]["scale"] = 0.1
    caveats = scenario_caveats(parse_scenario(data))
    assert len(caveats) == 1
    assert caveats[0].startswith(
        "workforce-test: at experiment.scale=0.1, pool 'staff' has about 8.0"
    )
    assert "pessimistic" in caveats[0]


@pytest.mark.parametrize(("headcount", "scale"), [(100, 1.0), (200, 0.1)])
def test_full_scale_or_enough_agents_is_no_caveat(headcount: int, scale: float) -> None:
    data = centre({"staff": employees(headcount)})
    data["experiment"]["scale"] = scale
    assert scenario_caveats(parse_scenario(data)) == []


def test_a_headcount_far_from_its_roster_is_a_caveat() -> None:
    far = parse_scenario(centre({"staff": employees(42, roster=DAY_SHIFT)}))
    assert scenario_caveats(far) == [
        "workforce-test: pools.staff.headcount (42) is 75% of the headcount its roster is drawn "
        "for (56, from its paid hours): agents on duty are the roster x 0.75"
    ]
    near = parse_scenario(centre({"staff": employees(60, roster=DAY_SHIFT)}))
    assert scenario_caveats(near) == []
