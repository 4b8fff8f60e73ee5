"""Sweeps: one scenario run at every point of a design, with the same seeds at every point.

Every point is validated before anything runs. Replication r of every point uses the seed
of replication r, so neighbouring points differ by their parameters, not by their luck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError, with_overrides
from klarsim.experiments.designs import Point, check_size, grid_points, lhs_points
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    check_runs,
    perform,
    replications,
    resolve_scenario,
    seed_of,
)
from klarsim.experiments.tasks import Task
from klarsim.metrics.columns import HEADLINE_KPIS
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.plain import Table
from klarsim.metrics.tables import labour_table, measured_labour, summary_table
from klarsim.results import files
from klarsim.results.writer import write_table
from klarsim.sim.records import ReplicationResult


@dataclass(frozen=True)
class SweepResult:
    """The design's points, one row per point and replication, and a summary per point."""

    scenario: Scenario
    points: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    labour: pd.DataFrame | None = None
    """Per point, replication and pool (led by the point's columns, as ``runs``), what people
    work and earn; None when no run measured it."""


def design_points(
    *,
    design: Literal["grid", "lhs"] = "grid",
    grid: Sequence[str] = (),
    ranges: Sequence[str] = (),
    samples: int | None = None,
    seed: int = 0,
) -> list[Point]:
    """The points of a grid (``--grid`` specs) or a Latin hypercube (``--range`` specs)."""
    if design == "lhs":
        if samples is None:
            raise ScenarioError(
                [Problem("--samples", "", "expected --samples N with --design lhs")]
            )
        return lhs_points(ranges, samples, seed)
    if not grid:
        raise ScenarioError([Problem("--grid", "", "expected at least one --grid KEY=VALUES")])
    return grid_points(grid)


def sweep(
    scenario: Scenario | str | Path,
    *,
    points: Sequence[Point],
    reps: int | None = None,
    seed: int | None = None,
    overrides: Overrides | None = None,
    kpis: Sequence[str] = HEADLINE_KPIS,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> SweepResult:
    """Run the scenario at every point; every point is checked before the first run.

    ``executor`` and ``out`` are as for ``run``: with a results folder, each finished run
    is saved there at once, and a resumed sweep runs only the missing ones.
    """
    base = resolve_scenario(scenario, overrides)
    count = replications(reps, base)
    check_size([len(points)], "sweep points")
    check_runs(count * len(points))
    job = SweepJob(
        scenarios=[base],
        seed=seed_of(seed, base),
        replications=count,
        points=tuple(points),
        variants=tuple(_variant(base, index, point) for index, point in enumerate(points)),
        kpis=tuple(kpis),
    )
    return perform(job, executor, out)


@dataclass(frozen=True)
class SweepJob(Job[SweepResult]):
    """The base scenario at every point, replication r of every point with the same seed."""

    points: tuple[Point, ...] = ()
    variants: tuple[Scenario, ...] = ()
    """The base scenario with each point's values, validated before anything runs."""
    kpis: tuple[str, ...] = HEADLINE_KPIS

    kind: ClassVar[str] = "sweep"

    def identity(self) -> dict[str, Any]:
        return {"points": [dict(point) for point in self.points]}

    def simulated(self) -> Sequence[Scenario]:
        return self.variants

    def details(self) -> dict[str, Any]:
        return {
            "scenario": self.scenarios[0].name,
            "points": len(self.points),
            "seed": self.seed,
            "seeding": "replication r at every point: streams seeded from (seed, r, stream name)",
        }

    def execute(self, runner: Runner) -> SweepResult:
        tasks = [
            Task(variant, replication, self.seed, point=index)
            for index, variant in enumerate(self.variants)
            for replication in range(self.replications)
        ]
        return _result(self.scenarios[0], self.points, runner.finish(tasks), self.kpis)

    def has_runs(self, result: SweepResult) -> bool:
        return not result.runs.empty

    def write(self, folder: Path, result: SweepResult) -> None:
        write_table(folder / files.SWEEP, result.runs)
        write_table(folder / files.SWEEP_PARQUET, result.runs)
        write_table(folder / files.SWEEP_SUMMARY, result.summary)
        if result.labour is not None:
            write_table(folder / files.LABOUR, result.labour)


def _variant(base: Scenario, index: int, point: Point) -> Scenario:
    try:
        return with_overrides(base, point)
    except ScenarioError as error:
        problems = [
            Problem(f"sweep point {index} ({_label(point)})", p.key, p.message)
            for p in error.problems
        ]
        raise ScenarioError(problems) from None


def _label(point: Point) -> str:
    return ", ".join(f"{key}={value}" for key, value in point.items())


def _result(
    base: Scenario,
    points: Sequence[Point],
    finished: list[tuple[Task, ReplicationResult]],
    kpis: Sequence[str],
) -> SweepResult:
    """The design's points, the finished runs (maybe none) and a row per point of the design."""
    table = pd.DataFrame([dict(point) for point in points])
    table.insert(0, "point", range(len(points)))
    runs = summary_table([result for _, result in finished])
    runs.insert(0, "point", pd.Series([task.point for task, _ in finished], dtype="int64"))
    runs = table.merge(runs, on="point")
    return SweepResult(
        scenario=base,
        points=table,
        runs=runs,
        summary=_per_point(runs, table, kpis),
        labour=_labour(table, finished),
    )


def _labour(
    points: pd.DataFrame, finished: list[tuple[Task, ReplicationResult]]
) -> pd.DataFrame | None:
    """Every run's labour rows led by its point's columns, as the runs table; None: none."""
    results = [result for _, result in finished]
    if not measured_labour(results):
        return None
    labour = labour_table(results)
    run_points = pd.Series([task.point for task, _ in finished], dtype="int64")
    rows = [len(Table(result.labour or {})) for result in results]
    labour.insert(0, "point", run_points.repeat(rows).to_numpy())
    return points.merge(labour, on="point")


def _per_point(runs: pd.DataFrame, points: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """Mean and interval of each KPI per point; a point whose every run failed gets NaN."""
    columns = ["point"] + [
        f"{kpi}_{part}" for kpi in kpis for part in ("mean", "ci_low", "ci_high")
    ]
    rows = []
    for point, group in runs.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point}
        for kpi in kpis:
            interval = t_interval(group[kpi].to_numpy(dtype=float))
            row |= {
                f"{kpi}_mean": interval.mean,
                f"{kpi}_ci_low": interval.low,
                f"{kpi}_ci_high": interval.high,
            }
        rows.append(row)
    per_point = pd.DataFrame(rows, columns=columns).astype({"point": "int64"})
    return points.merge(per_point, on="point", how="left")
