"""The Klarna effects separated: what each change on the timeline did to each headline KPI.

The leap and the hybrid mix several changes. Each change here is a transform of the scenario
data, taken from the leap's or the hybrid's own values (no YAML is copied), applied in
timeline order to the 2023 baseline: AI launch (a person on request, context kept) -> refused
requests -> lost context -> freeze -> layoff (= the leap) -> reversal (= the hybrid). Two
extra scenarios, the freeze and the staff cuts without the AI, measure the order dependence.
All run as one comparison under common random numbers, so each step's effect is a paired
difference with a t-interval, and the steps sum exactly to the total change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from klarsim.cases.klarna.check import BASELINE, HYBRID, LEAP, savings_by_year
from klarsim.cases.klarna.scenarios import klarna_scenarios
from klarsim.config import Scenario, load_scenario, with_overrides
from klarsim.config.loader import scenario_data
from klarsim.experiments.compare import ComparisonResult, compare
from klarsim.experiments.executors import ExecutorOptions
from klarsim.experiments.job import OutputOptions
from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, t_interval
from klarsim.results import files
from klarsim.results.writer import write_table

EFFECT_KPIS = ("csat_mean", "churned", "service_level", "cost_operating", "cost_total")
"""The headline KPIs attributed; each is taken at full scale where the summary has it."""
FREEZE_ALONE = "effects-freeze-without-ai"
CUTS_ALONE = "effects-cuts-without-ai"
AI_ONLY = "effects-lost-context"
"""The chain's scenario with every AI change and no staff cut."""

Data = dict[str, Any]
Transform = Callable[[Data, Data, Data], Data]
"""(current data, the leap's, the hybrid's) -> dotted overrides toward the target."""


@dataclass(frozen=True)
class Change:
    """A named change on the timeline: the scenario it leads to and how to get there."""

    label: str
    scenario: str
    transform: Transform


@dataclass(frozen=True)
class Contrast:
    """One row of the attribution: a weighted sum of scenarios, paired by replication."""

    change: str
    kind: str
    terms: tuple[tuple[str, float], ...]
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class EffectsResult:
    """The comparison of the counterfactual scenarios, the effects and the yearly savings."""

    comparison: ComparisonResult
    effects: pd.DataFrame
    savings: pd.DataFrame
    folder: Path | None


def _entries(data: Data, action: str) -> list[Data]:
    """The timeline entries of ``data`` with this action."""
    return [entry for entry in data.get("timeline") or [] if entry["action"] == action]


def _timeline(current: Data, *added: list[Data]) -> list[Data]:
    return [*(current.get("timeline") or []), *(entry for group in added for entry in group)]


def _ai_launch(current: Data, leap: Data, _hybrid: Data) -> Data:
    """The leap's AI and its ramp, but a person on request and the context kept."""
    ai = copy.deepcopy(leap["ai"])
    ai["human_on_request"] = True
    ai["handoff"]["with_context"] = True
    return {"ai": ai, "timeline": _timeline(current, _entries(leap, "ramp"))}


def _refused(_current: Data, leap: Data, _hybrid: Data) -> Data:
    return {"ai.human_on_request": leap["ai"]["human_on_request"]}


def _lost_context(_current: Data, leap: Data, _hybrid: Data) -> Data:
    return {"ai.handoff.with_context": leap["ai"]["handoff"]["with_context"]}


def _freeze(current: Data, leap: Data, _hybrid: Data) -> Data:
    return {"timeline": _timeline(current, _entries(leap, "freeze"))}


def _layoff(current: Data, leap: Data, _hybrid: Data) -> Data:
    return {"timeline": _timeline(current, _entries(leap, "layoff"))}


def _reversal(current: Data, leap: Data, hybrid: Data) -> Data:
    """The hybrid's gig pool and the timeline entries it adds to the leap's."""
    added = [entry for entry in hybrid["timeline"] if entry not in leap["timeline"]]
    return {"pools.gig": hybrid["pools"]["gig"], "timeline": _timeline(current, added)}


