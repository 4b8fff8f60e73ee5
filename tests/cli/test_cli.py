"""The command line through typer's CliRunner: outputs, tables and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from klarsim.cli import app
from tests.support import ROOT

pytestmark = pytest.mark.cli

ERLANG_A = str(ROOT / "scenarios" / "validation" / "erlang_a.yaml")
QUICK = ["--days", "1", "--set", "experiment.warmup_days=0.25", "--quiet"]
runner = CliRunner()


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def test_run_writes_the_output_contract(tmp_path: Path) -> None:
    out = tmp_path / "results"
    code, stdout, _ = invoke(
        "run", ERLANG_A, "--reps", "2", "--out", str(out), "--contacts", *QUICK
    )
    assert code == 0, stdout
    assert {path.name for path in out.iterdir()} == {
        "scenario.yaml",
        "manifest.json",
        "summary.csv",
        "timeseries.csv",
        "events.csv",
        "labour.csv",
        "contacts.parquet",
        "runs",
        ".klarsim.lock",
    }
    assert len(list((out / "runs").rglob("rep-*.zip"))) == 2
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["replication"]) == [0, 1]
    assert {"scenario", "seed", "contacts", "p_wait", "asa_min", "in_system_end"} <= set(summary)
    timeseries = pd.read_csv(out / "timeseries.csv")
    assert len(timeseries) == 2 * 18  # 0.75 post-warm-up days of hourly intervals, per replication
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert len(contacts) == summary["contacts"].sum()
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert resolved["experiment"]["horizon_days"] == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 2024 and manifest["replications"] == [0, 1]
    assert {"klarsim_version", "command", "started", "finished"} <= set(manifest)
    assert manifest["kind"] == "run" and manifest["status"] == "complete"
    assert "asa_min" in stdout and "95% CI" in stdout


def test_seed_and_set_reach_the_results(tmp_path: Path) -> None:
    out = tmp_path / "r"
    arguments = ["--reps", "1", "--seed", "5", "--set", "pools.staff.headcount=60"]
    code, _, _ = invoke("run", ERLANG_A, "--out", str(out), *arguments, *QUICK)
    assert code == 0
    assert pd.read_csv(out / "summary.csv")["seed"].tolist() == [5]
    assert yaml.safe_load((out / "scenario.yaml").read_text())["pools"]["staff"]["headcount"] == 60


def test_existing_folder_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, stderr = invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), *QUICK)
    assert code == 2
    assert "already exists" in stderr and "not a klarsim results folder" in stderr
    code, _, stderr = invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), "--force", *QUICK)
    assert code == 2 and "--force replaces only those" in stderr  # not a results folder
    assert (out / "keep.txt").read_text() == "mine"
    (out / "keep.txt").unlink()
    assert invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), *QUICK)[0] == 2
    code, _, _ = invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), "--force", *QUICK)
    assert code == 0 and (out / "summary.csv").exists()
    code, _, stderr = invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), *QUICK)
    assert code == 2
    assert "already exists" in stderr and "--force" in stderr and "--resume" in stderr
    assert invoke("run", ERLANG_A, "--reps", "1", "--out", str(out), "--force", *QUICK)[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["r"], "no staging folder may remain"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["run", "missing.yaml"], "file not found"),
        (["run", ERLANG_A, "--set", "pools.staff.headcount=-1"], "pools.staff.headcount"),
        (["run", ERLANG_A, "--set", "pools.staff.bogus=1"], "unknown key"),
        (["run", ERLANG_A, "--set", "demand.intents.general.share=0.3"], "sum to 1"),
        (["run", ERLANG_A, "--set", "nonsense"], "expected KEY=VALUE"),
        (["run", ERLANG_A, "--set", "pools.staff.skills.0=other"], "unknown intent"),
        (["run", ERLANG_A, "--days", "1"], "less than horizon_days"),
        (["run", ERLANG_A, "--reps", "0"], "reps"),
        (["validate", "missing.yaml"], "file not found"),
        (["erlang", "--rate-per-min", "10", "--aht-min", "1", "--agents", "5"], "agents"),
        (["erlang", "--rate-per-min", "-1", "--aht-min", "1", "--agents", "5"], "rate"),
        (["erlang", "--rate-per-min", "1", "--aht-min", "1"], "--target-sl"),
    ],
)
def test_bad_input_exits_2_without_traceback_or_folder(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    out = tmp_path / "never"
    extra = ["--out", str(out)] if arguments[0] == "run" else []
    result = runner.invoke(app, [*arguments, *extra])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_yaml_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ndemand: [unclosed\n")
    code, _, stderr = invoke("run", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{path}:" in stderr and "invalid YAML" in stderr


def test_validate_reports_good_and_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(ERLANG_A).read_text().replace("headcount: 48", "headcount: many"))
    code, stdout, stderr = invoke("validate", ERLANG_A, str(bad))
    assert code == 2
    assert "ok: " in stdout and "erlang-a-check" in stdout
    assert "pools.staff.headcount" in stderr
    code, stdout, _ = invoke("validate", ERLANG_A)
    assert code == 0


def test_erlang_prints_the_known_erlang_c_figures() -> None:
    code, stdout, _ = invoke(
        "erlang", "--rate-per-min", "12", "--aht-min", "4", "--agents", "55", "--target-s", "15"
    )
    assert code == 0
    assert "0.2387" in stdout  # P(wait > 0)
    assert "8.18" in stdout  # ASA in seconds
    assert "0.8459" in stdout  # service level at 15 s


def test_erlang_finds_the_fewest_agents() -> None:
    code, stdout, _ = invoke(
        "erlang", "--rate-per-min", "9", "--aht-min", "5", "--target-sl", "0.8"
    )
    assert code == 0
    assert "Erlang C" in stdout and "agents" in stdout


def test_python_dash_m_and_help() -> None:
    code, stdout, _ = invoke("--help")
    assert code == 0
    assert all(command in stdout for command in ("run", "validate", "erlang"))


@pytest.mark.parametrize("name", ["human_only", "ai_first", "hybrid"])
def test_example_scenarios_run_as_they_are(tmp_path: Path, name: str) -> None:
    path = str(ROOT / "scenarios" / "examples" / f"{name}.yaml")
    out = tmp_path / name
    code, stdout, _ = invoke(
        "run",
        path,
        "--reps",
        "1",
        "--days",
        "2",
        "--out",
        str(out),
        "--set",
        "experiment.warmup_days=1",
        "--quiet",
    )
    assert code == 0, stdout
    summary = pd.read_csv(out / "summary.csv")
    assert {"ai_share", "csat_mean", "trust_mean_end", "cost_total", "fcr"} <= set(summary)
    assert (summary["ai_share"] > 0).all() == (name != "human_only")


def test_failed_runs_are_listed_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from klarsim.experiments import tasks as experiment

    real = experiment.run_task

    def flaky(task: experiment.Task) -> experiment.ReplicationResult:
        if task.scenario.pools["staff"].headcount == 50:
            raise ValueError("broken point")
        return real(task)

    monkeypatch.setattr(experiment, "run_task", flaky)
    out = tmp_path / "sweep"
    arguments = [
        "sweep",
        ERLANG_A,
        "--grid",
        "pools.staff.headcount=48,50",
        "--reps",
        "2",
        "--workers",
        "1",
    ]
    result = runner.invoke(app, [*arguments, "--out", str(out), *QUICK])
    assert result.exit_code == 1
    assert result.stderr.count("failed: erlang-a-check replication") == 2
    assert "2 run(s) failed; the others were written" in result.stderr
    assert "replication 0 at point 1" in result.stderr
    rows = pd.read_csv(out / "sweep.csv")
    assert rows["pools.staff.headcount"].tolist() == [48, 48]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert [failure["point"] for failure in manifest["failed_runs"]] == [1, 1]
