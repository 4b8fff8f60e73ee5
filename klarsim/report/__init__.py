"""``report.html``: one self-contained page per results folder, readable offline and printable.

It holds the KPI tables with their confidence intervals, every plot that fits (embedded as PNG
data URIs), the scenarios' assumptions, the events and how the intervals were computed. No
external style sheet, script, font or image is referenced.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from klarsim.plots import swept_keys
from klarsim.plots.folder import figures_for
from klarsim.report.assumptions import assumptions
from klarsim.report.effects import effects_section, savings_section
from klarsim.report.html import (
    contents,
    embedded_figure,
    page,
    paragraph,
    section,
    table,
)
from klarsim.report.kpi_tables import comparison_table, run_table, sweep_table
from klarsim.report.method import METHOD
from klarsim.results import files
from klarsim.results.reader import ResultsFolder, read_folder

REPORT_NAME = files.REPORT
MOST_EVENTS = 300
"""Longer event logs are cut in the report (events.csv has them all)."""


def write_report(results_dir: Path, *, out: Path | None = None) -> Path:
    """Write ``results_dir/report.html`` (or ``out``) and return its path."""
    folder = read_folder(results_dir)
    target = out if out is not None else results_dir / REPORT_NAME
    target.write_text(report_html(folder), encoding="utf-8")
    return target


def report_html(folder: ResultsFolder) -> str:
    """The whole page for ``folder``."""
    sections = [("results", "Results", _results(folder))]
    sections += _effects(folder)
    sections += [
        ("plots", "Plots", _plots(folder)),
        ("assumptions", "Assumptions", _assumptions(folder)),
    ]
    if not folder.events.empty:
        sections.append(("events", "Events", _events(folder.events)))
    sections.append(("method", "How the intervals are computed", METHOD))
    title = _title(folder)
    body = [f"<h1>{escape(title)}</h1>", *_meta(folder)]
    body.append(contents([(anchor, heading) for anchor, heading, _ in sections]))
    body += [section(anchor, heading, parts) for anchor, heading, parts in sections]
    return page(title, body)


def _title(folder: ResultsFolder) -> str:
    names = folder.scenario_names
    if folder.kind == "compare":
        return f"klarsim comparison: {', '.join(names)}"
    if folder.kind == "sweep":
        return f"klarsim sweep of {names[0] if names else folder.path.name}"
    return f"klarsim run: {', '.join(names)}"


def _meta(folder: ResultsFolder) -> list[str]:
    manifest = folder.manifest
    replications = folder.summary.groupby("scenario")["replication"].nunique().max()
    lines = [
        f"Folder: {folder.path.resolve()}",
        f"Replications per scenario{' and point' if folder.kind == 'sweep' else ''}: "
        f"{replications}; seed {manifest.get('seed', 'unknown')}",
    ]
    if folder.baseline:
        lines.append(f"Baseline: {folder.baseline}")
    if "klarsim_version" in manifest:
        lines.append(
            f"klarsim {manifest['klarsim_version']}, run {manifest.get('started', '?')} "
            f"to {manifest.get('finished', '?')}"
        )
    if "command" in manifest:
        lines.append(f"Command: {manifest['command']}")
    return [paragraph(line, css_class="meta") for line in lines]


def _results(folder: ResultsFolder) -> list[str]:
    if folder.kind == "sweep" and folder.sweep_summary is not None:
        intro = "Per sweep point: the mean over the replications and its 95% confidence interval."
        return [paragraph(intro), sweep_table(folder.sweep_summary)]
    comparison = folder.full_scale_comparison()
    if folder.kind == "compare" and comparison is not None:
        baseline = folder.baseline or folder.scenario_names[0]
        intro = (
            "Each scenario's mean over the replications with its 95% confidence interval, and "
            f"its difference from {baseline} with the paired 95% interval (common random "
            "numbers: replication r of every scenario meets the same customers and luck)."
        )
        if folder.scale != 1.0:
            intro += (
                f" The runs were at scale {folder.scale:g}: money and counts are extrapolated "
                "to full scale (divided by the scale); rates are those of the smaller centre."
            )
        return [paragraph(intro), comparison_table(comparison, baseline)]
    intro = "Mean over the replications and its 95% confidence interval."
    return [paragraph(intro), run_table(folder.summary)]


def _effects(folder: ResultsFolder) -> list[tuple[str, str, list[str]]]:
    """The effects separated and the savings by year, when the folder holds them."""
    found = []
    effects, savings = folder.path / files.EFFECTS, folder.path / files.SAVINGS_BY_YEAR
    if effects.is_file():
        found.append(("effects", "Effects separated", effects_section(pd.read_csv(effects))))
    if savings.is_file():
        baseline = folder.baseline or folder.scenario_names[0]
        table = pd.read_csv(savings)
        found.append(("savings", "Savings by year", savings_section(table, baseline)))
    return found


def _plots(folder: ResultsFolder) -> list[str]:
    drawn = figures_for(folder)
    if not drawn:
        return [paragraph("No plot fits these results.")]
    return [embedded_figure(plot.figure, name=plot.name, caption=plot.caption) for plot in drawn]


def _assumptions(folder: ResultsFolder) -> list[str]:
    if not folder.scenarios:
        return [paragraph("The folder holds no resolved scenario file.")]
    parts = assumptions(folder.scenarios)
    if folder.kind == "sweep" and folder.sweep_summary is not None:
        parts.insert(0, _swept(folder.sweep_summary))
    return parts


def _swept(sweep_summary: pd.DataFrame) -> str:
    rows = [
        [key, ", ".join(str(value) for value in dict.fromkeys(sweep_summary[key]))]
        for key in swept_keys(sweep_summary)
    ]
    return table(["swept parameter", "values"], rows, table_id="swept-table", text_columns=2)


def _events(events: pd.DataFrame) -> list[str]:
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


__all__ = ["REPORT_NAME", "report_html", "write_report"]
