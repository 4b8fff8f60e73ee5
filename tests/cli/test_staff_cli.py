"""``klarsim staff`` through typer's CliRunner: the plan's folder, its runnable scenario, and
every kind of bad input (exit code 2, the option or key named, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.planning.tables import STAFFING_COLUMNS
from klarsim.results import files
from tests.support import ROOT

pytestmark = pytest.mark.cli

ERLANG_C = str(ROOT / "scenarios" / "validation" / "erlang_c.yaml")
HYBRID = str(ROOT / "scenarios" / "examples" / "hybrid.yaml")
DAILY = [
    "--set",
    "experiment.interval_min=1440",
    "--set",
    "demand.contacts_per_day=2880",
    "--set",
    "pools.staff.shift_templates=[{length_hours: 24, start_hours: [0]}]",
]
"""A stationary centre planned by the day (10 Erlangs, a quick plan), on day-long shifts."""
QUICK = ["--days", "7", "--reps", "2", "--workers", "1", "--quiet"]
runner = CliRunner()


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_staff_writes_a_plan_whose_scenario_runs_and_meets_the_target(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    code, stdout, stderr = invoke(
        "staff", ERLANG_C, "--target", "service_level=0.8", *DAILY, *QUICK, "--out", str(out)
    )
    assert code == 0, stdout + stderr
    assert "converged" in stdout and "agents on duty at peak" in stdout
    names = {path.name for path in out.iterdir()}
    assert {files.STAFFING, files.SHIFTS, files.ITERATIONS, files.SCENARIO} <= names
    assert {files.MANIFEST, files.PLOTS} <= names
    staffing = pd.read_csv(out / files.STAFFING)
    assert list(staffing.columns) == list(STAFFING_COLUMNS)
    assert len(staffing) == 7  # one row per day of the week
    assert (staffing["rostered"] >= staffing["required"]).all()
    planned = klarsim.load_scenario(out / files.SCENARIO)
    assert planned.pools["staff"].roster != "always"
    result = klarsim.run(planned, reps=2, overrides={"experiment.horizon_days": 7})
    service_level = result.kpis.set_index("kpi").loc["service_level", "mean"]
    assert service_level >= 0.8


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--target", "speed=3"], "unknown target 'speed'"),
        (["--target", "service_level=1.5"], "(0, 1)"),
        (["--target", "asa_min=0"], "positive number of minutes"),
        (["--target", "asa_min=-1"], "positive number of minutes"),
        (["--target", "abandonment_rate=oops"], "expected a number"),
        (["--target", "service_level"], "expected KPI=VALUE"),
        (["--target", "service_level=0.8", "--target", "service_level=0.9"], "given twice"),
        ([], "at least one target"),
        (["--target", "service_level=0.8", "--pool", "nobody"], "unknown pool 'nobody'"),
        (["--target", "service_level=0.8", "--days", "3"], "at least 7"),
        (["--target", "service_level=0.8", "--max-iterations", "0"], "at least one iteration"),
    ],
)
def test_bad_targets_and_pools_exit_2_naming_the_option(
    tmp_path: Path, arguments: list[str], named: str
) -> None:
    out = tmp_path / "plan"
    code, stdout, stderr = invoke("staff", ERLANG_C, *QUICK, *arguments, "--out", str(out))
    assert code == 2, stdout + stderr
    assert named in stderr
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


def test_a_gig_pool_is_not_planned(tmp_path: Path) -> None:
    gig = "pools.gig={kind: gig, registered: 10, online_probability: 0.3, skills: [routine]}"
    out = tmp_path / "plan"
    code, _, stderr = invoke(
        "staff",
        HYBRID,
        "--set",
        gig,
        "--target",
        "service_level=0.8",
        "--pool",
        "gig",
        *QUICK,
        "--out",
        str(out),
    )
    assert code == 2
    assert "--pool" in stderr and "gig pool" in stderr
    assert not out.exists()


def test_shift_templates_that_cannot_cover_the_week_are_refused(tmp_path: Path) -> None:
    only_mornings = "pools.staff.shift_templates=[{length_hours: 8, start_hours: [8], days: [mon]}]"
    out = tmp_path / "plan"
    code, stdout, stderr = invoke(
        "staff",
        ERLANG_C,
        "--target",
        "service_level=0.8",
        "--set",
        only_mornings,
        "--set",
        "experiment.interval_min=60",
        "--days",
        "7",
        "--reps",
        "1",
        "--max-iterations",
        "1",
        "--quiet",
        "--out",
        str(out),
    )
    assert code == 2, stdout + stderr
    assert "pools.staff.shift_templates" in stderr
    assert "Traceback" not in stdout + stderr


def test_an_interval_that_does_not_divide_the_day_is_refused(tmp_path: Path) -> None:
    code, _, stderr = invoke(
        "staff",
        ERLANG_C,
        "--target",
        "service_level=0.8",
        "--set",
        "experiment.interval_min=2880",
        *QUICK,
        "--out",
        str(tmp_path / "plan"),
    )
    assert code == 2
    assert "experiment.interval_min" in stderr
