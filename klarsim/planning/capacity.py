"""``capacity``: the staffing plan month by month, under the conditions in force each month.

``staff`` plans one week under the scenario's starting conditions. ``capacity`` follows the
scenario through time instead: for each month of the horizon (calendar months from
``experiment.start_date``, else blocks of ``DAYS_PER_MONTH`` days from day 0) it derives the
conditions in force at the month's middle and plans that month's week with the same weekly
planner. The conditions are

- every timeline ``set`` and ``ramp`` dated before then, a ramp at the value its last step
  set (a later ``set`` or ``ramp`` of the same key replaces it, as in the model);
- every ``ai_update`` dated before then (the AI's outcomes per intent);
- the gig supply: a gig pool's ``hire`` adds registered agents once they are onboarded;
- demand growth: ``contacts_per_day`` grown by ``demand.growth_per_year`` to the month's middle.

Headcount actions on employee pools (``layoff``, ``hire``, ``freeze``, ``unfreeze``) do not
change what the month requires: they make the scenario's own headcount path, which a plain
run of the scenario measures (``headcount_POOL`` of its time series, averaged per month) and
the table shows beside the requirement. Outages and guardrails are not planned for.

Months whose conditions are the same (before a launch, after a ramp ends) share one plan.
Each plan's runs are checkpointed under their own points (month x 100 + iteration, the month
being the first with those conditions), so ``resume`` finds them.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError
from klarsim.config.overrides import apply_overrides
from klarsim.config.timeline import AiUpdate, Hire, Ramp, SetAt, TimelineAction
from klarsim.config.workforce import GigPool
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    perform,
)
from klarsim.experiments.tasks import Task
from klarsim.metrics.tables import timeseries_table
from klarsim.planning.staff import PlanOptions, StaffJob, StaffResult, planning_fields
from klarsim.planning.targets import Target
from klarsim.results import files
from klarsim.results.writer import write_table
from klarsim.sim.records import ReplicationResult
from klarsim.units import DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR, HOURS_PER_DAY

POINTS_PER_MONTH = 100
"""Checkpoint points of a month's plan: month x 100 + iteration (at most 99 iterations)."""
CAPACITY_COLUMNS = (
    "month",
    "pool",
    "required_fte",
    "rostered_hours",
    "cost",
    "service_level",
    "headcount",
    "converged",
)


@dataclass(frozen=True)
class Month:
    """One month of the horizon: its label and the days from the start it covers."""

    index: int
    label: str
    start_day: float
    end_day: float

    @property
    def middle_day(self) -> float:
        """The day whose conditions the month is planned for."""
        return (self.start_day + self.end_day) / 2

    @property
    def weeks(self) -> float:
        """The month's length in weeks (the part within the horizon)."""
        return (self.end_day - self.start_day) / DAYS_PER_WEEK


@dataclass(frozen=True)
class CapacityResult:
    """A capacity plan: one row per month and planned pool, and each month's weekly plan."""

    scenario: Scenario
    """The input scenario, resolved."""
    capacity: pd.DataFrame
    """Per month and pool: required FTE, rostered hours, cost and service level of the plan,
    and the scenario's own mean headcount (columns ``CAPACITY_COLUMNS``)."""
    plans: dict[str, StaffResult]
    """Each month's weekly plan, by month label (months of equal conditions share one)."""

    @property
    def converged(self) -> bool:
        """Whether every month's plan converged."""
        return all(result.converged for result in self.plans.values())


