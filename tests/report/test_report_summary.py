"""The report opens with the summary; run details move to an appendix; every text is escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from klarsim.report import report_html
from klarsim.report.html import environment, stylesheet
from klarsim.report.summary import full_scale_points, question_of, run_details, summary_of
from klarsim.results.reader import ResultsFolder, read_folder
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit


@pytest.fixture
def compare_folder(tmp_path: Path) -> ResultsFolder:
    """The synthetic three-scenario comparison at scale 0.1."""
    return read_folder(tables.write_compare_folder(tmp_path / "compare"))


def test_the_page_opens_with_the_summary_and_ends_with_the_run_details(
    compare_folder: ResultsFolder,
) -> None:
    html = report_html(compare_folder, drawn=[])
    sections = re.findall(r'<section id="([a-z-]+)"', html)
    assert sections[0] == "summary"
    assert sections[1:3] == ["plots", "results"]
    assert sections[-1] == "run-details"
    assert html.index("<h1>") < html.index('id="summary"') < html.index("<nav>")
    assert html.index(">command<") > html.index('id="run-details"')  # only in the appendix
    summary = html[html.index('id="summary"') : html.index("</section>")]
    items = re.findall(r"<li class=[^>]*>(.*?)</li>", summary, flags=re.DOTALL)
    assert len(items) >= 3  # a finding per KPI, each about both scenarios where one differs
    assert any("gig-backed" in item and "ai-first" in item for item in items)
    assert "What changes when gig-backed or ai-first replaces human-only?" in summary
    assert html.count("The runs were at scale 0.1") == 1  # the extrapolation said once


def test_the_summary_speaks_of_full_scale_money_in_words_that_follow_the_intervals(
    compare_folder: ResultsFolder,
) -> None:
    summary = summary_of(compare_folder)
    assert 3 <= len(summary.findings) <= 6
    kpis = {finding.kpi for finding in summary.findings}
    assert "cost_total_full_scale" in kpis and "cost_total" not in kpis
    assert summary.notes[0].startswith("The runs were at scale 0.1 of the full centre")
    for finding in summary.findings:
        assert ("paired 95% CI" in finding.text) and finding.text.endswith(".")
        assert finding.detectable != ("no detectable difference" in finding.text)


def test_every_text_is_escaped_by_the_templates(tmp_path: Path) -> None:
    folder = tables.write_compare_folder(tmp_path / "escaped")
    html = report_html(read_folder(folder), drawn=[])
    assert "synthetic ai-first &lt;centre&gt; &amp; co" in html
    assert "<centre>" not in html
    assert environment().autoescape is not False
    assert "@media print" in stylesheet() and "break-before: page" in stylesheet()


def test_the_run_details_name_folder_seed_scale_and_replications(
    compare_folder: ResultsFolder,
) -> None:
    details = dict(run_details(compare_folder))
    assert details["folder"] == str(compare_folder.path.resolve())
    assert details["seed"] == "7" and details["scale"] == "0.1"
    assert details["replications"] == str(tables.REPLICATIONS)
    assert details["baseline"] == tables.BASELINE


def test_a_run_and_a_sweep_get_findings_too(tmp_path: Path) -> None:
    summary = tables.summary(scenarios=("hybrid",))
    run = ResultsFolder(tmp_path, "run", {}, [], summary)
    found = summary_of(run)
    assert question_of(run).startswith("How does hybrid perform?")
    assert found.findings[0].text.startswith("CSAT: ")
    assert "in hybrid (95% CI" in found.findings[0].text
    points = tables.sweep_summary()
    sweep = ResultsFolder(tmp_path, "sweep", {}, [], tables.sweep_runs(points), None, None, points)
    found = summary_of(sweep)
    assert "6 settings of ai.share, pools.staff.headcount" in found.question
    assert found.findings[0].kpi == "cost_per_contact"  # moves most: 5.0 to 7.8 dollars
    assert "share=0.6, headcount=20" in found.findings[0].text


def test_a_scaled_sweep_speaks_of_money_at_full_scale(tmp_path: Path) -> None:
    points = tables.sweep_summary(keys=("ai.share",))
    for part in ("mean", "ci_low", "ci_high"):
        points[f"cost_total_{part}"] = points[f"cost_per_contact_{part}"] * 1000
    runs = tables.sweep_runs(points)
    runs["cost_total_full_scale"] = runs["cost_total"] / 0.1
    sweep = ResultsFolder(tmp_path, "sweep", {}, [], runs, None, None, points)
    extended = full_scale_points(sweep)
    assert extended is not None
    assert extended["cost_total_full_scale_mean"].tolist() == pytest.approx(
        (points["cost_total_mean"] * 10).tolist()
    )
    found = {finding.kpi: finding for finding in summary_of(sweep).findings}
    assert "cost_total_full_scale" in found and "cost_total" not in found
    assert summary_of(sweep).notes[0].startswith("The runs were at scale 0.1")
    html = report_html(sweep, drawn=[])
    table = html[html.index('id="sweep-table"') :]
    assert "total cost incl. revenue lost, full scale ($)" in table
    assert f"${points['cost_total_mean'].iloc[0] * 10:,.0f}" in table
