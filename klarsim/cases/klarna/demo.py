"""The Klarna demo: compare the four reference scenarios, draw every plot, write the report
(``report.html``) and the slide deck (``report.pptx``).

The reference scenarios ship with klarsim (``bundled_scenarios``), so the demo runs from a
fresh clone or an installed wheel alike. With ``effects``, the demo also runs the effects
chain (``klarsim.cases.klarna.effects``) into ``FOLDER/effects`` and shows its attribution
in the demo's report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from klarsim.cases.klarna.check import savings_by_year
from klarsim.cases.klarna.effects import EffectsResult, klarna_effects
from klarsim.cases.klarna.scenarios import KLARNA_FILES, klarna_scenarios
from klarsim.experiments.compare import ComparisonResult, compare
from klarsim.experiments.executors import ExecutorOptions
from klarsim.experiments.job import OutputOptions
from klarsim.results import files
from klarsim.results.writer import write_table

BASELINE = "human-centre-2023"
DEFAULT_FOLDER = Path("klarsim-demo")
EFFECTS_FOLDER = "effects"
"""The effects chain's own results folder, inside the demo's."""
EFFECT_SCENARIOS = 9
"""Scenarios of the effects chain: baseline, six changes, two order checks."""


@dataclass(frozen=True)
class DemoResult:
    """The comparison, where its plots, report and slides went; the effects chain if run."""

    comparison: ComparisonResult
    folder: Path
    plots: list[Path]
    report: Path
    effects: EffectsResult | None = None
    slides: Path | None = None


def run_demo(
    *,
    reps: int | None = None,
    overrides: list[str] | None = None,
    executor: ExecutorOptions | None = None,
    out: OutputOptions | None = None,
    effects: bool = False,
) -> DemoResult:
    """Compare the Klarna scenarios under common random numbers, then plot, report, slides.

    The results go to ``out`` (default: a new ``klarsim-demo`` folder), with the savings by
    calendar year. ``effects`` also runs the effects chain (nine scenarios, in
    ``FOLDER/effects``) and copies its ``effects.csv`` into the demo's folder.
    """
    # Imported here: plotting pulls in matplotlib, which the comparison does not need.
    from klarsim.plots.folder import write_plots  # noqa: PLC0415
    from klarsim.report import write_report  # noqa: PLC0415
    from klarsim.report.slides import write_deck  # noqa: PLC0415

    target = out if out is not None else OutputOptions(DEFAULT_FOLDER)
    comparison = compare(
        klarna_scenarios(),
        reps=reps,
        baseline=BASELINE,
        overrides=overrides,
        executor=executor,
        out=target,
    )
    if comparison.summary.empty:  # every run failed: nothing to draw; the manifest lists them
        return DemoResult(comparison, target.path, [], target.path / files.REPORT)
    savings = savings_by_year(comparison.summary, comparison.timeseries)
    write_table(target.path / files.SAVINGS_BY_YEAR, savings)
    chain = _effects(target, reps, overrides, executor) if effects else None
    plots = write_plots(target.path)
    report = write_report(target.path)
    return DemoResult(comparison, target.path, plots, report, chain, write_deck(target.path))


def _effects(
    target: OutputOptions,
    reps: int | None,
    overrides: list[str] | None,
    executor: ExecutorOptions | None,
) -> EffectsResult:
    """The effects chain in its own folder (resumed with the demo), its table in the demo's."""
    folder = target.path / EFFECTS_FOLDER
    resume = target.resume and folder.exists()
    chain = klarna_effects(
        reps=reps,
        overrides=overrides,
        executor=executor,
        out=OutputOptions(folder, resume=resume),
    )
    write_table(target.path / files.EFFECTS, chain.effects)
    return chain


__all__ = [
    "BASELINE",
    "DEFAULT_FOLDER",
    "KLARNA_FILES",
    "DemoResult",
    "klarna_scenarios",
    "run_demo",
]
