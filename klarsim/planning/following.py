"""A scenario whose headcount follows a capacity plan, hiring ahead by the pipeline's lead time.

The capacity plan says how many people each planned pool needs month by month. This writes
the input scenario (at its scale, run as a full centre, like the weekly plan's scenario)
with each planned pool's own headcount actions (``hire``, ``layoff``, ``freeze``,
``unfreeze`` of that pool) replaced by the plan's path:

- the pool starts with the first month's people and replaces leavers (no freeze);
- the target headcount is raised ``time_to_hire_days + training_days`` before a month that
  needs more people (or at the start, if that is earlier), so the new hires are trained when
  the month begins; a raise never lowers a target the current month needs;
- where a month needs fewer people than the target before it, the excess is laid off on the
  month's first day and the target set to the month's need.

Layoffs count from the target: open positions that attrition left unfilled are laid off as
well, so the pool may dip below the plan and hire back. The pool keeps its roster (the shape
of the week) at the level the headcount sets; each month's weekly plan may have chosen other
shifts.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from klarsim.config import Scenario
from klarsim.config.scale import scaled
from klarsim.config.workforce import EmployeePool
from klarsim.planning.conditions import Month

HEADCOUNT_ACTIONS = ("hire", "layoff", "freeze", "unfreeze")
"""Timeline actions on a planned pool's headcount that the plan's path replaces."""


def following_scenario(
    scenario: Scenario, spans: Sequence[Month], capacity: pd.DataFrame, pools: Sequence[str]
) -> Scenario:
    """The scenario with each planned pool's headcount following the capacity plan."""
    data = scaled(scenario).model_dump(mode="json", exclude_none=True)
    data["experiment"]["scale"] = 1.0
    data["name"] = f"{scenario.name}-following-plan"
    timeline = [action for action in data.get("timeline", []) if not _replaced(action, pools)]
    for pool in pools:
        needs = _people_by_month(capacity, pool, spans)
        spec = scenario.pools[pool]
        assert isinstance(spec, EmployeePool)
        lead_days = spec.hiring.time_to_hire_days + spec.hiring.training_days
        data["pools"][pool].update(
            headcount=needs[0], target_headcount=needs[0], frozen=False, replace_leavers=True
        )
        timeline += _path_actions(pool, spans, needs, lead_days)
    data["timeline"] = sorted(timeline, key=lambda action: _day(action, scenario))
    return Scenario.model_validate(data)


def _replaced(action: dict[str, Any], pools: Sequence[str]) -> bool:
    """Whether a timeline action changes a planned pool's headcount (a freeze of every pool
    counts too)."""
    if action["action"] not in HEADCOUNT_ACTIONS:
        return False
    return action.get("pool") is None or action["pool"] in pools


def _people_by_month(capacity: pd.DataFrame, pool: str, spans: Sequence[Month]) -> list[int]:
    """Whole people each month needs (required FTE rounded up)."""
    mine = capacity[capacity["pool"] == pool].set_index("month")["required_fte"]
    return [math.ceil(float(mine[month.label]) - 1e-9) for month in spans]


def _path_actions(
    pool: str, spans: Sequence[Month], needs: Sequence[int], lead_days: float
) -> list[dict[str, Any]]:
    """Target raises ahead of the months that need them and layoffs when a month needs less."""
    key = f"pools.{pool}.target_headcount"
    days = sorted(
        {month.start_day for month in spans[1:]}
        | {max(month.start_day - lead_days, 0.0) for month in spans[1:]}
    )
    actions: list[dict[str, Any]] = []
    target = needs[0]
    for day in days:
        wanted = _target_on(day, spans, needs, lead_days)
        if wanted < target and _is_month_start(day, spans):
            actions.append({"day": day, "action": "layoff", "pool": pool, "count": target - wanted})
        if wanted != target and (wanted > target or _is_month_start(day, spans)):
            actions.append({"day": day, "action": "set", "key": key, "value": wanted})
            target = wanted
    return actions


def _target_on(day: float, spans: Sequence[Month], needs: Sequence[int], lead_days: float) -> int:
    """The target on ``day``: the current month's need, or more where a coming month within
    the lead time needs more."""
    current = next(i for i, month in enumerate(spans) if month.start_day <= day < month.end_day)
    coming = [
        needs[i]
        for i, month in enumerate(spans)
        if i > current and month.start_day - lead_days <= day
    ]
    return max([needs[current], *coming])


def _is_month_start(day: float, spans: Sequence[Month]) -> bool:
    return any(month.start_day == day for month in spans)


def _day(action: dict[str, Any], scenario: Scenario) -> float:
    """When an action (as data) happens, in days from the start."""
    if "day" in action:
        return float(action["day"])
    start = scenario.experiment.start_date
    assert start is not None, "a dated action needs experiment.start_date"
    return float((datetime.date.fromisoformat(str(action["date"])) - start).days)
