"""Sweeps: one scenario run at every point of a design, with the same seeds at every point.

Every point is validated before anything runs. Replication r of every point uses the seed
of replication r, so neighbouring points differ by their parameters, not by their luck.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError, scenario_yaml, with_overrides
from klarsim.designs import Point, grid_points, lhs_points
from klarsim.experiment import OnFailure, Progress, Task, execute, resolve_scenario
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.tables import HEADLINE_KPIS, summary_table
from klarsim.records import ReplicationResult
from klarsim.store import manifest, now_iso, staged_folder, write_json


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
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
    kpis: Sequence[str] = HEADLINE_KPIS,
) -> SweepResult:
    """Run the scenario at every point; every point is checked before the first run."""
    base = resolve_scenario(scenario, overrides)
    variants = [_variant(base, index, point) for index, point in enumerate(points)]
    count = reps if reps is not None else base.experiment.replications
    run_seed = base.experiment.seed if seed is None else seed
    tasks = [
        Task(variant, replication, run_seed) for variant in variants for replication in range(count)
    ]
    if out is None:
        results = execute(
            tasks, workers=workers, scheduler=scheduler, progress=progress, on_failure=on_failure
        )
        return _result(base, points, results, count, kpis)
    started = now_iso()
    with staged_folder(Path(out), force=force) as folder:
        results = execute(
            tasks, workers=workers, scheduler=scheduler, progress=progress, on_failure=on_failure
        )
        result = _result(base, points, results, count, kpis)
        _write(folder, result, seed=run_seed, started=started)
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
    results: list[ReplicationResult],
    reps: int,
    kpis: Sequence[str],
) -> SweepResult:
    table = pd.DataFrame([dict(point) for point in points])
    table.insert(0, "point", range(len(points)))
    runs = summary_table(results)
    runs.insert(0, "point", [index // reps for index in range(len(results))])
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


def _write(folder: Path, result: SweepResult, *, seed: int, started: str) -> None:
    (folder / "scenario.yaml").write_text(scenario_yaml(result.scenario), encoding="utf-8")
    result.runs.to_csv(folder / "sweep.csv", index=False)
    result.runs.to_parquet(folder / "sweep.parquet", index=False)
    result.summary.to_csv(folder / "sweep_summary.csv", index=False)
    write_json(
        folder / "manifest.json",
        manifest(
            scenario=result.scenario.name,
            points=len(result.points),
            seed=seed,
            seeding="replication r at every point: streams seeded from (seed, r, stream name)",
            command=shlex.join(sys.argv),
            started=started,
            finished=now_iso(),
        ),
    )
