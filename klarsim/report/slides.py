"""``report.pptx``: the report as a 16:9 slide deck a consultant can present without editing.

Slides: title (scenarios, horizon, scale, replications), summary (question and findings),
one per plot titled with the finding it shows, the headline KPIs, the assumptions and the
method. Every text is an editable text frame or table; plots are pictures drawn in the 16:9
variant at slide resolution.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.shapes.base import BaseShape
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.text.text import TextFrame
from pptx.util import Inches, Length, Pt

from klarsim.plots.folder import Plot, figures_for
from klarsim.plots.intervals import group_intervals
from klarsim.plots.measures import FULL_SCALE, has_values, measure
from klarsim.plots.style import SLIDE_DPI, SLIDE_PICTURE_IN, SLIDE_SIZE_IN
from klarsim.plots.sweeps import setting_text, swept_keys
from klarsim.report.assumptions import parameter_rows
from klarsim.report.findings import Finding, headline_kpis
from klarsim.report.html import png_bytes
from klarsim.report.kpi_tables import interval_text, value_text
from klarsim.report.method import method_text
from klarsim.report.planning import planning_title
from klarsim.report.planning_tables import pool_rows
from klarsim.report.summary import (
    Summary,
    baseline_of,
    full_scale_points,
    settings_text,
    summary_of,
)
from klarsim.results.reader import ResultsFolder, read_folder

DECK_NAME = "report.pptx"
TITLE_ONLY, TITLE_AND_CONTENT, TITLE_SLIDE = 5, 1, 0
"""Layouts of python-pptx's default template."""
MARGIN_IN = 0.42
TITLE_TOP_IN, TITLE_HEIGHT_IN = 0.2, 1.05
BODY_TOP_IN = 1.3
SUMMARY_HEIGHT_IN = 5.95
MOST_TABLE_ROWS = 18
"""A table slide stays readable up to about this many rows; longer tables are cut."""
PLOT_KPIS: dict[str, tuple[str, ...]] = {
    "kpi_timeseries": ("service_level", "csat_mean"),
    "frontier": ("cost_per_contact", "csat_mean"),
    "cost_waterfall": ("cost_total",),
    "staffing": ("peak_required", "paid_hours_per_week"),
    "service_level": ("service_level",),
    "capacity": ("required_fte", "headcount_gap"),
}
"""The KPIs whose finding titles each plot's slide."""
FIRST_FINDING_PLOTS = frozenset({"sweep_heatmap", "sweep_profile"})
"""Plots of every headline KPI: titled with the first finding (what moves most)."""


def write_deck(results_dir: Path, *, out: Path | None = None) -> Path:
    """Write ``results_dir/report.pptx`` (or ``out``) and return its path."""
    folder = read_folder(results_dir)
    target = out if out is not None else results_dir / DECK_NAME
    deck = build_deck(folder, figures_for(folder, slides=True))
    deck.save(str(target))
    return target


