"""Sweeps: one scenario run at every point of a design, with the same seeds at every point.

Every point is validated before anything runs. Replication r of every point uses the seed
of replication r, so neighbouring points differ by their parameters, not by their luck.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError, scenario_yaml, with_overrides
from klarsim.experiments.designs import Point, grid_points, lhs_points
from klarsim.experiments.run import (
    Failure,
    OnFailure,
    Progress,
    Task,
    finish,
    recording,
    resolve_scenario,
)
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.tables import HEADLINE_KPIS, summary_table
from klarsim.results.atomic import write_text
from klarsim.results.writer import describe_job, output_folder, write_table
from klarsim.sim.records import ReplicationResult


@dataclass(frozen=True)
class SweepResult:
    """The design's points, one row per point and replication, and a summary per point."""

    scenario: Scenario
    points: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame


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
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    resume: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
    kpis: Sequence[str] = HEADLINE_KPIS,
) -> SweepResult:
    """Run the scenario at every point; every point is checked before the first run.

    With ``out``, each finished run is saved there at once; ``resume`` reuses the runs a
    previous, interrupted call with the same scenario, points, seed and replications left.
    """
    base = resolve_scenario(scenario, overrides)
    variants = [_variant(base, index, point) for index, point in enumerate(points)]
    count = reps if reps is not None else base.experiment.replications
    run_seed = base.experiment.seed if seed is None else seed
    tasks = [
        Task(variant, replication, run_seed, point=index)
        for index, variant in enumerate(variants)
        for replication in range(count)
    ]
    options: dict[str, Any] = {"workers": workers, "scheduler": scheduler, "progress": progress}
    if out is None:
        return _result(base, points, finish(tasks, **options, on_failure=on_failure), kpis)
    described = describe_job(
        "sweep",
        scenarios=[base],
        seed=run_seed,
        replications=count,
        points=[dict(point) for point in points],
    )
    details = {
        "scenario": base.name,
        "points": len(points),
        "seed": run_seed,
        "seeding": "replication r at every point: streams seeded from (seed, r, stream name)",
    }
    failures: list[Failure] = []
    with output_folder(
        Path(out), job=described, details=details, force=force, resume=resume
    ) as folder:
        write_text(folder.path / "scenario.yaml", scenario_yaml(base))
        failing = recording(failures, on_failure)
        finished = finish(tasks, **options, on_failure=failing, store=folder.runs)
        result = _result(base, points, finished, kpis)
        _write(folder.path, result)
        folder.complete(failed_runs=[dataclasses.asdict(failure) for failure in failures])
    return result


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
    table = pd.DataFrame([dict(point) for point in points])
    table.insert(0, "point", range(len(points)))
    runs = summary_table([result for _, result in finished])
    runs.insert(0, "point", [task.point for task, _ in finished])
    runs = table.merge(runs, on="point")
    return SweepResult(
        scenario=base, points=table, runs=runs, summary=_per_point(runs, table, kpis)
    )


def _per_point(runs: pd.DataFrame, points: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
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
    return points.merge(pd.DataFrame(rows), on="point")


def _write(folder: Path, result: SweepResult) -> None:
    """The sweep's tables, each written atomically."""
    write_table(folder / "sweep.csv", result.runs)
    write_table(folder / "sweep.parquet", result.runs)
    write_table(folder / "sweep_summary.csv", result.summary)
