"""Paired comparisons of scenarios under common random numbers.

Replication r of every scenario uses the same seed, so each contact brings the same luck to
every scenario and the differences from the baseline are paired: their t-intervals are far
narrower than those of independent runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from klarsim.config import Problem, Scenario, ScenarioError, scenario_yaml
from klarsim.experiments.run import (
    Failure,
    OnFailure,
    Progress,
    Task,
    execute,
    recording,
    resolve_scenario,
)
from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, t_interval
from klarsim.metrics.tables import HEADLINE_KPIS, events_table, summary_table, timeseries_table
from klarsim.results.atomic import write_text
from klarsim.results.writer import OutputFolder, describe_job, output_folder, write_table


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


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    reps: int | None = None,
    seed: int | None = None,
    baseline: str | None = None,
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    resume: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
    kpis: Sequence[str] = HEADLINE_KPIS,
) -> ComparisonResult:
    """Run every scenario with the same seeds and compare each with the baseline.

    With ``out``, each finished run is saved there at once; ``resume`` reuses the runs a
    previous, interrupted call with the same scenarios, seed and replications left there.
    """
    resolved = [resolve_scenario(scenario, overrides) for scenario in scenarios]
    base = _baseline(resolved, baseline)
    count = reps if reps is not None else resolved[0].experiment.replications
    run_seed = resolved[0].experiment.seed if seed is None else seed
    tasks = [Task(s, replication, run_seed) for s in resolved for replication in range(count)]
    options: dict[str, Any] = {"workers": workers, "scheduler": scheduler, "progress": progress}
    if out is None:
        results = execute(tasks, **options, on_failure=on_failure)
        return _result(resolved, base, results, kpis)
    described = describe_job("compare", scenarios=resolved, seed=run_seed, replications=count)
    details = {
        "scenarios": [scenario.name for scenario in resolved],
        "baseline": base,
        "seed": run_seed,
        "replications": list(range(count)),
        "seeding": "replication r of every scenario: streams seeded from (seed, r, stream name)",
    }
    failures: list[Failure] = []
    with output_folder(
        Path(out), job=described, details=details, force=force, resume=resume
    ) as folder:
        _write_scenarios(folder, resolved)
        failing = recording(failures, on_failure)
        results = execute(tasks, **options, on_failure=failing, store=folder.runs)
        result = _result(resolved, base, results, kpis)
        _write(folder.path, result)
        folder.complete(
            replications=sorted({int(r) for r in result.summary["replication"]}),
            failed_runs=[dataclasses.asdict(failure) for failure in failures],
        )
    return result


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
    scenarios: list[Scenario], baseline: str, results: Sequence[Any], kpis: Sequence[str]
) -> ComparisonResult:
    summary = summary_table(results)
    return ComparisonResult(
        scenarios=scenarios,
        baseline=baseline,
        summary=summary,
        timeseries=timeseries_table(results),
        comparison=comparison_table(summary, baseline, with_full_scale(kpis, summary)),
        events=events_table(results),
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
    """Per KPI and scenario: mean and CI, difference from the baseline and its paired CI."""
    wide = summary.pivot(index="replication", columns="scenario")
    rows = []
    for kpi in kpis:
        base = wide[kpi][baseline].to_numpy(dtype=float)
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


def _write_scenarios(folder: OutputFolder, scenarios: Sequence[Scenario]) -> None:
    """Each resolved scenario as ``scenarios/NAME.yaml``, written before the runs."""
    scenario_folder = folder.path / "scenarios"
    scenario_folder.mkdir(exist_ok=True)
    for scenario in scenarios:
        write_text(scenario_folder / f"{scenario.name}.yaml", scenario_yaml(scenario))


def _write(folder: Path, result: ComparisonResult) -> None:
    """The comparison's tables, each written atomically."""
    write_table(folder / "summary.csv", result.summary)
    write_table(folder / "timeseries.csv", result.timeseries)
    write_table(folder / "comparison.csv", result.comparison)
    if result.events is not None:
        write_table(folder / "events.csv", result.events)
