"""``klarsim plot`` and ``klarsim report`` through typer's CliRunner on tiny results folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from klarsim.cli import app
from tests.support import ROOT
from tests.support import plot_tables as tables

pytestmark = pytest.mark.cli

EXAMPLES = ROOT / "scenarios" / "examples"
TINY = ["--reps", "2", "--days", "2", "--set", "experiment.warmup_days=0.5"]
TINY += ["--set", "experiment.scale=0.05", "--workers", "1", "--quiet"]
runner = CliRunner()


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "comparison"
    scenarios = [str(EXAMPLES / f"{name}.yaml") for name in ("human_only", "hybrid")]
    code, stdout, _ = invoke("compare", *scenarios, "--out", str(folder), *TINY)
    assert code == 0, stdout
    return folder


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "sweep"
    grid = ["--grid", "ai.share=0.3,0.6", "--grid", "pools.employees.headcount=28,36"]
    code, stdout, _ = invoke(
        "sweep", str(EXAMPLES / "hybrid.yaml"), *grid, "--out", str(folder), *TINY
    )
    assert code == 0, stdout
    return folder


def plot_names(folder: Path) -> set[str]:
    return {path.stem for path in (folder / "plots").iterdir()}


def check_images(folder: Path) -> None:
    """Every plot is a decodable PNG of slide size and an SVG."""
    for png in (folder / "plots").glob("*.png"):
        with Image.open(png) as image:
            assert image.width >= 1900 and image.height >= 600, png.name
        svg = png.with_suffix(".svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "</svg>" in svg


@pytest.mark.slow  # draws every plot with matplotlib
def test_plot_draws_every_plot_that_fits_a_comparison(compare_folder: Path) -> None:
    code, stdout, _ = invoke("plot", str(compare_folder))
    assert code == 0, stdout
    assert {"kpi_timeseries", "comparison", "frontier", "cost_waterfall"} <= plot_names(
        compare_folder
    )
    assert len(list((compare_folder / "plots").glob("*.svg"))) == len(
        list((compare_folder / "plots").glob("*.png"))
    )
    assert str(compare_folder / "plots") in stdout.replace("\n", "")
    check_images(compare_folder)


@pytest.mark.slow  # draws every plot with matplotlib
def test_report_of_a_comparison_is_one_self_contained_file(compare_folder: Path) -> None:
    code, stdout, _ = invoke("report", str(compare_folder))
    assert code == 0, stdout
    html = (compare_folder / "report.html").read_text(encoding="utf-8")
    assert "Report written to" in stdout
    assert 'id="comparison-table"' in html and 'id="parameters-table"' in html
    assert html.count("data:image/png;base64,") >= 4
    assert html.count("<details>") == 2  # each scenario's resolved YAML
    assert "paired" in html and "Student-t" in html
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", html)  # nothing fetched from outside


@pytest.mark.slow  # draws every plot with matplotlib
def test_report_of_a_sweep_has_the_per_point_table_and_sweep_plots(sweep_folder: Path) -> None:
    code, stdout, _ = invoke("report", str(sweep_folder))
    assert code == 0, stdout
    html = (sweep_folder / "report.html").read_text(encoding="utf-8")
    assert 'id="sweep-table"' in html and 'id="swept-table"' in html
    drawn = re.findall(r'<figure id="plot-([a-z_]+)">', html)
    assert drawn == ["sweep_heatmap", "frontier"]


@pytest.mark.slow  # draws every plot with matplotlib
def test_plot_and_report_of_a_run_ignore_a_runs_subfolder(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    code, stdout, _ = invoke("run", str(EXAMPLES / "hybrid.yaml"), "--out", str(folder), *TINY)
    assert code == 0, stdout
    (folder / "runs" / "0").mkdir(parents=True)
    (folder / "runs" / "0" / "summary.csv").write_text("not,a,table\n", encoding="utf-8")
    code, stdout, _ = invoke("plot", str(folder))
    assert code == 0, stdout
    assert "kpi_timeseries" in plot_names(folder)
    assert not {"comparison", "cost_waterfall", "frontier"} & plot_names(folder)
    check_images(folder)
    code, stdout, _ = invoke("report", str(folder))
    assert code == 0, stdout
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="kpi-table"' in html and "klarsim run: hybrid" in html


@pytest.mark.slow  # draws every plot with matplotlib
def test_workforce_columns_give_the_workforce_plot_and_escaped_text(tmp_path: Path) -> None:
    folder = tables.write_compare_folder(tmp_path / "synthetic")
    code, stdout, _ = invoke("report", str(folder))
    assert code == 0, stdout
    html = (folder / "report.html").read_text(encoding="utf-8")
    drawn = re.findall(r'<figure id="plot-([a-z_]+)">', html)
    assert drawn == ["kpi_timeseries", "workforce", "comparison", "frontier", "cost_waterfall"]
    assert "synthetic ai-first &lt;centre&gt; &amp; co" in html
    assert "total cost incl. revenue lost, full scale ($)" in html  # scale 0.1
    assert "The runs were at scale 0.1" in html
    assert "<centre>" not in html
    assert 'id="events-table"' in html and "csat below 0.6" in html


@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_missing_or_unknown_folder_exits_2_without_a_traceback(
    command: str, tmp_path: Path
) -> None:
    code, stdout, stderr = invoke(command, str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder" in stderr and "Traceback" not in stderr + stdout
    code, _, stderr = invoke(command, str(tmp_path))
    assert code == 2 and "not a klarsim results folder" in stderr
    (tmp_path / "sweep_summary.csv").write_text("point\n0\n", encoding="utf-8")
    code, _, stderr = invoke(command, str(tmp_path))
    assert code == 2 and "sweep.csv is missing" in stderr
