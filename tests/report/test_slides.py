"""report.pptx reopened with python-pptx: 16:9, the slides in order, pictures, titles, text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.presentation import Presentation as Deck
from pptx.util import Inches

from klarsim.plots.folder import Plot
from klarsim.report.findings import Finding
from klarsim.report.slides import (
    DECK_NAME,
    build_deck,
    kpi_rows,
    plot_title,
    summary_font_size,
    write_deck,
)
from klarsim.report.summary import Summary, summary_of
from klarsim.results.reader import ResultsFolder, read_folder
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit

FIXED_SLIDES = ("title", "summary", "KPIs", "assumptions", "method")


def _titles(deck: Deck) -> list[str]:
    return [slide.shapes.title.text if slide.shapes.title else "" for slide in deck.slides]


def _text(slide: object) -> str:
    shapes = slide.shapes  # type: ignore[attr-defined]
    return "\n".join(shape.text_frame.text for shape in shapes if shape.has_text_frame)


def _pictures(slide: object) -> int:
    shapes = slide.shapes  # type: ignore[attr-defined]
    return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in shapes)


@pytest.mark.slow  # draws every plot with matplotlib
def test_the_deck_of_a_comparison_reopens_with_every_slide(tmp_path: Path) -> None:
    folder = tables.write_compare_folder(tmp_path / "compare")
    path = write_deck(folder)
    assert path == folder / DECK_NAME
    deck = Presentation(str(path))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    plots = ["kpi_timeseries", "workforce", "comparison", "frontier", "cost_waterfall"]
    slides = list(deck.slides)
    assert len(slides) == len(FIXED_SLIDES) + len(plots)
    titles = _titles(deck)
    assert titles[0] == "gig-backed, ai-first against human-only"
    assert "Baseline: human-only" in _text(slides[0]) and "3 replications" in _text(slides[0])
    assert titles[1] == "Summary"
    summary = summary_of(read_folder(folder))
    for finding in summary.findings:
        assert finding.text in _text(slides[1])
    assert summary.question in _text(slides[1])
    assert [_pictures(slide) for slide in slides[2:-3]] == [1] * len(plots)
    assert sum(_pictures(slide) for slide in slides) == len(plots)
    headlines = {finding.headline for finding in summary.findings}
    assert titles[2] in headlines  # kpi_timeseries: titled with the finding it shows
    assert titles[4].endswith("headline differences are beyond noise (paired 95% CI)")
    assert "Scale 0.1 of the full centre; 3 replications per scenario." in _text(slides[2])
    assert titles[-3:] == [
        "Headline KPIs with 95% intervals",
        "Assumptions",
        "Method: how the intervals are computed",
    ]
    assert "Student-t" in _text(slides[-1])


def test_the_kpi_table_gives_each_scenario_its_mean_and_the_paired_difference(
    tmp_path: Path,
) -> None:
    folder = read_folder(tables.write_compare_folder(tmp_path / "compare"))
    headers, rows = kpi_rows(folder)
    assert headers == ["KPI", "human-only (baseline)", "gig-backed", "ai-first"]
    assert [row[0] for row in rows] == [
        "CSAT (score 0-1)",
        "cost per contact ($)",
        "total cost incl. revenue lost, full scale ($)",
    ]
    assert "\n" not in rows[0][1]  # the baseline has no difference
    assert rows[0][2].count("\n") == 1 and "[" in rows[0][2]


def test_a_deck_of_a_run_and_of_a_sweep_without_plots(tmp_path: Path) -> None:
    run = ResultsFolder(tmp_path, "run", {}, [], tables.summary(scenarios=("hybrid",)))
    deck = build_deck(run, [])
    assert len(deck.slides) == len(FIXED_SLIDES)
    assert _titles(deck)[0] == "hybrid: a run"
    assert "The folder holds no resolved scenario file." in _text(list(deck.slides)[3])
    points = tables.sweep_summary()
    sweep = ResultsFolder(tmp_path, "sweep", {}, [], tables.sweep_runs(points), None, None, points)
    headers, rows = kpi_rows(sweep)
    assert headers[0] == "setting" and len(rows) == len(points)
    assert rows[0][0] == "share=0.2, headcount=20"
    deck = build_deck(sweep, [])
    assert "settings of ai.share" in _text(list(deck.slides)[1])


def test_a_plot_without_its_own_finding_takes_its_captions_first_words() -> None:
    plot = Plot("workforce", "Workforce over time: employee hours and gig hours.", None)  # type: ignore[arg-type]
    assert plot_title(plot, []) == "Workforce over time"


def test_each_plot_slide_takes_its_own_finding_once() -> None:
    findings = [
        Finding("service_level", "Service level 6 points higher in b", "...", True),
        Finding("cost_per_contact", "Cost per contact $0.2 higher in b", "...", True),
        Finding("csat_mean", "CSAT: no detectable difference", "...", False),
    ]
    plot = Plot("frontier", "Cost against CSAT: one point per scenario.", None)  # type: ignore[arg-type]
    assert plot_title(plot, findings) == "Cost per contact $0.2 higher in b"
    taken = ["Cost per contact $0.2 higher in b"]
    assert plot_title(plot, findings, taken) == "CSAT: no detectable difference"
    workforce = Plot("workforce", "Workforce over time: hours.", None)  # type: ignore[arg-type]
    assert plot_title(workforce, findings) == "Workforce over time"
    profile = Plot("sweep_profile", "KPI means with 95% bands.", None)  # type: ignore[arg-type]
    assert plot_title(profile, findings, taken) == "Service level 6 points higher in b"


def test_long_findings_get_a_smaller_font_rather_than_run_off_the_summary_slide() -> None:
    short = Summary("What changes?", [Finding("csat_mean", "CSAT", "CSAT: higher.", True)], [])
    assert summary_font_size(short) == 16
    sentence = "Abandonment: no detectable difference at these settings between a and b. " * 4
    long = Summary("What changes?", [Finding("x", "x", sentence, False)] * 6, ["A note."] * 2)
    assert 11 <= summary_font_size(long) < 16
