"""The scenarios a plan simulates: the week under starting conditions, each planned pool
staffed interval by interval with exactly the agents on duty the plan asks for.

Planning runs use the scenario at its own scale (then simulated as a full-size centre), drop
the timeline and guardrails (a weekly plan is made for the conditions in force at the start;
``--by month`` follows them through time), and keep a planned pool's headcount constant (no
attrition or hiring) with no shrinkage, so the agents on duty are exactly the plan's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from klarsim.config import Problem, Scenario, ScenarioError
from klarsim.config.scale import scaled
from klarsim.config.workforce import WEEKDAYS, EmployeePool
from klarsim.units import DAYS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK

Staffing = Mapping[str, Sequence[int]]
"""Agents on duty per interval of the week, by planned pool."""


def intervals_per_week(scenario: Scenario) -> int:
    """Intervals of ``experiment.interval_min`` in a week (the interval must divide the week)."""
    interval_min = scenario.experiment.interval_min
    count = MINUTES_PER_WEEK / interval_min
    if abs(count - round(count)) > 1e-9 or interval_min > MINUTES_PER_DAY:
        message = f"planning needs an interval that divides a day, got {interval_min:g} minutes"
        raise ScenarioError([Problem("scenario", "experiment.interval_min", message)])
    return round(count)


def settling_days(scenario: Scenario) -> float:
    """Days simulated before a plan is measured: the scenario's warm-up, at least a day."""
    return max(scenario.experiment.warmup_days, 1.0)


def planning_base(scenario: Scenario, *, days: float, planned: Sequence[str]) -> Scenario:
    """The scenario a plan simulates before staffing: scaled, no timeline, ``days`` measured
    after ``settling_days`` (which the scenario itself keeps as part of its horizon, with no
    warm-up of its own: every contact is logged, so the number in system is right from the
    first measured minute)."""
    settle = settling_days(scenario)
    data = scaled(scenario).model_dump()
    data["experiment"].update(scale=1.0, warmup_days=0.0, horizon_days=settle + days)
    data["timeline"] = []
    data["guardrails"] = []
    for name in planned:
        pool = data["pools"][name]
        pool.update(attrition_per_year=0.0, target_headcount=None)
    return Scenario.model_validate(data)


def with_staffing(base: Scenario, staffing: Staffing) -> Scenario:
    """``base`` with each planned pool on duty exactly as ``staffing`` says, interval by
    interval (a roster of one shift per interval and weekday, no shrinkage)."""
    interval_min = base.experiment.interval_min
    data = base.model_dump()
    for name, counts in staffing.items():
        pool = data["pools"][name]
        people = max(max(counts, default=0), 1)
        pool.update(
            roster={"shifts": interval_shifts(counts, interval_min), "for_headcount": people},
            headcount=people,
            shrinkage=0.0,
        )
    return Scenario.model_validate(data)


def with_ample_staff(base: Scenario, planned: Sequence[str]) -> Scenario:
    """``base`` with each planned pool on duty all week at three times its headcount (at
    least ten): a run that measures the load without the returns of contacts that abandoned
    for want of staff."""
    data = base.model_dump()
    for name in planned:
        pool = data["pools"][name]
        pool.update(roster="always", headcount=max(3 * pool["headcount"], 10), shrinkage=0.0)
    return Scenario.model_validate(data)


def interval_shifts(counts: Sequence[int], interval_min: float) -> list[dict[str, Any]]:
    """One roster shift per interval with agents (at least one shift, perhaps of nobody)."""
    per_day = round(MINUTES_PER_DAY / interval_min)
    shifts = [
        {
            "start_hour": (index % per_day) * interval_min / MINUTES_PER_HOUR,
            "length_hours": interval_min / MINUTES_PER_HOUR,
            "days": [WEEKDAYS[index // per_day % DAYS_PER_WEEK]],
            "agents": float(count),
        }
        for index, count in enumerate(counts)
        if count > 0
    ]
    return shifts or [{"start_hour": 0.0, "length_hours": 1.0, "agents": 0.0}]


def planned_pools(scenario: Scenario, names: Sequence[str]) -> tuple[str, ...]:
    """The pools to plan: the names given (employee pools only), or every employee pool."""
    if not names:
        planned = tuple(n for n, p in scenario.pools.items() if isinstance(p, EmployeePool))
        if not planned:
            raise _pool_error("", "the scenario has no employee pool to plan")
        return planned
    for name in names:
        if name not in scenario.pools:
            known = ", ".join(scenario.pools)
            raise _pool_error(name, f"unknown pool {name!r}; expected one of: {known}")
        if not isinstance(scenario.pools[name], EmployeePool):
            message = f"{name!r} is a gig pool: its supply is random, so it is not planned"
            raise _pool_error(name, message)
    if len(set(names)) != len(names):
        raise _pool_error(names[0], "a pool is named twice")
    return tuple(names)


def _pool_error(name: str, message: str) -> ScenarioError:
    return ScenarioError([Problem("--pool", name, message)])
