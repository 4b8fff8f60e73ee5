"""The Klarna demo: compare the four reference scenarios, draw every plot, write the report.

The reference scenarios ship with klarsim (``bundled_scenarios``), so the demo runs from a
fresh clone or an installed wheel alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from klarsim.config.bundled import bundled_scenarios
from klarsim.experiments.compare import ComparisonResult, compare
from klarsim.experiments.executors import ExecutorOptions
from klarsim.experiments.job import OutputOptions

KLARNA_FILES = (
    "2023_human_centre.yaml",
    "2024_ai_first.yaml",
    "2025_hybrid_gig.yaml",
    "phased_rollout.yaml",
)
BASELINE = "human-centre-2023"
DEFAULT_FOLDER = Path("klarsim-demo")


def klarna_scenarios() -> list[Path]:
    """The four Klarna reference scenarios, the baseline first."""
    folder = bundled_scenarios("klarna")
    return [folder / name for name in KLARNA_FILES]


@dataclass(frozen=True)
class DemoResult:
    """The comparison, and where its plots and report went."""

    comparison: ComparisonResult
    folder: Path
    plots: list[Path]
    report: Path


def run_demo(
    *,
    reps: int | None = None,
    overrides: list[str] | None = None,
    executor: ExecutorOptions | None = None,
    out: OutputOptions | None = None,
) -> DemoResult:
    """Compare the Klarna scenarios under common random numbers, then plot and report.

    The results go to ``out`` (default: a new ``klarsim-demo`` folder).
    """
    # Imported here: plotting pulls in matplotlib, which the comparison does not need.
    from klarsim.plots.folder import write_plots  # noqa: PLC0415
    from klarsim.report import write_report  # noqa: PLC0415

    target = out if out is not None else OutputOptions(DEFAULT_FOLDER)
    comparison = compare(
        klarna_scenarios(),
        reps=reps,
        baseline=BASELINE,
        overrides=overrides,
        executor=executor,
        out=target,
    )
    plots = write_plots(target.path)
    return DemoResult(comparison, target.path, plots, write_report(target.path))