def build_deck(folder: ResultsFolder, plots: Sequence[Plot]) -> Deck:
    """The whole deck for ``folder``, with ``plots`` drawn in the 16:9 variant."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_SIZE_IN[0]), Inches(SLIDE_SIZE_IN[1])
    summary = summary_of(folder)
    _title_slide(deck, folder)
    _summary_slide(deck, summary)
    titles: list[str] = []
    for plot in plots:
        titles.append(plot_title(plot, summary.findings, titles))
        _plot_slide(deck, plot, titles[-1])
    _kpi_slide(deck, folder)
    _assumptions_slide(deck, folder)
    _method_slide(deck, method_text(folder))
    return deck


def plot_title(plot: Plot, findings: Sequence[Finding], used: Sequence[str] = ()) -> str:
    """The finding a plot shows, as its slide's title, not one an earlier slide took.

    Without a finding of its own the title is the first words of its caption.
    """
    if plot.name == "comparison" and findings:
        real = sum(finding.detectable for finding in findings)
        return f"{real} of {len(findings)} headline differences are beyond noise (paired 95% CI)"
    for finding in findings:
        if finding.headline in used:
            continue
        if plot.name in FIRST_FINDING_PLOTS:
            return finding.headline
        if finding.kpi.removesuffix(FULL_SCALE) in PLOT_KPIS.get(plot.name, ()):
            return finding.headline
    return plot.caption.split(": ")[0].split(". ")[0].rstrip(".")


def _title_slide(deck: Deck, folder: ResultsFolder) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    _place(slide.shapes.title, 1.5, 1.8)
    _fill(slide.shapes.title.text_frame, [_deck_title(folder)], size=36)
    subtitle = slide.placeholders[1]
    _place(subtitle, 3.5, 2.0)
    lines = [f"Scenarios: {', '.join(folder.scenario_names)}", settings_text(folder)]
    if folder.kind == "compare":
        lines.insert(1, f"Baseline: {baseline_of(folder)}")
    _fill(subtitle.text_frame, lines, size=20)


def _summary_slide(deck: Deck, summary: Summary) -> None:
    slide = _titled(deck, "Summary", layout=TITLE_AND_CONTENT)
    body = slide.placeholders[1]
    _place(body, BODY_TOP_IN, SUMMARY_HEIGHT_IN)
    frame = body.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # a viewer may shrink it further
    size = summary_font_size(summary)
    _fill(frame, [summary.question], size=size + 2)
    for finding in summary.findings:
        paragraph = frame.add_paragraph()
        paragraph.text = finding.text
        paragraph.level = 1
        paragraph.font.size = Pt(size)
    for note in summary.notes:
        paragraph = frame.add_paragraph()
        paragraph.text = note
        paragraph.font.size = Pt(size - 4)


def summary_font_size(summary: Summary) -> int:
    """The findings' font size (16 pt down to 11 pt) at which the summary fits its box.

    Estimated from the characters per line of an average glyph half an em wide, with line
    spacing and the space between paragraphs: long findings get a smaller size rather than
    running off the slide.
    """
    width_pt = (SLIDE_SIZE_IN[0] - 2 * MARGIN_IN - 0.8) * 72  # less the bullets' indent
    for size in range(16, 10, -1):
        parts = [(summary.question, size + 2)]
        parts += [(finding.text, size) for finding in summary.findings]
        parts += [(note, size - 4) for note in summary.notes]
        height_pt = sum(
            (math.ceil(len(text) * 0.5 * font / width_pt) * 1.2 + 0.6) * font
            for text, font in parts
        )
        if height_pt <= SUMMARY_HEIGHT_IN * 72:
            return size
    return 11


def _plot_slide(deck: Deck, plot: Plot, title: str) -> None:
    slide = _titled(deck, title)
    width, height = SLIDE_PICTURE_IN
    drawn_width = float(plot.figure.get_size_inches()[0])
    picture = png_bytes(plot.figure, dpi=round(SLIDE_DPI * width / drawn_width))
    left = (SLIDE_SIZE_IN[0] - width) / 2
    slide.shapes.add_picture(
        io.BytesIO(picture), Inches(left), Inches(BODY_TOP_IN), width=Inches(width)
    )
    caption = slide.shapes.add_textbox(
        Inches(MARGIN_IN),
        Inches(BODY_TOP_IN + height + 0.02),
        _content_width(),
        Inches(SLIDE_SIZE_IN[1] - BODY_TOP_IN - height - 0.05),
    )
    caption.text_frame.word_wrap = True
    _fill(caption.text_frame, [plot.caption], size=10)


def _kpi_slide(deck: Deck, folder: ResultsFolder) -> None:
    headers, rows = kpi_rows(folder)
    title = "Headline KPIs with 95% intervals"
    if folder.planning:
        title = "The capacity plan by month" if folder.kind == "capacity" else "The plan by pool"
    slide = _titled(deck, title)
    _table(slide, headers, rows, size=12)


def _assumptions_slide(deck: Deck, folder: ResultsFolder) -> None:
    slide = _titled(deck, "Assumptions")
    if not folder.scenarios:
        box = slide.shapes.add_textbox(
            Inches(MARGIN_IN), Inches(BODY_TOP_IN), _content_width(), Inches(1)
        )
        _fill(box.text_frame, ["The folder holds no resolved scenario file."], size=16)
        return
    headers = ["parameter", *(scenario.name for scenario in folder.scenarios)]
    rows = [row for row in parameter_rows(folder.scenarios) if set(row[1:]) != {"-"}]
    _table(slide, headers, rows, size=10)


def _method_slide(deck: Deck, paragraphs: Sequence[str]) -> None:
    slide = _titled(deck, "Method: how the intervals are computed")
    box = slide.shapes.add_textbox(
        Inches(MARGIN_IN), Inches(BODY_TOP_IN), _content_width(), Inches(5.9)
    )
    box.text_frame.word_wrap = True
    _fill(box.text_frame, paragraphs, size=13)


def kpi_rows(folder: ResultsFolder) -> tuple[list[str], list[list[str]]]:
    """The headline KPIs' table: per scenario its mean, and in a comparison the difference.

    A staffing plan's is per pool (peak agents, hours, FTE, service); a capacity plan's per
    month and pool.
    """
    if folder.planning:
        return pool_rows(folder)
    comparison = folder.full_scale_comparison()
    if folder.kind == "compare" and comparison is not None:
        return _comparison_rows(comparison, baseline_of(folder))
    points = full_scale_points(folder)
    if folder.kind == "sweep" and points is not None:
        return _sweep_rows(points)
    return _run_rows(folder.summary)


def _comparison_rows(comparison: pd.DataFrame, baseline: str) -> tuple[list[str], list[list[str]]]:
    scenarios = list(dict.fromkeys(str(name) for name in comparison["scenario"]))
    kpis = headline_kpis(set(comparison["kpi"].astype(str)))
    rows = []
    for kpi in kpis:
        by_scenario = {
            str(row["scenario"]): row for _, row in comparison[comparison["kpi"] == kpi].iterrows()
        }
        cells = [_kpi_label(kpi)]
        for scenario in scenarios:
            row = by_scenario.get(scenario)
            cells.append("-" if row is None else _comparison_cell(kpi, row, scenario == baseline))
        rows.append(cells)
    headers = ["KPI", *(f"{s} (baseline)" if s == baseline else s for s in scenarios)]
    return headers, rows


def _comparison_cell(kpi: str, row: pd.Series, is_baseline: bool) -> str:
    """The mean; beside the baseline also the paired difference and its interval."""
    text = value_text(kpi, float(row["mean"]))
    if is_baseline:
        return text
    low, high = float(row["difference_ci_low"]), float(row["difference_ci_high"])
    difference = value_text(kpi, float(row["difference"]), difference=True)
    return f"{text}\n{difference} {interval_text(kpi, low, high, difference=True)}"


def _run_rows(summary: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    scenarios = list(dict.fromkeys(str(name) for name in summary["scenario"]))
    kpis = [kpi for kpi in headline_kpis(set(summary.columns)) if has_values(summary, kpi)]
    wide = {
        str(row["scenario"]): row
        for _, row in group_intervals(summary, "scenario", kpis).iterrows()
    }
    rows = [[_kpi_label(kpi), *(_level_cell(kpi, wide[s]) for s in scenarios)] for kpi in kpis]
    return ["KPI", *scenarios], rows


def _level_cell(kpi: str, row: pd.Series) -> str:
    low, high = float(row[f"{kpi}_ci_low"]), float(row[f"{kpi}_ci_high"])
    return f"{value_text(kpi, float(row[f'{kpi}_mean']))}\n{interval_text(kpi, low, high)}"


def _sweep_rows(sweep_summary: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    keys = swept_keys(sweep_summary)
    kpis = headline_kpis({c.removesuffix("_mean") for c in sweep_summary.columns})
    rows = [
        [
            ", ".join(f"{key.rsplit('.', 1)[-1]}={setting_text(row[key])}" for key in keys),
            *(value_text(kpi, float(row[f"{kpi}_mean"])) for kpi in kpis),
        ]
        for _, row in sweep_summary.iterrows()
    ]
    return ["setting", *(_kpi_label(kpi) for kpi in kpis)], rows


def _kpi_label(kpi: str) -> str:
    info = measure(kpi)
    return info.label if info.label == info.unit else f"{info.label} ({info.unit})"


def _titled(deck: Deck, title: str, *, layout: int = TITLE_ONLY) -> Slide:
    """A slide with its title placed across the top, left-aligned."""
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[layout])
    shape = slide.shapes.title
    if shape is None:  # every layout used here has a title placeholder
        raise ValueError(f"slide layout {layout} has no title")
    _place(shape, TITLE_TOP_IN, TITLE_HEIGHT_IN)
    shape.text = title
    for paragraph in shape.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = Pt(26 if len(title) < 70 else 22)
        paragraph.font.bold = True
    return slide


def _place(shape: BaseShape, top_in: float, height_in: float) -> None:
    """Across the slide's width within the margins, at ``top_in``."""
    shape.left, shape.top = Inches(MARGIN_IN), Inches(top_in)
    shape.width, shape.height = _content_width(), Inches(height_in)


