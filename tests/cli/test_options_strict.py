"""Every option value out of its range is bad input: exit code 2 naming the option, no folder.

Bounds (``klarsim.limits``): replications 1-10,000, workers 1-1,024, seeds
0 to 2**63 - 1, a positive finite ``--days``, at most 10,000 sweep points and 1,000,000 runs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from tests.support import ROOT

pytestmark = pytest.mark.cli

ERLANG_A = str(ROOT / "scenarios" / "validation" / "erlang_a.yaml")
ERLANG_C = str(ROOT / "scenarios" / "validation" / "erlang_c.yaml")
QUICK = ["--days", "1", "--set", "experiment.warmup_days=0.25", "--quiet"]
SWEEP = ["sweep", ERLANG_A]
HEADCOUNT = "pools.staff.headcount"
runner = CliRunner()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["run", ERLANG_A, "--reps", "0"], "Invalid value for '--reps'"),
        (["run", ERLANG_A, "--reps", "-3"], "Invalid value for '--reps'"),
        (["run", ERLANG_A, "--reps", "10001"], "Invalid value for '--reps'"),
        (["run", ERLANG_A, "--reps", "1" + "0" * 30], "Invalid value for '--reps'"),
        (["run", ERLANG_A, "--max-reps", "10000000"], "Invalid value for '--max-reps'"),
        (["run", ERLANG_A, "--workers", "0"], "Invalid value for '--workers'"),
        (["run", ERLANG_A, "--workers", "1000000"], "Invalid value for '--workers'"),
        (["run", ERLANG_A, "--seed", "-1"], "Invalid value for '--seed'"),
        (["run", ERLANG_A, "--seed", str(2**63)], "Invalid value for '--seed'"),
        (["run", ERLANG_A, "--seed", "x"], "Invalid value for '--seed'"),
        (["run", ERLANG_A, "--days", "nan"], "--days: experiment.horizon_days: expected a posit"),
        (["run", ERLANG_A, "--days", "inf"], "--days: experiment.horizon_days: expected a posit"),
        (["run", ERLANG_A, "--days", "-1"], "expected a positive, finite number of days"),
        (["run", ERLANG_A, "--days", "0"], "expected a positive, finite number of days"),
        (["compare", ERLANG_A, "--reps", "0"], "Invalid value for '--reps'"),
        (["compare", ERLANG_A, "--seed", "-1"], "Invalid value for '--seed'"),
        (["compare", ERLANG_A, ERLANG_C, "--days", "nan"], "--days"),
        (["compare", ERLANG_A], "compare: expected two or more scenarios, got 1"),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=1:2"], "expected LOW:HIGH:N or comma-separated"),
        (
            [*SWEEP, "--grid", f"{HEADCOUNT}=48,50", "--grid", f"{HEADCOUNT}=52"],
            f"--grid: {HEADCOUNT}: given more than once",
        ),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=1:2:1000000000"], "1,000,000,000 points"),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=1_000"], "without underscores"),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=48,nan"], "a finite number"),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=40:60:10000", "--reps", "101"], "1,010,000 runs"),
        (
            [*SWEEP, "--design", "lhs", "--range", "a=0:1", "--samples", "0"],
            "Invalid value for '--samples'",
        ),
        (
            [*SWEEP, "--design", "lhs", "--range", "a=0:1", "--samples", "10001"],
            "Invalid value for '--samples'",
        ),
        (
            [*SWEEP, "--design", "lhs", "--samples", "4", "--range", "a=0:1", "--range", "a=2:3"],
            "--range: a: given more than once",
        ),
        ([*SWEEP, "--grid", f"{HEADCOUNT}=48", "--reps", "0"], "Invalid value for '--reps'"),
        (["run", ERLANG_A, "--scheduler", "foo://x"], "--scheduler: unknown address scheme"),
        (["run", ERLANG_A, "--scheduler", "nowhere"], "--scheduler: missing port number"),
        (["run", ERLANG_A, "--scheduler", "tcp://127.0.0.1:70000"], "out of range"),
        (["run", ERLANG_A, "--scheduler", "inproc://x"], "--scheduler: an inproc://"),
    ],
)
def test_an_option_out_of_range_exits_2_and_makes_nothing(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    out = tmp_path / "never"
    result = runner.invoke(app, [*arguments, "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split()), result.output  # rich may wrap lines
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


ERLANG = ["erlang", "--rate-per-min", "1", "--aht-min", "1"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([*ERLANG, "--agents", "1000000000000"], "Invalid value for '--agents'"),
        ([*ERLANG, "--agents", "0"], "Invalid value for '--agents'"),
        ([*ERLANG, "--agents", "5", "--target-s", "nan"], "--target-s: expected a finite number"),
        ([*ERLANG, "--agents", "5", "--patience-min", "inf"], "--patience-min: expected a finite"),
        (["erlang", "--rate-per-min", "inf", "--aht-min", "1", "--agents", "5"], "--rate-per-min"),
        (["staff", ERLANG_A, "--reps", "10001"], "Invalid value for '--reps'"),
        (["staff", ERLANG_A, "--days", "nan"], "Invalid value for '--days'"),
        (["staff", ERLANG_A, "--seed", str(2**63)], "Invalid value for '--seed'"),
        (["staff", ERLANG_A, "--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_erlang_and_staff_options_out_of_range_exit_2(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    extra = ["--out", str(tmp_path / "never")] if arguments[0] == "staff" else []
    result = runner.invoke(app, [*arguments, *extra])
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_largest_seed_runs(tmp_path: Path) -> None:
    out = tmp_path / "r"
    arguments = ["run", ERLANG_A, "--reps", "1", "--seed", str(2**63 - 1), "--workers", "1"]
    result = runner.invoke(app, [*arguments, "--out", str(out), *QUICK])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "summary.csv")["seed"].tolist() == [2**63 - 1]