CHANGES = (
    Change("AI launch", "effects-ai-launch", _ai_launch),
    Change("refused requests", "effects-refused-requests", _refused),
    Change("lost context", AI_ONLY, _lost_context),
    Change("freeze", "effects-freeze", _freeze),
    Change("layoff", LEAP, _layoff),
    Change("reversal", HYBRID, _reversal),
)
"""The chain in timeline order; the layoff step gives the leap, the reversal the hybrid."""
ALONE = (
    Change("freeze", FREEZE_ALONE, _freeze),
    Change("freeze and layoff", CUTS_ALONE, _layoff),
)
"""The staff cuts applied to the baseline without the AI: the check of order dependence."""


def _apply(scenario: Scenario, change: Change, leap: Data, hybrid: Data) -> Scenario:
    """``scenario`` with ``change`` applied, named after the scenario it leads to."""
    current = scenario_data(scenario)
    overrides = change.transform(current, leap, hybrid)
    targets = {LEAP: leap, HYBRID: hybrid}
    target = targets.get(change.scenario)
    description = (
        target["description"]
        if target is not None
        else f"Klarna effects chain: {scenario.name} with the {change.label} added."
    )
    ranges = {"uncertain": target["uncertain"]} if target is not None else {}  # its own
    return with_overrides(
        scenario, {**overrides, "name": change.scenario, "description": description, **ranges}
    )


def effect_scenarios(baseline: Scenario, leap: Scenario, hybrid: Scenario) -> list[Scenario]:
    """The baseline, each step of the chain, then the staff cuts without the AI."""
    leap_data, hybrid_data = scenario_data(leap), scenario_data(hybrid)
    chain = [baseline]
    for change in CHANGES:
        chain.append(_apply(chain[-1], change, leap_data, hybrid_data))
    alone = [baseline]
    for change in ALONE:
        alone.append(_apply(alone[-1], change, leap_data, hybrid_data))
    return [*chain, *alone[1:]]


def klarna_contrasts() -> list[Contrast]:
    """The rows of ``effects.csv`` for the Klarna chain, in the order they are shown."""
    before = [BASELINE, *(change.scenario for change in CHANGES[:-1])]
    steps = [
        _difference(change.label, "step", start, change.scenario)
        for change, start in zip(CHANGES, before, strict=True)
    ]
    ai_label = "AI (launch, refused requests, lost context)"
    ai_alone = _difference(ai_label, "order", BASELINE, AI_ONLY)
    cuts_after_ai = _difference("staff cuts after the AI", "order", AI_ONLY, LEAP)
    return [
        *steps,
        _difference("total to the leap", "total", BASELINE, LEAP),
        _difference("total to the hybrid", "total", BASELINE, HYBRID),
        _difference("freeze without the AI", "order", BASELINE, FREEZE_ALONE),
        _difference("staff cuts without the AI", "order", BASELINE, CUTS_ALONE),
        ai_alone,
        cuts_after_ai,
        _difference("AI after the staff cuts", "order", CUTS_ALONE, LEAP),
        Contrast(
            "interaction of the AI and the staff cuts",
            "interaction",
            ((LEAP, 1.0), (CUTS_ALONE, -1.0), (AI_ONLY, -1.0), (BASELINE, 1.0)),
        ),
        _shapley("AI (Shapley)", ai_alone.terms, ((LEAP, 1.0), (CUTS_ALONE, -1.0))),
        _shapley(
            "staff cuts (Shapley)", cuts_after_ai.terms, ((CUTS_ALONE, 1.0), (BASELINE, -1.0))
        ),
    ]


def chain_contrasts(
    scenarios: Sequence[str], labels: Sequence[str] | None = None
) -> list[Contrast]:
    """Any chain of scenarios: one step per scenario after the first, then the total."""
    names = list(scenarios)
    steps = list(labels) if labels is not None else names[1:]
    rows = [
        _difference(label, "step", start, end)
        for label, start, end in zip(steps, names[:-1], names[1:], strict=True)
    ]
    return [*rows, _difference(f"total to {names[-1]}", "total", names[0], names[-1])]