def _content_width() -> Length:
    return Inches(SLIDE_SIZE_IN[0] - 2 * MARGIN_IN)


def _fill(frame: TextFrame, lines: Sequence[str], *, size: int) -> None:
    """Replace a text frame's text with ``lines``, one paragraph each."""
    frame.text = "\n".join(line.replace("\n", " ") for line in lines)  # one paragraph each
    for paragraph in frame.paragraphs:
        paragraph.font.size = Pt(size)


def _table(slide: Slide, headers: list[str], rows: list[list[str]], *, size: int) -> None:
    """An editable table under the title; rows past ``MOST_TABLE_ROWS`` are left out."""
    shown = rows[:MOST_TABLE_ROWS]
    line_in = size / 72 * 1.9  # a row of one line at this font size, with its margins
    height = Inches(line_in * (len(shown) + 1))
    shape = slide.shapes.add_table(
        len(shown) + 1,
        len(headers),
        Inches(MARGIN_IN),
        Inches(BODY_TOP_IN),
        _content_width(),
        height,
    )
    if len(rows) > len(shown):
        note = slide.shapes.add_textbox(
            Inches(MARGIN_IN), Inches(SLIDE_SIZE_IN[1] - 0.5), _content_width(), Inches(0.4)
        )
        _fill(
            note.text_frame,
            [f"First {len(shown)} of {len(rows)} rows; all in report.html."],
            size=10,
        )
    table = shape.table
    for column, text in enumerate(headers):
        _cell(table.cell(0, column), text, size=size, bold=True)
    for row_index, row in enumerate(shown, start=1):
        for column, text in enumerate(row):
            _cell(table.cell(row_index, column), text, size=size, bold=False)


def _cell(cell: _Cell, text: str, *, size: int, bold: bool) -> None:
    cell.text = text
    for paragraph in cell.text_frame.paragraphs:
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold


def _deck_title(folder: ResultsFolder) -> str:
    if folder.planning:
        return planning_title(folder)
    names = folder.scenario_names
    if folder.kind == "compare":
        baseline = baseline_of(folder)
        others = [name for name in names if name != baseline]
        return f"{', '.join(others)} against {baseline}"
    if folder.kind == "sweep":
        return f"Sweep of {names[0] if names else folder.path.name}"
    return f"{', '.join(names)}: a run"


__all__ = [
    "DECK_NAME",
    "build_deck",
    "kpi_rows",
    "plot_title",
    "summary_font_size",
    "write_deck",
]
