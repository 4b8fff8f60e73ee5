"""``staff``: how many agents each employee pool needs, interval by interval, to meet targets.

The plan comes from the iterative staffing algorithm (``klarsim.planning.iterative``) over a
week of the scenario's starting conditions, then shift scheduling (``klarsim.planning.shifts``)
turns each pool's requirement into whole shifts at least cost. The results folder holds the
plan's tables and ``scenario.yaml``: the input scenario with each planned pool rostered on the
chosen shifts, with the people they need, ready to run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError
from klarsim.config.scale import scaled
from klarsim.config.workforce import EmployeePool
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    perform,
    replications,
    resolve_scenario,
    seed_of,
)
from klarsim.planning.iterative import PlanHistory, Settings, plan
from klarsim.planning.scenarios import (
    intervals_per_week,
    planned_pools,
    planning_base,
    settling_days,
)
from klarsim.planning.shifts import ShiftSchedule, schedule_shifts
from klarsim.planning.tables import iterations_table, shifts_table, staffing_table
from klarsim.planning.targets import Target, parse_targets
from klarsim.results import files
from klarsim.results.writer import write_scenario, write_table
from klarsim.units import DAYS_PER_WEEK


@dataclass(frozen=True)
class PlanOptions:
    """What to plan: targets (``KPI=VALUE`` or ``Target``), pools (none: every employee pool),
    days measured per planning run, the most iterations, and a full-time week in hours."""

    targets: Sequence[str | Target]
    pools: Sequence[str] = ()
    days: float = 14.0
    max_iterations: int = 8
    contract_hours_per_week: float = 40.0

    def check(self) -> None:
        """Refuse settings that cannot give a plan: fewer days than a week, no iteration."""
        if not self.days >= DAYS_PER_WEEK:
            message = f"a plan measures a whole week: expected at least 7, got {self.days:g}"
            raise ScenarioError([Problem("--days", "days", message)])
        if self.max_iterations < 1:
            message = f"expected at least one iteration, got {self.max_iterations}"
            raise ScenarioError([Problem("--max-iterations", "max_iterations", message)])

    def parsed_targets(self) -> tuple[Target, ...]:
        """The targets, read and checked."""
        texts = [str(target) for target in self.targets]
        return parse_targets(texts)


@dataclass(frozen=True)
class StaffResult:
    """A staffing plan: its tables, the planned scenario and whether the algorithm converged."""

    scenario: Scenario
    """The input scenario with each planned pool on its scheduled shifts (runnable)."""
    staffing: pd.DataFrame
    shifts: pd.DataFrame
    iterations: pd.DataFrame
    pools: pd.DataFrame
    """Per planned pool: peak agents on duty, paid hours, FTE, cost, worst interval."""
    converged: bool


def staff(
    scenario: Scenario | str | Path,
    plan_options: PlanOptions,
    *,
    reps: int | None = None,
    seed: int | None = None,
    overrides: Overrides | None = None,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> StaffResult:
    """Plan the staff each employee pool needs to meet the targets in every interval."""
    fields = planning_fields(scenario, plan_options, reps=reps, seed=seed, overrides=overrides)
    return perform(StaffJob(**fields), executor, out)


def planning_fields(
    scenario: Scenario | str | Path,
    plan_options: PlanOptions,
    *,
    reps: int | None,
    seed: int | None,
    overrides: Overrides | None,
) -> dict[str, Any]:
    """The checked fields of a planning job, refused before anything runs when they are bad:
    the scenario, seed, replications, options, targets and pools."""
    plan_options.check()
    targets = plan_options.parsed_targets()
    resolved = resolve_scenario(scenario, overrides)
    pools = planned_pools(resolved, plan_options.pools)
    check_shift_templates(resolved, pools)
    return {
        "scenarios": [resolved],
        "seed": seed_of(seed, resolved),
        "replications": replications(reps, resolved),
        "options": plan_options,
        "targets": targets,
        "pools": pools,
    }


@dataclass(frozen=True)
class StaffJob(Job[StaffResult]):
    """The staffing plan of one scenario."""

    options: PlanOptions
    targets: tuple[Target, ...]
    pools: tuple[str, ...]
    kind: ClassVar[str] = "staff"

    def identity(self) -> dict[str, Any]:
        return {
            "targets": [str(target) for target in self.targets],
            "pools": list(self.pools),
            "days": self.options.days,
            "max_iterations": self.options.max_iterations,
            "contract_hours_per_week": self.options.contract_hours_per_week,
        }

    def details(self) -> dict[str, Any]:
        return {"scale": self.scenarios[0].experiment.scale}

    def execute(self, runner: Runner) -> StaffResult:
        scenario = self.scenarios[0]
        base = planning_base(scenario, days=self.options.days, planned=self.pools)
        settings = Settings(
            self.targets,
            self.replications,
            self.seed,
            self.options.max_iterations,
            settling_days(scenario),
        )
        quiet = dataclasses.replace(
            runner, options=dataclasses.replace(runner.options, progress=None)
        )
        history = plan(base, self.pools, settings, quiet, runner.options.progress)
        return self._result(base, history)

    def _result(self, base: Scenario, history: PlanHistory) -> StaffResult:
        interval_min = base.experiment.interval_min
        schedules = {
            pool: _schedule(base, pool, history.final.staffing[pool]) for pool in self.pools
        }
        staffing = staffing_table(history, schedules, interval_min)
        return StaffResult(
            scenario=planned_scenario(
                self.scenarios[0], schedules, self.options.contract_hours_per_week
            ),
            staffing=staffing,
            shifts=shifts_table(schedules),
            iterations=iterations_table(history, interval_min),
            pools=_pool_table(schedules, staffing, self.options.contract_hours_per_week),
            converged=history.converged,
        )

    def write_inputs(self, folder: Path) -> None:
        """Nothing before the plan: ``scenario.yaml`` is the planned scenario, written last."""

    def write(self, folder: Path, result: StaffResult) -> None:
        write_table(folder / files.STAFFING, result.staffing)
        write_table(folder / files.SHIFTS, result.shifts)
        write_table(folder / files.ITERATIONS, result.iterations)
        write_scenario(folder, result.scenario)

    def completion(self, result: StaffResult) -> dict[str, Any]:
        return {
            "converged": result.converged,
            "iterations": int(result.iterations["iteration"].max()),
        }


def check_shift_templates(scenario: Scenario, pools: Sequence[str]) -> None:
    """Refuse, before anything runs, an interval that does not divide the day and shift
    templates off the interval grid (scheduling an empty requirement checks both)."""
    nobody = [0] * intervals_per_week(scenario)
    for pool in pools:
        _schedule(scenario, pool, nobody)


def _schedule(base: Scenario, pool: str, required: Sequence[int]) -> ShiftSchedule:
    """The least-cost shifts covering ``required`` agents on duty per interval."""
    spec = base.pools[pool]
    assert isinstance(spec, EmployeePool), "planned pools are employee pools"
    return schedule_shifts(
        required,
        interval_min=base.experiment.interval_min,
        templates=spec.shift_templates,
        shrinkage=spec.shrinkage,
        cost_per_hour=spec.cost_per_hour,
        pool=pool,
    )


def planned_scenario(
    scenario: Scenario, schedules: dict[str, ShiftSchedule], contract_hours: float
) -> Scenario:
    """The input scenario (at its scale, then run as a full centre) with each planned pool
    rostered on its shifts and staffed with the people they need."""
    data = scaled(scenario).model_dump(mode="json")
    data["experiment"]["scale"] = 1.0
    for pool, schedule in schedules.items():
        people = schedule.headcount(contract_hours)
        roster = schedule.roster().model_dump(mode="json", exclude_none=True)
        roster["for_headcount"] = max(people, 1)  # the shifts are the plan at this headcount
        data["pools"][pool].update(
            roster=roster if people > 0 else "always",  # nobody needed: an empty pool
            headcount=people,
            target_headcount=None,
        )
    return Scenario.model_validate(data)


def _pool_table(
    schedules: dict[str, ShiftSchedule], staffing: pd.DataFrame, contract_hours: float
) -> pd.DataFrame:
    rows = []
    for pool, schedule in schedules.items():
        mine = staffing[staffing["pool"] == pool]
        offered = mine["offered"] > 0
        worst = mine.loc[offered, "service_level"]
        rows.append(
            {
                "pool": pool,
                "peak_required": int(mine["required"].max()),
                "paid_hours_per_week": schedule.paid_hours_per_week,
                "fte": schedule.paid_hours_per_week / contract_hours,
                "headcount": schedule.headcount(contract_hours),
                "cost_per_week": schedule.cost_per_week,
                "over_coverage": schedule.over_coverage,
                "lp_gap": schedule.gap,
                "worst_service_level": float(worst.min()) if not worst.empty else np.nan,
            }
        )
    return pd.DataFrame(rows)
