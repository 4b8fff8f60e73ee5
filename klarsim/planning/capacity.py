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

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError, scenario_yaml
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    perform,
)
from klarsim.experiments.tasks import Task
from klarsim.metrics.tables import timeseries_table
from klarsim.planning.conditions import Month, conditions_at, months
from klarsim.planning.following import following_scenario
from klarsim.planning.staff import PlanOptions, StaffJob, StaffResult, planning_fields
from klarsim.planning.targets import Target
from klarsim.results import files
from klarsim.results.atomic import write_text
from klarsim.results.writer import write_table
from klarsim.sim.records import ReplicationResult

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
        scenario = self.scenarios[0]
        following = following_scenario(scenario, months(scenario), result.capacity, self.pools)
        write_text(folder / files.FOLLOWING, scenario_yaml(following))

    def completion(self, result: CapacityResult) -> dict[str, Any]:
        distinct = {id(plan) for plan in result.plans.values()}
        return {"converged": result.converged, "plans": len(distinct)}


@dataclass(frozen=True)
class MonthPlan(StaffJob):
    """One month's weekly plan, its runs checkpointed from point ``first_point`` on."""

    first_point: int = 0

    def execute(self, runner: Runner) -> StaffResult:
        shifted = PointRunner(runner.options, runner.store, runner.pool, self.first_point)
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
