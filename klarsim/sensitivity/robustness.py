"""``robustness``: how likely an alternative plan beats the baseline under uncertain assumptions.

The assumptions (the plans' ``uncertain:`` sections and ``--range``) are drawn by a seeded
Latin hypercube through each one's distribution; both plans run at every sample with the same
seeds (common random numbers, as in a sweep), so each sample gives a paired difference per
KPI. A key only one plan holds is set in that plan only. Every point is validated before the
first run; the runs are stored and resumable like a sweep's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from scipy.stats import qmc

from klarsim.config import Problem, Scenario, ScenarioError, scenario_data
from klarsim.experiments.designs import check_size
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
from klarsim.experiments.sweep import SweepJob, SweepResult
from klarsim.results.writer import write_scenarios, write_table
from klarsim.sensitivity.names import (
    ROBUSTNESS,
    ROBUSTNESS_SUMMARY,
    SUMMARY_COLUMNS,
    better_direction,
    ranked_kpis,
)
from klarsim.sensitivity.points import checked_kpis, summary_kpis, variant
from klarsim.sensitivity.ranges import Range, collect_ranges, from_unit, point_for, rounded
from klarsim.sensitivity.verdict import verdict

PLANS = ("baseline", "alternative")


@dataclass(frozen=True)
class RobustnessResult:
    """One row per sample (``robustness.csv``) and one per KPI (``robustness_summary.csv``)."""

    samples: pd.DataFrame
    summary: pd.DataFrame
    sweep: SweepResult
    ranges: tuple[Range, ...]


def robustness(
    baseline: Scenario | str | Path,
    alternative: Scenario | str | Path,
    *,
    kpis: Sequence[str],
    ranges: Sequence[str] = (),
    samples: int = 20,
    reps: int | None = None,
    seed: int | None = None,
    overrides: Overrides | None = None,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> RobustnessResult:
    """Run both plans at ``samples`` draws of the assumptions; per KPI, the probability the
    alternative is better, the paired difference's spread and what the verdict hinges on."""
    plans = [resolve_scenario(plan, overrides) for plan in (baseline, alternative)]
    if plans[0].name == plans[1].name:
        message = f"expected two plans with different names, got {plans[0].name!r} twice"
        raise ScenarioError([Problem("ALTERNATIVE", "name", message)])
    wanted = checked_kpis(kpis, ranked_kpis())
    spreads = tuple(collect_ranges(plans, ranges))
    run_seed = seed_of(seed, plans[0])
    count = replications(reps, plans[0])
    check_size([2 * samples], "--samples")
    check_runs(2 * samples * count)
    unit = qmc.LatinHypercube(d=len(spreads), seed=run_seed).random(samples)
    rows = rounded(spreads, from_unit(spreads, unit))
    points, variants = [], []
    for plan_index, plan in enumerate(plans):
        data = scenario_data(plan)
        for sample, row in enumerate(rows):
            point = point_for(spreads, row, data)
            label = f"{PLANS[plan_index]} {plan.name} at sample {sample}"
            points.append(point)
            variants.append(variant(plan, label, point))
    sweep = SweepJob(
        scenarios=plans,
        seed=run_seed,
        replications=count,
        points=tuple(points),
        variants=tuple(variants),
        kpis=summary_kpis(wanted),
    )
    job = RobustnessJob(
        scenarios=plans,
        seed=run_seed,
        replications=count,
        sweep=sweep,
        ranges=spreads,
        kpis=wanted,
        rows=tuple(tuple(float(value) for value in row) for row in rows),
    )
    return perform(job, executor, out)


@dataclass(frozen=True)
class RobustnessJob(Job[RobustnessResult]):
    """Both plans at every sample (a sweep of 2 x samples points), then the verdicts."""

    sweep: SweepJob | None = None
    ranges: tuple[Range, ...] = ()
    kpis: tuple[str, ...] = ()
    rows: tuple[tuple[float, ...], ...] = ()

    kind: ClassVar[str] = "robustness"

    @property
    def points(self) -> SweepJob:
        """The sweep that runs both plans at every sample."""
        assert self.sweep is not None
        return self.sweep

    def identity(self) -> dict[str, Any]:
        return {**self.points.identity(), "kpis": list(self.kpis)}

    def simulated(self) -> Sequence[Scenario]:
        return self.points.simulated()

    def details(self) -> dict[str, Any]:
        return {
            "baseline": self.scenarios[0].name,
            "alternative": self.scenarios[1].name,
            "samples": len(self.rows),
            "points": len(self.points.points),
            "parameters": [spread.key for spread in self.ranges],
            "kpis": list(self.kpis),
            "seed": self.seed,
            "seeding": "replication r of both plans at every sample: the same seed",
        }

    def write_inputs(self, folder: Path) -> None:
        write_scenarios(folder, self.scenarios)

    def execute(self, runner: Runner) -> RobustnessResult:
        swept = self.points.execute(runner)
        samples = self._samples(swept)
        summary = summary_table(samples, self.ranges, self.kpis)
        return RobustnessResult(samples, summary, swept, self.ranges)

    def _samples(self, swept: SweepResult) -> pd.DataFrame:
        """Per sample: the assumptions as run, each plan's KPI means and their difference."""
        count = len(self.rows)
        table = pd.DataFrame({"sample": range(count)})
        for column, spread in enumerate(self.ranges):
            table[spread.key] = [spread.value(row[column]) for row in self.rows]
        means = swept.summary.set_index("point") if not swept.summary.empty else None
        for kpi in self.kpis:
            found = means[f"{kpi}_mean"] if means is not None else pd.Series(dtype=float)
            for offset, plan in enumerate(PLANS):
                points = table["sample"] + offset * count
                table[f"{kpi}_{plan}"] = points.map(found).astype(float)
            table[f"{kpi}_difference"] = table[f"{kpi}_alternative"] - table[f"{kpi}_baseline"]
        return table

    def has_runs(self, result: RobustnessResult) -> bool:
        return self.points.has_runs(result.sweep)

    def write(self, folder: Path, result: RobustnessResult) -> None:
        self.points.write(folder, result.sweep)
        write_table(folder / ROBUSTNESS, result.samples)
        write_table(folder / ROBUSTNESS_SUMMARY, result.summary)


def summary_table(
    samples: pd.DataFrame, ranges: Sequence[Range], kpis: Sequence[str]
) -> pd.DataFrame:
    """One row per KPI: its direction and verdict (``robustness_summary.csv``)."""
    names = [spread.key for spread in ranges]
    assumptions = samples[names].to_numpy(dtype=float)
    rows = []
    for kpi in kpis:
        better = better_direction(kpi)
        assert better is not None  # checked against ranked_kpis()
        differences = samples[f"{kpi}_difference"].to_numpy(dtype=float)
        found = verdict(differences, assumptions, names, better)
        rows.append(
            {
                "kpi": kpi,
                "better": better,
                "probability_alternative_better": found.probability,
                **{key: getattr(found, key) for key in SUMMARY_COLUMNS[3:]},
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