def _difference(change: str, kind: str, start: str, end: str) -> Contrast:
    return Contrast(change, kind, ((end, 1.0), (start, -1.0)), start, end)


def _shapley(
    change: str, first: tuple[tuple[str, float], ...], second: tuple[tuple[str, float], ...]
) -> Contrast:
    """The mean of a group's effect added first and added last (two groups: exact Shapley)."""
    terms = tuple((name, weight / 2) for name, weight in (*first, *second))
    return Contrast(change, "shapley", terms, BASELINE, LEAP)


def attribute_effects(
    summary: pd.DataFrame,
    contrasts: Sequence[Contrast],
    kpis: Sequence[str] = EFFECT_KPIS,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Per KPI and contrast: the paired mean effect, its t-interval and the levels around it.

    Replication r of every scenario is paired (common random numbers); ``start`` and ``end``
    are the means of the contrast's scenarios before and after (NaN for an interaction).
    """
    rows = []
    for kpi in kpis:
        column = _column(summary, kpi)
        wide = summary.pivot(index="replication", columns="scenario", values=column)
        for contrast in contrasts:
            rows.append(_row(wide, kpi, column, contrast, confidence))
    return pd.DataFrame(rows)


def _column(summary: pd.DataFrame, kpi: str) -> str:
    full = f"{kpi}_full_scale"
    return full if full in summary.columns else kpi


def _row(
    wide: pd.DataFrame, kpi: str, column: str, contrast: Contrast, confidence: float
) -> dict[str, Any]:
    paired = np.zeros(len(wide))
    for name, weight in contrast.terms:
        paired += wide[name].to_numpy(dtype=float) * weight
    interval = t_interval(paired, confidence)
    return {
        "kpi": column,
        "change": contrast.change,
        "kind": contrast.kind,
        "effect": interval.mean,
        "ci_low": interval.low,
        "ci_high": interval.high,
        "start": _mean(wide, contrast.start),
        "end": _mean(wide, contrast.end),
        "from_scenario": contrast.start or "",
        "to_scenario": contrast.end or "",
        "replications": interval.replications,
    }


def _mean(wide: pd.DataFrame, scenario: str | None) -> float:
    return float(wide[scenario].mean()) if scenario is not None else float("nan")


def klarna_effects(
    *,
    reps: int | None = None,
    seed: int | None = None,
    overrides: list[str] | None = None,
    executor: ExecutorOptions | None = None,
    out: OutputOptions | str | Path | None = None,
) -> EffectsResult:
    """Run the Klarna effects chain under common random numbers and attribute the changes.

    With a results folder ``out`` (resumable like any comparison), also writes
    ``effects.csv`` and ``savings_by_year.csv`` there.
    """
    paths = klarna_scenarios()
    loaded = [load_scenario(paths[index], overrides) for index in range(3)]
    comparison = compare(
        effect_scenarios(*loaded),
        reps=reps,
        seed=seed,
        baseline=BASELINE,
        executor=executor,
        out=out,
    )
    effects = attribute_effects(comparison.summary, klarna_contrasts())
    savings = savings_by_year(comparison.summary, comparison.timeseries)
    folder = _folder(out)
    if folder is not None:
        write_effects(folder, effects, savings)
    return EffectsResult(comparison, effects, savings, folder)


def _folder(out: OutputOptions | str | Path | None) -> Path | None:
    if out is None:
        return None
    return out.path if isinstance(out, OutputOptions) else Path(out)


def write_effects(folder: Path, effects: pd.DataFrame, savings: pd.DataFrame) -> None:
    """``effects.csv`` and ``savings_by_year.csv`` into a results folder."""
    write_table(folder / files.EFFECTS, effects)
    write_table(folder / files.SAVINGS_BY_YEAR, savings)
