"""Faults while running: failed replications, failed writes and an unreachable scheduler.

The contract: what succeeded is written, each failure is one line on stderr, the exit code is
1 and no Python traceback is printed. Failures are injected by replacing the function every
executor calls (``klarsim.experiments.tasks.run_task``), on the serial path.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from klarsim.cli import app
from klarsim.experiments import dask_pool
from klarsim.experiments import tasks as task_module
from klarsim.experiments.tasks import Task
from klarsim.sim.records import ReplicationResult
from tests.support import ROOT

pytestmark = pytest.mark.cli

ERLANG_A = str(ROOT / "scenarios" / "validation" / "erlang_a.yaml")
ERLANG_C = str(ROOT / "scenarios" / "validation" / "erlang_c.yaml")
QUICK = ["--days", "1", "--set", "experiment.warmup_days=0.25", "--quiet", "--workers", "1"]
COMMANDS = {
    "run": ["run", ERLANG_A, "--reps", "2"],
    "compare": ["compare", ERLANG_A, ERLANG_C, "--reps", "2"],
    "sweep": ["sweep", ERLANG_A, "--grid", "pools.staff.headcount=48,52", "--reps", "2"],
}
TABLES = {
    "run": {"summary.csv", "timeseries.csv", "events.csv"},
    "compare": {"summary.csv", "timeseries.csv", "events.csv", "comparison.csv"},
    "sweep": {"sweep.csv", "sweep.parquet", "sweep_summary.csv"},
}
INPUTS = {"run": {"scenario.yaml"}, "compare": {"scenarios"}, "sweep": {"scenario.yaml"}}
runner = CliRunner()


def invoke(arguments: list[str]) -> Result:
    return runner.invoke(app, arguments)


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text())
    return data


def run_files(out: Path) -> list[Path]:
    runs = out / "runs"
    return [path for path in runs.rglob("*") if path.is_file()] if runs.exists() else []


@pytest.fixture
def fail_when(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[Task], bool]], None]]:
    """Make the replications for which the predicate holds raise a MemoryError."""
    real = task_module.run_task

    def install(predicate: Callable[[Task], bool]) -> None:
        def flaky(task: Task) -> ReplicationResult:
            if predicate(task):
                raise MemoryError("injected")
            return real(task)

        monkeypatch.setattr(task_module, "run_task", flaky)

    yield install


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_run_failed_writes_no_table_and_exits_1(
    tmp_path: Path, command: str, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: True)
    out = tmp_path / "out"
    result = invoke([*COMMANDS[command], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    runs = 4 if command != "run" else 2
    assert f"error: every run failed ({runs}); no table was written" in result.stderr
    assert result.stderr.count("MemoryError('injected')") == 2 * runs  # as it came, then listed
    shown = {path.name for path in out.iterdir() if not path.name.startswith(".")}  # not a lock
    assert shown - {"runs"} == {"manifest.json", *INPUTS[command]}
    assert run_files(out) == []
    written = manifest(out)
    assert written["status"] == "failed"
    assert "every run failed" in written["error"]
    assert len(written["failed_runs"]) == runs
    assert {failure["error"] for failure in written["failed_runs"]} == {"MemoryError('injected')"}


def test_some_runs_failed_of_run(
    tmp_path: Path, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: task.replication == 1)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["run"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "1 run(s) failed; the others were written" in result.stderr
    assert "erlang-a-check replication 1: MemoryError('injected')" in result.stderr
    assert TABLES["run"] <= {path.name for path in out.iterdir()}
    assert pd.read_csv(out / "summary.csv")["replication"].tolist() == [0]
    assert set(pd.read_csv(out / "timeseries.csv")["replication"]) == {0}
    written = manifest(out)
    assert written["status"] == "complete" and written["replications"] == [0]
    assert [failure["replication"] for failure in written["failed_runs"]] == [1]
    assert "asa_min" in result.stdout  # the KPIs of the run that finished


def test_some_runs_failed_of_compare_pair_only_the_finished_replications(
    tmp_path: Path, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: task.scenario.name == "erlang-c-check" and task.replication == 1)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["compare"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "erlang-c-check replication 1: MemoryError('injected')" in result.stderr
    assert TABLES["compare"] <= {path.name for path in out.iterdir()}
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(zip(summary["scenario"], summary["replication"], strict=True)) == [
        ("erlang-a-check", 0),
        ("erlang-a-check", 1),
        ("erlang-c-check", 0),
    ]
    comparison = pd.read_csv(out / "comparison.csv").set_index(["kpi", "scenario"])
    row = comparison.loc[("asa_min", "erlang-c-check")]
    assert row["replications"] == 1
    by_replication = summary.set_index(["scenario", "replication"])["asa_min"]
    paired = by_replication[("erlang-c-check", 0)] - by_replication[("erlang-a-check", 0)]
    assert row["difference"] == pytest.approx(paired)  # replication 1 has no pair: left out
    assert manifest(out)["failed_runs"] == [
        {
            "scenario": "erlang-c-check",
            "replication": 1,
            "error": "MemoryError('injected')",
            "point": None,
        }
    ]


def test_a_sweep_point_whose_runs_all_failed_stays_in_the_summary(
    tmp_path: Path, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: task.point == 1)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["sweep"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "2 run(s) failed; the others were written" in result.stderr
    assert pd.read_csv(out / "sweep.csv")["point"].tolist() == [0, 0]
    summary = pd.read_csv(out / "sweep_summary.csv")
    assert summary["point"].tolist() == [0, 1]
    assert summary["pools.staff.headcount"].tolist() == [48, 52]
    assert summary["asa_min_mean"].notna().tolist() == [True, False]
    assert manifest(out)["status"] == "complete"


@pytest.mark.parametrize("filename", ["final", "temporary", "none"])
def test_a_full_disk_while_writing_is_one_line_and_resume_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filename: str
) -> None:
    from klarsim.experiments import run as run_module

    real = run_module.write_table
    names = {"final": "timeseries.csv", "temporary": ".timeseries.csv.4242-0123abcd4567.tmp"}

    def full(path: Path, table: pd.DataFrame) -> None:
        if path.name == "timeseries.csv":
            if filename in names:
                full_disk = os.strerror(errno.ENOSPC)
                raise OSError(errno.ENOSPC, full_disk, str(path.with_name(names[filename])))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, table)

    monkeypatch.setattr(run_module, "write_table", full)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["run"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    where = out / "timeseries.csv" if filename in names else out
    assert result.stderr == f"error: cannot write {where}: No space left on device\n"
    assert manifest(out)["status"] == "failed"
    monkeypatch.setattr(run_module, "write_table", real)
    again = invoke([*COMMANDS["run"], *QUICK, "--out", str(out), "--resume"])
    assert again.exit_code == 0, again.output
    assert manifest(out)["status"] == "complete"
    assert pd.read_csv(out / "timeseries.csv")["replication"].unique().tolist() == [0, 1]


def test_the_first_fault_is_named_not_the_failed_write_of_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a full disk the manifest's 'failed' cannot be written either: the table is named."""
    from klarsim.experiments import run as run_module

    def full(path: Path, table: pd.DataFrame) -> None:
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        except OSError:
            raise OSError(errno.EIO, os.strerror(errno.EIO), "manifest.json") from None

    monkeypatch.setattr(run_module, "write_table", full)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["run"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert result.stderr == f"error: cannot write {out / 'summary.csv'}: No space left on device\n"


def test_out_of_memory_building_the_tables_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klarsim.experiments import run as run_module

    def too_big(results: object) -> object:
        raise MemoryError

    monkeypatch.setattr(run_module, "timeseries_columns", too_big)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["run"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert result.stderr == f"error: out of memory; the finished runs are kept in {out}\n"
    assert manifest(out)["status"] == "failed"


def test_permission_denied_in_the_middle_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klarsim.experiments import sweep as sweep_module

    def denied(path: Path, table: pd.DataFrame) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(sweep_module, "write_table", denied)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["sweep"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert result.stderr == f"error: cannot write {out / 'sweep.csv'}: Permission denied\n"


def test_a_refused_scheduler_is_one_line_and_makes_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        [*COMMANDS["run"], *QUICK, "--scheduler", "tcp://127.0.0.1:1", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert result.stderr == (
        "error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: Connection refused\n"
    )
    assert not out.exists()


def test_a_scheduler_that_never_answers_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that accepts connections but never speaks: Dask alone would wait for ever."""
    monkeypatch.setattr(dask_pool, "CONNECT_TIMEOUT_S", 0.5)
    out = tmp_path / "out"
    with socket.create_server(("127.0.0.1", 0)) as silent:
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        result = invoke([*COMMANDS["run"], *QUICK, "--scheduler", address, "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert result.stderr == (
        f"error: cannot reach the Dask scheduler at {address}: no answer within 0.5 s\n"
    )
    assert not out.exists()


def test_a_demo_whose_runs_all_failed_draws_nothing_and_exits_1(
    tmp_path: Path, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: True)
    out = tmp_path / "demo"
    result = invoke(["demo", "--reps", "1", "--workers", "1", "--quiet", "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "error: every run failed (4); no table was written" in result.stderr
    shown = {path.name for path in out.iterdir() if not path.name.startswith(".")}
    assert shown - {"runs"} == {"manifest.json", "scenarios"}
    assert manifest(out)["status"] == "failed"


def test_a_staffing_plan_whose_runs_all_failed_exits_1_listing_them(
    tmp_path: Path, fail_when: Callable[[Callable[[Task], bool]], None]
) -> None:
    fail_when(lambda task: True)
    out = tmp_path / "staff"
    arguments = ["staff", ERLANG_A, "--target", "service_level=0.8", "--reps", "1"]
    result = invoke([*arguments, "--workers", "1", "--quiet", "--out", str(out)])
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "error: every run failed (1)" in result.stderr
    written = manifest(out)
    assert written["status"] == "failed"
    assert [failure["error"] for failure in written["failed_runs"]] == ["MemoryError('injected')"]


def test_a_long_error_is_one_cut_line_on_the_terminal_and_whole_in_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def verbose(task: Task) -> ReplicationResult:
        raise ValueError("line\n" * 1000)

    monkeypatch.setattr(task_module, "run_task", verbose)
    out = tmp_path / "out"
    result = invoke([*COMMANDS["run"], *QUICK, "--out", str(out)])
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 2
    assert all(len(line) < 400 and line.endswith("...") for line in failed)
    assert manifest(out)["failed_runs"][0]["error"] == repr(ValueError("line\n" * 1000))
