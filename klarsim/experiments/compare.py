"""Paired comparisons of scenarios under common random numbers.

Replication r of every scenario uses the same seed, so each contact brings the same luck to
every scenario and the differences from the baseline are paired: their t-intervals are far
narrower than those of independent runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError
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
from klarsim.metrics.columns import COMPARISON_COLUMNS, HEADLINE_KPIS
from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, t_interval
from klarsim.metrics.tables import (
    events_table,
    labour_table,
    measured_labour,
    summary_table,
    timeseries_table,
)
from klarsim.results import files
from klarsim.results.writer import write_scenarios, write_table
from klarsim.sim.records import ReplicationResult


@dataclass(frozen=True)
class ComparisonResult:
    """Per replication rows of every scenario and the comparison table."""

    scenarios: list[Scenario]
    baseline: str
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    comparison: pd.DataFrame
    events: pd.DataFrame | None = None
    """Timeline actions and guardrail firings of every scenario and replication."""
    labour: pd.DataFrame | None = None
    """Per scenario, replication and pool, what people work and earn; None: not measured."""


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    reps: int | None = None,
    seed: int | None = None,
    baseline: str | None = None,
    overrides: Overrides | None = None,
    kpis: Sequence[str] = HEADLINE_KPIS,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> ComparisonResult:
    """Run every scenario with the same seeds and compare each with the baseline.

    The first scenario gives the default replications and seed, and is the default baseline.
    ``executor`` and ``out`` are as for ``run``: with a results folder, each finished run
    is saved there at once, and a resumed comparison runs only the missing ones.
    """
    resolved = [resolve_scenario(scenario, overrides) for scenario in scenarios]
    if not resolved:
        raise ScenarioError([Problem("compare", "", "expected two or more scenarios, got none")])
    count = replications(reps, resolved[0])
    check_runs(count * len(resolved))
    job = CompareJob(
        scenarios=resolved,
        seed=seed_of(seed, resolved[0]),
        replications=count,
        baseline=_baseline(resolved, baseline),
        kpis=tuple(kpis),
    )
    return perform(job, executor, out)


SEEDING = "replication r of every scenario: streams seeded from (seed, r, stream name)"


@dataclass(frozen=True)
class CompareJob(Job[ComparisonResult]):
    """Replication r of every scenario with the same seed; differences from the baseline."""

    baseline: str = ""
    kpis: tuple[str, ...] = HEADLINE_KPIS

    kind: ClassVar[str] = "compare"

    def details(self) -> dict[str, Any]:
        return {
            "scenarios": [scenario.name for scenario in self.scenarios],
            "baseline": self.baseline,
            "seed": self.seed,
            "replications": list(range(self.replications)),
            "seeding": SEEDING,
        }

    def write_inputs(self, folder: Path) -> None:
        write_scenarios(folder, self.scenarios)

    def execute(self, runner: Runner) -> ComparisonResult:
        tasks = [
            Task(scenario, replication, self.seed)
            for scenario in self.scenarios
            for replication in range(self.replications)
        ]
        return _result(list(self.scenarios), self.baseline, runner.execute(tasks), self.kpis)

    def write(self, folder: Path, result: ComparisonResult) -> None:
        write_table(folder / files.SUMMARY, result.summary)
        write_table(folder / files.TIMESERIES, result.timeseries)
        write_table(folder / files.COMPARISON, result.comparison)
        if result.events is not None:
            write_table(folder / files.EVENTS, result.events)
        if result.labour is not None:
            write_table(folder / files.LABOUR, result.labour)

    def completion(self, result: ComparisonResult) -> dict[str, Any]:
        return {"replications": sorted({int(r) for r in result.summary.get("replication", [])})}

    def has_runs(self, result: ComparisonResult) -> bool:
        return not result.summary.empty


def _baseline(scenarios: list[Scenario], baseline: str | None) -> str:
    names = [scenario.name for scenario in scenarios]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        message = f"expected distinct scenario names, got {', '.join(repeated)} more than once"
        raise ScenarioError([Problem("compare", "name", message)])
    if baseline is not None and baseline not in names:
        message = f"unknown baseline {baseline!r}; expected one of: {', '.join(names)}"
        raise ScenarioError([Problem("--baseline", "name", message)])
    return baseline if baseline is not None else names[0]


def _result(
    scenarios: list[Scenario],
    baseline: str,
    results: Sequence[ReplicationResult],
    kpis: Sequence[str],
) -> ComparisonResult:
    summary = summary_table(results)
    return ComparisonResult(
        scenarios=scenarios,
        baseline=baseline,
        summary=summary,
        timeseries=timeseries_table(results),
        comparison=comparison_table(summary, baseline, with_full_scale(kpis, summary)),
        events=events_table(results),
        labour=labour_table(results) if measured_labour(results) else None,
    )


def with_full_scale(kpis: Sequence[str], summary: pd.DataFrame) -> list[str]:
    """The KPIs, each followed by its ``_full_scale`` version where a scenario was scaled."""
    shown: list[str] = []
    for kpi in kpis:
        shown.append(kpi)
        full = f"{kpi}_full_scale"
        if full in summary and not summary[full].equals(summary[kpi].astype(float)):
            shown.append(full)
    return shown


def comparison_table(
    summary: pd.DataFrame,
    baseline: str,
    kpis: Sequence[str] = HEADLINE_KPIS,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Per KPI and scenario: mean and CI, difference from the baseline and its paired CI.

    Differences pair only the replications that finished in both scenarios; with no
    finished run of the baseline they are NaN, and with no run at all the table is empty.
    """
    if summary.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    wide = summary.pivot(index="replication", columns="scenario")
    rows = []
    for kpi in kpis:
        base = (
            wide[kpi][baseline].to_numpy(dtype=float)
            if baseline in wide[kpi]
            else np.full(len(wide), np.nan)
        )
        for scenario in summary["scenario"].unique():
            values = wide[kpi][scenario].to_numpy(dtype=float)
            level, difference = (
                t_interval(values, confidence),
                t_interval(values - base, confidence),
            )
            rows.append(
                {
                    "kpi": kpi,
                    "scenario": scenario,
                    "mean": level.mean,
                    "ci_low": level.low,
                    "ci_high": level.high,
                    "difference": difference.mean,
                    "difference_ci_low": difference.low,
                    "difference_ci_high": difference.high,
                    "replications": level.replications,
                }
            )
    return pd.DataFrame(rows)
