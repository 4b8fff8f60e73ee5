"""``klarsim show``: a results folder's job and headline KPIs, in 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.metrics.text import interval
from tests.support import ERLANG_A, SCENARIOS

pytestmark = pytest.mark.cli

runner = CliRunner()
ERLANG_C = SCENARIOS / "validation" / "erlang_c.yaml"
SHORT = ["--days", "5", "--reps", "2", "--workers", "1", "--quiet"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run (scaled), a comparison and a sweep, each short."""
    root = tmp_path_factory.mktemp("show")
    commands = {
        "run": ["run", str(ERLANG_A), "--set", "experiment.scale=0.5"],
        "compare": ["compare", str(ERLANG_A), str(ERLANG_C)],
        "sweep": ["sweep", str(ERLANG_C), "--grid", "pools.staff.headcount=44,48"],
    }
    for kind, command in commands.items():
        result = runner.invoke(app, [*command, *SHORT, "--out", str(root / kind)])
        assert result.exit_code == 0, result.output
    return {kind: root / kind for kind in commands}


def shown(folder: Path) -> list[str]:
    result = runner.invoke(app, ["show", str(folder)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def fields(lines: list[str]) -> dict[str, str]:
    """The overview's ``label value`` lines, up to the first blank line."""
    overview = lines[: lines.index("")]
    return {line[:14].strip(): line[14:] for line in overview}


def test_show_run_gives_the_job_and_kpis_from_the_folder(folders: dict[str, Path]) -> None:
    lines = shown(folders["run"])
    manifest = json.loads((folders["run"] / "manifest.json").read_text(encoding="utf-8"))
    overview = fields(lines)
    assert overview["kind"] == "run"
    assert overview["status"] == "complete"
    assert overview["scenarios"] == "erlang-a-check"
    assert overview["replications"] == "2"
    assert overview["scale"] == "0.5"
    assert overview["seed"] == "2024"
    assert overview["started"] == manifest["started"].replace("T", " ").replace("+00:00", " UTC")
    summary = pd.read_csv(folders["run"] / "summary.csv")
    levels = summary["service_level"]
    half = 12.706 * levels.std() / 2**0.5  # Student t, 1 degree of freedom, 95 %
    expected = interval(levels.mean(), levels.mean() - half, levels.mean() + half)
    assert "erlang-a-check: 2 replications, 95% CI" in lines
    row = next(line for line in lines if line.strip().startswith("service_level"))
    assert expected in row
    assert any(line.strip().startswith("cost_total_full_scale") for line in lines)


def test_show_compare_marks_the_baseline_and_gives_differences(folders: dict[str, Path]) -> None:
    lines = shown(folders["compare"])
    overview = fields(lines)
    assert overview["kind"] == "compare"
    assert overview["scenarios"] == "erlang-a-check (baseline), erlang-c-check"
    comparison = pd.read_csv(folders["compare"] / "comparison.csv")
    row = comparison[
        (comparison["kpi"] == "service_level") & (comparison["scenario"] == "erlang-c-check")
    ].iloc[0]
    difference = interval(row.difference, row.difference_ci_low, row.difference_ci_high)
    assert any("erlang-c-check" in line and difference in line for line in lines)


def test_show_sweep_lists_points_and_their_kpis(folders: dict[str, Path]) -> None:
    lines = shown(folders["sweep"])
    overview = fields(lines)
    assert (overview["kind"], overview["points"]) == ("sweep", "2")
    assert "  point 0   pools.staff.headcount=44" in lines
    assert "  point 1   pools.staff.headcount=48" in lines
    summary = pd.read_csv(folders["sweep"] / "sweep_summary.csv").iloc[1]
    figure = interval(summary.asa_min_mean, summary.asa_min_ci_low, summary.asa_min_ci_high)
    asa = lines.index("asa_min")
    assert lines[asa + 2] == f"  point 1   {figure}"


@pytest.mark.parametrize("kind", ["run", "compare", "sweep"])
def test_show_fits_80_columns(folders: dict[str, Path], kind: str) -> None:
    assert max(len(line) for line in shown(folders[kind])) <= 80


def test_show_counts_failed_runs(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("summary.csv", "manifest.json"):
        (copy / name).write_bytes((folders["run"] / name).read_bytes())
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["failed_runs"] = [{"replication": 2, "error": "boom"}]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert fields(shown(copy))["status"] == "complete (1 failed run)"


@pytest.mark.parametrize("make", ["empty folder", "missing", "file"])
def test_show_refuses_what_is_not_a_results_folder(tmp_path: Path, make: str) -> None:
    path = tmp_path / "target"
    if make == "empty folder":
        path.mkdir()
    elif make == "file":
        path.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A weekly staffing plan and a capacity plan, one short iteration each."""
    root = tmp_path_factory.mktemp("plans")
    plan = ["staff", str(ERLANG_C), "--target", "service_level=0.8", "--max-iterations", "1"]
    plan += ["--days", "7", "--reps", "2", "--workers", "1", "--quiet"]
    for kind, extra in {"staff": [], "capacity": ["--by", "month"]}.items():
        result = runner.invoke(app, [*plan, *extra, "--out", str(root / kind)])
        assert result.exit_code == 0, result.output
    return {"staff": root / "staff", "capacity": root / "capacity"}


def test_show_staffing_plan_gives_peaks_and_service_per_pool(plans: dict[str, Path]) -> None:
    lines = shown(plans["staff"])
    overview = fields(lines)
    assert (overview["kind"], overview["scenarios"], overview["seed"]) == (
        "staff",
        "erlang-c-check",
        "2024",
    )
    assert overview["converged"].endswith(", 1 iteration")
    staffing = pd.read_csv(plans["staff"] / "staffing.csv")
    weighted = (staffing["service_level"] * staffing["offered"]).sum() / staffing["offered"].sum()
    row = next(line for line in lines if line.startswith("  staff "))
    peak, rostered, level, worst = row.split()[1:]
    assert int(peak) == staffing["required"].max()
    assert float(rostered) == staffing["rostered"].max()
    assert float(level) == pytest.approx(weighted, abs=5e-4)
    assert float(worst) == pytest.approx(staffing["service_level"].min(), abs=5e-4)


def test_show_capacity_plan_lists_months(plans: dict[str, Path]) -> None:
    lines = shown(plans["capacity"])
    assert fields(lines)["kind"] == "capacity"
    capacity = pd.read_csv(plans["capacity"] / "capacity.csv")
    months = [line.split()[0] for line in lines if line.startswith("  ") and "staff" in line]
    assert months == [str(month) for month in capacity["month"]]
    assert max(len(line) for line in lines) <= 80


def test_show_reads_a_manifest_with_wrong_types_without_a_traceback(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "summary.csv").write_bytes((folders["run"] / "summary.csv").read_bytes())
    damaged = {"failed_runs": 5, "warnings": 3, "replications": "x", "job": 4, "started": 3}
    (copy / "manifest.json").write_text(json.dumps(damaged), encoding="utf-8")
    overview = fields(shown(copy))
    assert overview["status"] == "unknown"
    assert overview["scenarios"] == "erlang-a-check"  # from summary.csv
    assert (overview["replications"], overview["started"]) == ("unknown", "-")
    assert "warnings" not in overview
