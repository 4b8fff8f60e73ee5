"""The Klarna reference scenarios and ``klarsim demo``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from typer.testing import CliRunner

import klarsim
from klarsim.cases.klarna.check import klarna_figures
from klarsim.cases.klarna.demo import BASELINE, klarna_scenarios
from klarsim.cli import app

pytestmark = pytest.mark.unit

runner = CliRunner()
SHARED = ("experiment", "demand", "customers")


def test_the_four_scenarios_share_experiment_demand_and_customers() -> None:
    raw = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in klarna_scenarios()]
    for section in SHARED:
        assert all(data[section] == raw[0][section] for data in raw), section
    loaded = [klarsim.load_scenario(path) for path in klarna_scenarios()]
    assert loaded[0].name == BASELINE
    horizon_years = loaded[0].experiment.horizon_days / 365
    assert 2 <= horizon_years <= 3


def test_every_line_of_a_klarna_scenario_that_sets_a_value_says_where_it_comes_from() -> None:
    """Each leaf value has a comment (a source or "assumption"), or is a list item or a name."""
    free = ("name:", "description:", "- {start_hour", "kind:", "skills:")
    for path in klarna_scenarios():
        lines = path.read_text(encoding="utf-8").splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("demand:"))
        for number, line in enumerate(lines[start:], start=start + 1):
            text = line.strip()
            if not text or text.startswith(("#", "- {date", "- {day")) or text.startswith(free):
                continue
            _, _, value = text.partition(":")
            if value.strip() and not value.strip().startswith(("#", ">", "|")):
                assert "#" in value, f"{path.name}:{number}: {text}"


@pytest.mark.cli
@pytest.mark.slow
def test_demo_runs_the_comparison_plots_and_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    arguments = ["demo", "--out", str(out), "--reps", "2", "--workers", "1", "--quiet"]
    result = runner.invoke(app, [*arguments, "--set", "experiment.scale=0.0003"])
    assert result.exit_code == 0, result.output
    assert f"Report: {out / 'report.html'}" in result.output
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison["scenario"]) == {
        "human-centre-2023",
        "ai-first-2024",
        "hybrid-gig-2025",
        "phased-rollout",
    }
    assert {"kpi_timeseries.png", "comparison.png", "cost_waterfall.png"} <= {
        path.name for path in (out / "plots").iterdir()
    }
    assert (out / "report.html").stat().st_size > 10_000
    assert f"Slides: {out / 'report.pptx'}" in result.output
    deck = Presentation(str(out / "report.pptx"))  # reopens: a deck, not just a file
    slides = list(deck.slides)
    assert slides[0].shapes.title.text.endswith("against human-centre-2023")
    assert slides[1].shapes.title.text == "Summary"
    pictures = sum(
        shape.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in slides for shape in slide.shapes
    )
    assert pictures >= 3 and len(slides) == 5 + pictures  # and title, summary, KPIs, ...
    figures = klarna_figures(pd.read_csv(out / "summary.csv"), pd.read_csv(out / "timeseries.csv"))
    assert len(figures) == 7 and figures["scenarios"].str.len().min() > 10
    again = runner.invoke(app, arguments)
    assert again.exit_code == 2, "an existing folder is never overwritten silently"
