"""``report.html``: one self-contained page per results folder, readable offline and printable.

Run, compare, sweep and staffing or capacity plan folders (``klarsim staff``) all have one.

It opens with a summary (the question and three to six findings in words that follow their
intervals), then the key plots (embedded as PNG data URIs), the KPI tables, the scenarios'
assumptions, the events, how the intervals were computed and, in an appendix, the run details.
Built from Jinja2 templates with autoescaping; no external style sheet, script, font or image
is referenced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from klarsim.plots import swept_keys
from klarsim.plots.folder import Plot, figures_for
from klarsim.plots.labour import NAME as LABOUR_PLOT
from klarsim.plots.measures import FULL_SCALE
from klarsim.report.assumptions import assumptions
from klarsim.report.effects import effects_section, savings_section
from klarsim.report.html import embedded_figure, paragraph, render, table
from klarsim.report.kpi_tables import SWEEP_KPIS, comparison_table, run_table, sweep_table
from klarsim.report.labour import ANCHOR as LABOUR_ANCHOR
from klarsim.report.labour import DEFAULT_REFERENCE_WAGE, labour_section
from klarsim.report.labour import TITLE as LABOUR_TITLE
from klarsim.report.method import method_parts
from klarsim.report.planning import planning_title
from klarsim.report.planning_tables import planning_tables
from klarsim.report.sensitivity import sensitivity_sections
from klarsim.report.summary import full_scale_points, run_details, summary_of
from klarsim.results import files
from klarsim.results.reader import ResultsFolder, read_folder

REPORT_NAME = files.REPORT
MOST_EVENTS = 300
"""Longer event logs are cut in the report (events.csv has them all)."""


@dataclass(frozen=True)
class Section:
    """An ``<h2>`` section: its anchor, title and rendered parts."""

    anchor: str
    title: str
    parts: list[Markup] = field(default_factory=list)
    appendix: bool = False


def write_report(results_dir: Path, *, out: Path | None = None) -> Path:
    """Write ``results_dir/report.html`` (or ``out``) and return its path."""
    folder = read_folder(results_dir)
    target = out if out is not None else results_dir / REPORT_NAME
    target.write_text(report_html(folder), encoding="utf-8")
    return target


def report_html(folder: ResultsFolder, drawn: list[Plot] | None = None) -> str:
    """The whole page for ``folder``: summary, key plots, tables, then the appendix.

    ``drawn`` are the folder's plots when the caller has drawn them already (the deck).
    """
    plots = figures_for(folder) if drawn is None else drawn
    key_plots = [plot for plot in plots if plot.name != LABOUR_PLOT or folder.labour.empty]
    sections = [
        Section("plots", "Key plots", _plots(key_plots)),
        Section("results", "Results", _results(folder)),
        *_effects(folder),
        *_labour(folder, [plot for plot in plots if plot not in key_plots]),
        *(Section(*parts) for parts in sensitivity_sections(folder.path)),
        Section("assumptions", "Assumptions", _assumptions(folder)),
    ]
    if not folder.events.empty:
        sections.append(Section("events", "Events", _events(folder.events)))
    sections.append(Section("method", "How the intervals are computed", method_parts(folder)))
    sections.append(Section("run-details", "Appendix: run details", _appendix(folder), True))
    context = {"title": _title(folder), "summary": summary_of(folder), "sections": sections}
    return render("report.html", context)


def _title(folder: ResultsFolder) -> str:
    if folder.planning:
        return f"klarsim: {planning_title(folder)}"
    names = folder.scenario_names
    if folder.kind == "compare":
        return f"klarsim comparison: {', '.join(names)}"
    analysis = folder.manifest.get("kind")
    if analysis == "sensitivity":
        return f"klarsim sensitivity analysis of {names[0] if names else folder.path.name}"
    if analysis == "robustness":
        return f"klarsim robustness: {' against '.join(names) or folder.path.name}"
    if folder.kind == "sweep":
        return f"klarsim sweep of {names[0] if names else folder.path.name}"
    return f"klarsim run: {', '.join(names)}"


def _appendix(folder: ResultsFolder) -> list[Markup]:
    rows = [[name, value] for name, value in run_details(folder)]
    return [table(["detail", "value"], rows, table_id="run-details-table", text_columns=2)]


def _results(folder: ResultsFolder) -> list[Markup]:
    if folder.planning:
        return planning_tables(folder)
    points = full_scale_points(folder)
    if folder.kind == "sweep" and points is not None:
        intro = "Per sweep point: the mean over the replications and its 95% confidence interval."
        kpis = [
            f"{kpi}{FULL_SCALE}" if f"{kpi}{FULL_SCALE}_mean" in points.columns else kpi
            for kpi in SWEEP_KPIS
        ]
        return [paragraph(intro), sweep_table(points, kpis)]
    comparison = folder.full_scale_comparison()
    if folder.kind == "compare" and comparison is not None:
        baseline = folder.baseline or folder.scenario_names[0]
        intro = (
            "Each scenario's mean over the replications with its 95% confidence interval, and "
            f"its difference from {baseline} with the paired 95% interval (common random "
            "numbers: replication r of every scenario meets the same customers and luck)."
        )
        if folder.scale != 1.0:
            intro += " Money and counts at full scale (see the summary)."
        return [paragraph(intro), comparison_table(comparison, baseline)]
    intro = "Mean over the replications and its 95% confidence interval."
    return [paragraph(intro), run_table(folder.summary)]


def _effects(folder: ResultsFolder) -> list[Section]:
    """The effects separated and the savings by year, when the folder holds them."""
    found = []
    effects, savings = folder.path / files.EFFECTS, folder.path / files.SAVINGS_BY_YEAR
    if effects.is_file():
        parts = effects_section(pd.read_csv(effects))
        found.append(Section("effects", "Effects separated", parts))
    if savings.is_file():
        baseline = folder.baseline or folder.scenario_names[0]
        parts = savings_section(pd.read_csv(savings), baseline)
        found.append(Section("savings", "Savings by year", parts))
    return found


def _labour(folder: ResultsFolder, drawn: list[Plot]) -> list[Section]:
    """Per pool, what its people work and earn, with the labour plot (when labour.csv is)."""
    if folder.labour.empty:
        return []
    parts = labour_section(
        folder.labour,
        timeseries=folder.timeseries,
        reference_wages={
            scenario.name: _reference_wage(scenario.values) for scenario in folder.scenarios
        },
        scale=folder.scale,
    )
    parts += [embedded_figure(plot.figure, name=plot.name, caption=plot.caption) for plot in drawn]
    return [Section(LABOUR_ANCHOR, LABOUR_TITLE, parts)]


def _reference_wage(values: dict[str, Any]) -> float:
    """The scenario's ``labour.reference_wage_per_hour`` (its default when not written)."""
    labour = values.get("labour")
    wage = labour.get("reference_wage_per_hour") if isinstance(labour, dict) else None
    return float(wage) if isinstance(wage, int | float) else DEFAULT_REFERENCE_WAGE