def capacity(
    scenario: Scenario | str | Path,
    plan_options: PlanOptions,
    *,
    reps: int | None = None,
    seed: int | None = None,
    overrides: Overrides | None = None,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> CapacityResult:
    """Plan each month of the horizon under the conditions then in force (see the module)."""
    if plan_options.max_iterations >= POINTS_PER_MONTH:
        message = f"a monthly plan allows at most {POINTS_PER_MONTH - 1} iterations"
        raise ScenarioError([Problem("--max-iterations", "max_iterations", message)])
    fields = planning_fields(scenario, plan_options, reps=reps, seed=seed, overrides=overrides)
    return perform(CapacityJob(**fields), executor, out)


def months(scenario: Scenario) -> tuple[Month, ...]:
    """The months of the horizon: calendar months with a start date, else 30.4-day blocks."""
    horizon = scenario.experiment.horizon_days
    start_date = scenario.experiment.start_date
    if start_date is None:
        count = math.ceil(horizon / DAYS_PER_MONTH - 1e-9)
        return tuple(
            Month(i, str(i + 1), i * DAYS_PER_MONTH, min((i + 1) * DAYS_PER_MONTH, horizon))
            for i in range(count)
        )
    found: list[Month] = []
    first = start_date.replace(day=1)
    while (start := max((first - start_date).days, 0)) < horizon:
        following = _next_month(first)
        end = min(float((following - start_date).days), horizon)
        found.append(Month(len(found), first.strftime("%Y-%m"), float(start), end))
        first = following
    return tuple(found)


def _next_month(first: datetime.date) -> datetime.date:
    days = calendar.monthrange(first.year, first.month)[1]
    return first + datetime.timedelta(days=days)


def conditions_at(scenario: Scenario, day: float) -> Scenario:
    """The scenario as it stands on ``day``: timeline changes so far applied, demand grown to
    ``day``, gig supply onboarded; no timeline or guardrails left (employee headcounts are
    the starting ones)."""
    data = scenario.model_dump(mode="json")
    start_date = scenario.experiment.start_date
    values = _values_at(scenario, day)
    data = apply_overrides(data, list(values.items()))
    for action in _due(scenario.timeline, day, start_date):
        if isinstance(action, AiUpdate) and data.get("ai") is not None:
            for intent, outcome in action.outcomes.items():
                data["ai"]["outcomes"][intent] = outcome.model_dump(mode="json")
    for name, registered in _gig_supply(scenario, day).items():
        data["pools"][name]["registered"] = registered
    demand = data["demand"]
    demand["contacts_per_day"] *= (1.0 + demand["growth_per_year"]) ** (day / DAYS_PER_YEAR)
    demand["growth_per_year"] = 0.0
    data["timeline"] = []
    data["guardrails"] = []
    return Scenario.model_validate(data)


def _due(
    timeline: Sequence[TimelineAction], day: float, start_date: datetime.date | None
) -> list[TimelineAction]:
    """Actions dated up to ``day``, in the order they happen (ties in listed order)."""
    due = [action for action in timeline if action.at_day(start_date) <= day]
    return sorted(due, key=lambda action: action.at_day(start_date))


def _values_at(scenario: Scenario, day: float) -> dict[str, Any]:
    """Each key a ``set`` or ``ramp`` changed by ``day``, with its value then."""
    start_date = scenario.experiment.start_date
    values: dict[str, Any] = {}
    ramps: dict[str, tuple[Ramp, float, float]] = {}
    for action in _due(scenario.timeline, day, start_date):
        if isinstance(action, SetAt):
            ramps.pop(action.key, None)
            values[action.key] = action.value
        elif isinstance(action, Ramp):
            began = action.at_day(start_date)
            current = _current(scenario, action.key, values, ramps, began)
            start_value = action.start_value if action.start_value is not None else current
            ramps[action.key] = (action, float(start_value), began)
    for key, (ramp, start_value, began) in ramps.items():
        values[key] = ramp_value(ramp, start_value, began, day, start_date)
    return values


def _current(
    scenario: Scenario,
    key: str,
    values: dict[str, Any],
    ramps: dict[str, tuple[Ramp, float, float]],
    day: float,
) -> Any:
    """The value of ``key`` on ``day``: a running ramp's, the last set, or the scenario's."""
    if key in ramps:
        ramp, start_value, began = ramps[key]
        return ramp_value(ramp, start_value, began, day, scenario.experiment.start_date)
    if key in values:
        return values[key]
    node: Any = scenario.model_dump(mode="json")
    for part in key.split("."):
        node = node[part]
    return node


def ramp_value(
    ramp: Ramp, start_value: float, began: float, day: float, start_date: datetime.date | None
) -> float:
    """The value a ramp's last step before ``day`` set: it moves in steps of ``step_hours``
    from ``start_value`` on ``began`` to ``end_value`` at its end (as the model steps it)."""
    end = ramp.end_at_day(start_date)
    if day >= end or end <= began:
        return ramp.end_value
    step_days = ramp.step_hours / HOURS_PER_DAY
    stepped = began + math.floor((day - began) / step_days + 1e-9) * step_days
    return start_value + (ramp.end_value - start_value) * (stepped - began) / (end - began)


def _gig_supply(scenario: Scenario, day: float) -> dict[str, int]:
    """Registered agents of each gig pool on ``day``: the starting ones and those hired and
    onboarded by then (gig pools have no layoffs; their attrition is not followed)."""
    start_date = scenario.experiment.start_date
    supply: dict[str, int] = {}
    for name, pool in scenario.pools.items():
        if not isinstance(pool, GigPool):
            continue
        onboarded = [
            action.count
            for action in scenario.timeline
            if isinstance(action, Hire)
            and action.pool == name
            and action.at_day(start_date) + pool.onboarding_days <= day
        ]
        supply[name] = pool.registered + sum(onboarded)
    return supply


@dataclass(frozen=True)
class CapacityJob(Job[CapacityResult]):
    """The capacity plan of one scenario: a plain run for its headcount path, then a weekly
    plan per month of distinct conditions."""

    options: PlanOptions
    targets: tuple[Target, ...]
    pools: tuple[str, ...]
    kind: ClassVar[str] = "capacity"

    def identity(self) -> dict[str, Any]:
        return {
            "by": "month",
            "targets": [str(target) for target in self.targets],
            "pools": list(self.pools),
            "days": self.options.days,
            "max_iterations": self.options.max_iterations,
            "contract_hours_per_week": self.options.contract_hours_per_week,
        }

    def details(self) -> dict[str, Any]:
        return {
            "scale": self.scenarios[0].experiment.scale,
            "months": len(months(self.scenarios[0])),
        }

    def execute(self, runner: Runner) -> CapacityResult:
        scenario = self.scenarios[0]
        spans = months(scenario)
        quiet = dataclasses.replace(
            runner, options=dataclasses.replace(runner.options, progress=None)
        )
        headcounts = monthly_headcount(self._headcount_runs(quiet), spans, self.pools)
        plans: dict[str, StaffResult] = {}
        by_conditions: dict[str, StaffResult] = {}
        for month in spans:
            conditions = conditions_at(scenario, month.middle_day)
            key = conditions.model_dump_json()
            if key not in by_conditions:  # the first month of these conditions plans them
                by_conditions[key] = self._plan(conditions, month, quiet)
            plans[month.label] = by_conditions[key]
            if runner.options.progress is not None:  # told (months done, months)
                runner.options.progress(month.index + 1, len(spans))
        table = capacity_table(spans, plans, headcounts)
        return CapacityResult(scenario=scenario, capacity=table, plans=plans)

    def _headcount_runs(self, runner: Runner) -> list[ReplicationResult]:
        """The scenario as it is, for its own headcount path."""
        scenario = self.scenarios[0]
        tasks = [Task(scenario, rep, self.seed) for rep in range(self.replications)]
        return runner.execute(tasks)

    def _plan(self, conditions: Scenario, month: Month, runner: Runner) -> StaffResult:
        job = MonthPlan(
            scenarios=[conditions],
            seed=self.seed,
            replications=self.replications,
            options=self.options,
            targets=self.targets,
            pools=self.pools,
            first_point=month.index * POINTS_PER_MONTH,
        )
        return job.execute(runner)

    def write(self, folder: Path, result: CapacityResult) -> None:
        write_table(folder / files.CAPACITY, result.capacity)

    def completion(self, result: CapacityResult) -> dict[str, Any]:
        distinct = {id(plan) for plan in result.plans.values()}
        return {"converged": result.converged, "plans": len(distinct)}


@dataclass(frozen=True)
class MonthPlan(StaffJob):
    """One month's weekly plan, its runs checkpointed from point ``first_point`` on."""

    first_point: int = 0

    def execute(self, runner: Runner) -> StaffResult:
        shifted = PointRunner(runner.options, runner.store, first_point=self.first_point)
        return super().execute(shifted)


@dataclass(frozen=True)
class PointRunner(Runner):
    """A runner that moves every task's point by ``first_point``: months keep apart."""

    first_point: int = 0

    def execute(self, tasks: Sequence[Task]) -> list[ReplicationResult]:
        moved = [
            dataclasses.replace(task, point=self.first_point + (task.point or 0)) for task in tasks
        ]
        return super().execute(moved)


Headcounts = dict[str, dict[str, float]]
"""Mean headcount by month label, then by pool."""


def monthly_headcount(
    results: Sequence[ReplicationResult], spans: Sequence[Month], pools: Sequence[str]
) -> Headcounts:
    """Mean ``headcount_POOL`` per month over every recorded interval and replication (NaN
    for a month wholly in the warm-up)."""
    series = timeseries_table(results)
    rows: Headcounts = {}
    for month in spans:
        inside = series[
            (series["time_days"] >= month.start_day) & (series["time_days"] < month.end_day)
        ]
        rows[month.label] = {
            pool: float(inside[f"headcount_{pool}"].mean()) if len(inside) else math.nan
            for pool in pools
        }
    return rows


def capacity_table(
    spans: Sequence[Month],
    plans: dict[str, StaffResult],
    headcounts: Headcounts,
) -> pd.DataFrame:
    """One row per month and planned pool (columns ``CAPACITY_COLUMNS``)."""
    rows = []
    for month in spans:
        result = plans[month.label]
        for pool in result.pools.to_dict("records"):
            name = str(pool["pool"])
            hours = _rostered_hours(result.shifts, name)
            rows.append(
                {
                    "month": month.label,
                    "pool": name,
                    "required_fte": float(pool["fte"]),
                    "rostered_hours": hours * month.weeks,
                    "cost": float(pool["cost_per_week"]) * month.weeks,
                    "service_level": _service_level(result.staffing, name),
                    "headcount": headcounts[month.label][name],
                    "converged": result.converged,
                }
            )
    return pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))


def _rostered_hours(shifts: pd.DataFrame, pool: str) -> float:
    """Agent hours a week on the pool's scheduled shifts."""
    mine = shifts[shifts["pool"] == pool]
    return float((mine["agents"] * mine["length_hours"]).sum())


def _service_level(staffing: pd.DataFrame, pool: str) -> float:
    """The plan's service level over the week: intervals weighted by contacts offered."""
    mine = staffing[(staffing["pool"] == pool) & (staffing["offered"] > 0)]
    offered = mine["offered"].sum()
    if offered <= 0:
        return math.nan
    return float((mine["service_level"] * mine["offered"]).sum() / offered)
