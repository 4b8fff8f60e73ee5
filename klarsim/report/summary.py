"""The report's opening: the question asked, the findings, and what a reader must know once.

Shared by ``report.html`` and ``report.pptx`` so both say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from klarsim.plots import swept_keys
from klarsim.plots.measures import FULL_SCALE
from klarsim.report.findings import (
    Finding,
    comparison_findings,
    run_findings,
    sweep_findings,
)
from klarsim.report.planning import planning_findings, planning_notes, planning_question
from klarsim.results.reader import ResultsFolder

PAIRED_COLUMNS = ("difference", "difference_ci_low", "difference_ci_high")
"""Without these (a comparison too old to have them) the findings are the levels, as a run's."""


@dataclass(frozen=True)
class Summary:
    """The question, three to six findings, and the notes said once (scale, intervals)."""

    question: str
    findings: list[Finding]
    notes: list[str]


def summary_of(folder: ResultsFolder) -> Summary:
    """The summary of a run, compare, sweep, staffing or capacity folder."""
    if folder.planning:
        return Summary(planning_question(folder), findings_of(folder), planning_notes(folder))
    notes = [_interval_note(folder)]
    if folder.scale != 1.0:
        notes.insert(0, scale_note(folder.scale))
    return Summary(question_of(folder), findings_of(folder), notes)


def findings_of(folder: ResultsFolder) -> list[Finding]:
    """The findings the folder's tables support."""
    if folder.planning:
        return planning_findings(folder)
    comparison = folder.full_scale_comparison()
    paired = comparison is not None and set(PAIRED_COLUMNS) <= set(comparison.columns)
    if folder.kind == "compare" and comparison is not None and paired:
        return comparison_findings(comparison, baseline_of(folder))
    points = full_scale_points(folder)
    if folder.kind == "sweep" and points is not None:
        return sweep_findings(points)
    return run_findings(folder.summary)


def full_scale_points(folder: ResultsFolder) -> pd.DataFrame | None:
    """sweep_summary.csv with money and counts also at full scale (``KPI_full_scale_mean``).

    A KPI is extrapolated (divided by the scale) when sweep.csv has its ``_full_scale``
    column, as the comparison does; rates stay those of the smaller centre.
    """
    points = folder.sweep_summary
    if points is None or folder.scale == 1.0:
        return points
    points = points.copy()
    for column in [c for c in points.columns if c.endswith("_mean")]:
        kpi = column.removesuffix("_mean")
        if f"{kpi}{FULL_SCALE}" in folder.summary.columns:
            for part in ("mean", "ci_low", "ci_high"):
                if f"{kpi}_{part}" in points.columns:
                    points[f"{kpi}{FULL_SCALE}_{part}"] = points[f"{kpi}_{part}"] / folder.scale
    return points


def question_of(folder: ResultsFolder) -> str:
    """What the folder's runs ask, with their horizon, replications and scale."""
    if folder.planning:
        return planning_question(folder)
    names = folder.scenario_names
    setting = settings_text(folder)
    if folder.kind == "compare":
        baseline = baseline_of(folder)
        others = _joined([name for name in names if name != baseline])
        return f"What changes when {others} replaces {baseline}? {setting}, paired."
    if folder.kind == "sweep" and folder.sweep_summary is not None:
        keys = ", ".join(swept_keys(folder.sweep_summary))
        points = len(folder.sweep_summary)
        return f"How do the headline KPIs move across {points} settings of {keys}? {setting}."
    return f"How does {_joined(names)} perform? {setting}."


def settings_text(folder: ResultsFolder) -> str:
    """'56 days, 4 replications per scenario, scale 0.1' (the parts that are known)."""
    parts = []
    horizon = horizon_days(folder)
    if horizon is not None:
        parts.append(f"{horizon:g} days")
    unit = {"sweep": "point", "staff": "simulation", "capacity": "simulation"}.get(
        folder.kind, "scenario"
    )
    parts.append(f"{replications_of(folder)} replications per {unit}")
    parts.append(f"scale {folder.scale:g}")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def scale_note(scale: float) -> str:
    """The full-scale extrapolation, said once."""
    return (
        f"The runs were at scale {scale:g} of the full centre: money and counts are "
        f"extrapolated to full scale (divided by {scale:g}); rates, waits and scores are "
        "those of the smaller centre."
    )


def replications_of(folder: ResultsFolder) -> int:
    """Replications per scenario (or sweep point, or plan simulation)."""
    return folder.replications


def horizon_days(folder: ResultsFolder) -> float | None:
    """The runs' horizon in days, from the first resolved scenario (None if absent)."""
    if folder.kind == "staff" and isinstance(folder.job.get("days"), int | float):
        return float(folder.job["days"])  # a staffing plan simulates its own --days
    for scenario in folder.scenarios:
        experiment = scenario.values.get("experiment")
        if isinstance(experiment, Mapping) and isinstance(
            experiment.get("horizon_days"), int | float
        ):
            return float(experiment["horizon_days"])
    return None


def baseline_of(folder: ResultsFolder) -> str:
    """The comparison's baseline (the first scenario when the manifest names none)."""
    return folder.baseline or folder.scenario_names[0]


def run_details(folder: ResultsFolder) -> list[tuple[str, str]]:
    """Folder, command, versions, seed, scale and replications: the appendix's rows."""
    manifest: Mapping[str, Any] = folder.manifest
    rows = [
        ("folder", str(folder.path.resolve())),
        ("kind", folder.kind),
        ("command", str(manifest.get("command", "unknown"))),
        ("seed", str(manifest.get("seed", folder.job.get("seed", "unknown")))),
        ("replications", str(replications_of(folder))),
        ("scale", f"{folder.scale:g}"),
    ]
    if folder.baseline:
        rows.append(("baseline", folder.baseline))
    rows.append(("klarsim", str(manifest.get("klarsim_version", "unknown"))))
    if "python" in manifest:
        rows.append(("python", str(manifest["python"])))
    libraries = manifest.get("libraries")
    if isinstance(libraries, Mapping):
        rows.append(("libraries", ", ".join(f"{k} {v}" for k, v in libraries.items())))
    if "started" in manifest:
        rows.append(("run", f"{manifest['started']} to {manifest.get('finished', '?')}"))
    return rows


def _interval_note(folder: ResultsFolder) -> str:
    if folder.kind == "compare":
        return (
            "Each finding gives the paired 95% interval under common random numbers; a "
            "difference whose interval includes zero is reported as no detectable difference "
            "at these settings. Figures are rounded to the digits their interval supports."
        )
    if folder.kind == "sweep":
        return (
            "Two settings are told apart only when their 95% intervals do not overlap; "
            "figures are rounded to the digits their interval supports."
        )
    return "Means over the replications with 95% intervals, rounded to the digits they support."


def _joined(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" or {names[-1]}"


__all__ = [
    "Summary",
    "baseline_of",
    "findings_of",
    "full_scale_points",
    "horizon_days",
    "question_of",
    "replications_of",
    "run_details",
    "scale_note",
    "summary_of",
]