def _plots(drawn: list[Plot]) -> list[Markup]:
    if not drawn:
        return [paragraph("No plot fits these results.")]
    return [embedded_figure(plot.figure, name=plot.name, caption=plot.caption) for plot in drawn]


def _assumptions(folder: ResultsFolder) -> list[Markup]:
    if not folder.scenarios:
        return [paragraph("The folder holds no resolved scenario file.")]
    parts = assumptions(folder.scenarios)
    if folder.kind == "sweep" and folder.sweep_summary is not None:
        parts.insert(0, _swept(folder.sweep_summary))
    return parts


def _swept(sweep_summary: pd.DataFrame) -> Markup:
    rows = [
        [key, ", ".join(str(value) for value in dict.fromkeys(sweep_summary[key]))]
        for key in swept_keys(sweep_summary)
    ]
    return table(["swept parameter", "values"], rows, table_id="swept-table", text_columns=2)


def _events(events: pd.DataFrame) -> list[Markup]:
    shown = events.head(MOST_EVENTS)
    rows = [[_cell(value) for value in row] for row in shown.itertuples(index=False)]
    parts = [table([str(c) for c in events.columns], rows, table_id="events-table", text_columns=8)]
    if len(events) > MOST_EVENTS:
        cut = f"First {MOST_EVENTS} of {len(events)} events; all in {files.EVENTS}."
        parts.append(paragraph(cut))
    return parts


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:g}"
    return str(value)


__all__ = ["REPORT_NAME", "Section", "report_html", "write_report"]
