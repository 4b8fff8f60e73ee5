"""The resumable results store: exact run files, one per replication, resume after a kill."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.experiments import tasks as experiment
from klarsim.experiments.designs import grid_points
from klarsim.experiments.job import OutputOptions
from klarsim.experiments.run import Precision
from klarsim.results.checkpoints import CheckpointWarning, dumps, loads
from klarsim.results.writer import OutputError
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}
SHORT_OPTIONS = ["--days", "0.5", "--set", "experiment.warmup_days=0.125", "--quiet"]
GRID = "pools.staff.headcount=46,50"
AS_FROM_A_SHELL = (
    "import runpy, signal; "
    "signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT]); "
    "runpy.run_module('klarsim', run_name='__main__', alter_sys=True)"
)
"""``python -m klarsim`` with Ctrl-C handled and unblocked, as a shell starts a command: a test
runner's worker may hand its children SIGINT ignored or blocked (both survive exec), and the
sweep would then never see the Ctrl-C a test sends."""
KLARSIM = [sys.executable, "-c", AS_FROM_A_SHELL]
SWEEP = [*KLARSIM, "sweep", str(ERLANG_A), "--grid", GRID, "--reps", "4"]
SWEEP_RUNS = 8
runner = CliRunner()


def bits(value: object) -> object:
    """``value`` with every float replaced by its IEEE-754 bytes, so NaN compares exactly."""
    if isinstance(value, float):
        return (type(value).__name__, struct.pack("<d", value))
    if isinstance(value, dict):
        return {key: bits(item) for key, item in value.items()}
    if isinstance(value, list):
        return [bits(item) for item in value]
    return (type(value).__name__, value)


def all_fields(result: klarsim.ReplicationResult) -> object:
    return bits({f.name: getattr(result, f.name) for f in dataclasses.fields(result)})


def run_files(out: Path) -> list[Path]:
    return sorted(out.glob("runs/**/rep-*.zip"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_run_file_round_trips_a_result_bit_for_bit() -> None:
    negative_nan = struct.unpack("<d", struct.pack("<Q", 0xFFF8_0000_0000_0001))[0]
    result = klarsim.ReplicationResult(
        scenario="s",
        replication=3,
        seed=2**70,
        summary={"a": math.nan, "b": math.inf, "c": -math.inf, "d": -0.0, "e": negative_nan},
        timeseries={"x": [1, 2.5, math.nan], "flag": [True, False, None], "name": ["p", "q", ""]},
        contacts=None,
        events=7,
        event_log={"time_days": [0.1 + 0.2], "detail": ["é"]},
    )
    task, back = loads(dumps({"replication": 3}, result))
    assert task == {"replication": 3}
    assert all_fields(back) == all_fields(result)


def test_numpy_scalars_are_stored_as_plain_values_and_objects_are_refused() -> None:
    summary = {"n": np.int64(5), "x": np.float64(0.1), "yes": np.bool_(True)}
    result = klarsim.ReplicationResult("s", 0, 1, summary, {})
    _, back = loads(dumps({}, result))
    assert bits(back.summary) == bits({"n": 5, "x": 0.1, "yes": True})
    with pytest.raises(TypeError, match="plain values only"):
        dumps({}, klarsim.ReplicationResult("s", 0, 1, {"when": object()}, {}))


def test_a_run_file_is_json_and_arrow_in_a_stored_zip() -> None:
    result = klarsim.ReplicationResult("s", 2, 9, {"a": 1.5}, {"x": [1, 2]}, event_log=None)
    with zipfile.ZipFile(io.BytesIO(dumps({"replication": 2}, result))) as archive:
        assert archive.namelist() == ["run.json", "summary.arrow", "timeseries.arrow"]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        metadata = json.loads(archive.read("run.json"))
        timeseries = pa.ipc.open_file(archive.read("timeseries.arrow")).read_all()
    assert metadata["format"] == "klarsim-run/2" and metadata["task"] == {"replication": 2}
    assert metadata["result"] == {"scenario": "s", "replication": 2, "seed": 9, "events": 0}
    entry = metadata["tables"]["timeseries"]
    assert entry["rows"] == 2 and entry["columns"] == ["x"] and len(entry["sha256"]) == 64
    assert metadata["tables"]["contacts"] is None
    assert timeseries.column("x").to_pylist() == [1, 2]
    assert dumps({"replication": 2}, result) == dumps({"replication": 2}, result), "repeatable"


def test_a_run_folder_has_one_file_per_replication(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = klarsim.run(ERLANG_A, reps=3, overrides=SHORT, out=out, record_contacts=True)
    files = run_files(out)
    assert [p.relative_to(out).as_posix() for p in files] == [
        f"runs/erlang-a-check/rep-000{r}.zip" for r in range(3)
    ]
    for replication, path in enumerate(files):
        task, stored = loads(path.read_bytes())
        assert task["replication"] == stored.replication == replication
        assert task["seed"] == 2024 and task["record_contacts"] is True
        assert len(task["scenario_sha256"]) == 64
        assert bits(stored.summary) == bits(result.summary.iloc[replication].to_dict())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "run"
    assert manifest["job"]["replications"] == 3 and manifest["job"]["seed"] == 2024
    assert {"started", "finished", "command", "klarsim_version"} <= set(manifest)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """sweep.csv of the uninterrupted sweep that the killed ones must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    klarsim.sweep(ERLANG_A, points=grid_points([GRID]), reps=4, overrides=SHORT, out=out)
    return pd.read_csv(out / "sweep.csv")


def start_and_stop_a_sweep(out: Path, stop: signal.Signals) -> subprocess.Popen[bytes] | None:
    """Start the sweep in a process of its own and send it ``stop`` after its first run file;
    None if it finished before the signal could be sent (a heavily loaded machine)."""
    arguments = [*SWEEP, "--out", str(out), "--workers", "1", *SHORT_OPTIONS]
    process = subprocess.Popen(
        arguments, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not run_files(out):
        assert process.poll() is None, process.communicate()[1].decode()
        assert time.monotonic() < deadline, "no run file within a minute"
        time.sleep(0.005)
    if process.poll() is not None:
        return None
    process.send_signal(stop)
    process.wait(timeout=60)
    return process


def stopped_sweep(tmp_path: Path, stop: signal.Signals) -> tuple[Path, subprocess.Popen[bytes]]:
    """A sweep stopped half-way, started again in a new folder if it finished first."""
    for attempt in range(3):
        out = tmp_path / f"sweep-{attempt}"
        process = start_and_stop_a_sweep(out, stop)
        if process is not None:
            return out, process
    pytest.fail("the sweep finished before it could be stopped, three times")


def check_what_the_kill_left(out: Path) -> None:
    """Every run file loads; anything else under runs/ is a hidden temporary file."""
    files = run_files(out)
    assert 1 <= len(files) < SWEEP_RUNS, "stopped half-way"
    for path in files:
        loads(path.read_bytes())
    others = [p for p in (out / "runs").rglob("*") if p.is_file() and p not in files]
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in others)
    assert not (out / "sweep.csv").exists()


def resume(out: Path) -> None:
    arguments = ["sweep", str(ERLANG_A), "--grid", GRID, "--reps", "4", "--workers", "1"]
    result = runner.invoke(app, [*arguments, "--out", str(out), *SHORT_OPTIONS, "--resume"])
    assert result.exit_code == 0, result.output
    assert len(run_files(out)) == SWEEP_RUNS
    assert not list(out.rglob("*.tmp")), "leftover temporary files are removed"
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


@pytest.mark.cli
def test_a_sweep_killed_with_sigkill_resumes_to_the_same_table(
    tmp_path: Path, reference: pd.DataFrame
) -> None:
    out, process = stopped_sweep(tmp_path, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    check_what_the_kill_left(out)
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    # A write cut short by the kill: a hidden temporary file beside the finished runs.
    first = run_files(out)[0]
    (first.parent / f".{first.name}.0123456789ab.tmp").write_bytes(first.read_bytes()[:40])
    resume(out)
    pd.testing.assert_frame_equal(pd.read_csv(out / "sweep.csv"), reference, check_exact=True)


@pytest.mark.cli
def test_a_sweep_interrupted_with_sigint_says_how_to_resume(
    tmp_path: Path, reference: pd.DataFrame
) -> None:
    out, process = stopped_sweep(tmp_path, signal.SIGINT)
    stderr = process.communicate()[1].decode()
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    check_what_the_kill_left(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and "finished" in manifest
    resume(out)
    pd.testing.assert_frame_equal(pd.read_csv(out / "sweep.csv"), reference, check_exact=True)


def sweep_cli(out: Path, *extra: str) -> tuple[int, str]:
    arguments = ["sweep", str(ERLANG_A), "--grid", "pools.staff.headcount=48", "--reps", "1"]
    result = runner.invoke(app, [*arguments, "--out", str(out), *SHORT_OPTIONS, *extra])
    return result.exit_code, result.output


@pytest.mark.cli
def test_resume_refuses_the_folder_of_another_job(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    assert sweep_cli(out)[0] == 0
    before = snapshot(out)
    code, output = sweep_cli(out, "--seed", "7", "--resume")
    assert code == 2
    assert "holds another job" in output and "job.seed: 2024 there, 7 here" in output
    assert snapshot(out) == before


@pytest.mark.cli
def test_an_existing_folder_is_untouched_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    assert sweep_cli(out)[0] == 0
    (out / "mine.txt").write_text("keep")
    before = snapshot(out)
    code, output = sweep_cli(out)
    assert code == 2 and "already exists" in output and "--resume" in output
    assert snapshot(out) == before
    assert sweep_cli(out, "--force", "--resume")[0] == 2
    assert snapshot(out) == before
    assert sweep_cli(out, "--force")[0] == 0
    assert not (out / "mine.txt").exists()
    assert len(run_files(out)) == 1


def count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replications actually simulated from now on (serial execution)."""
    simulated: list[int] = []
    real = experiment.run_task

    def counting(task: experiment.Task) -> klarsim.ReplicationResult:
        simulated.append(task.replication)
        return real(task)

    monkeypatch.setattr(experiment, "run_task", counting)
    return simulated


def test_resume_runs_only_missing_or_unusable_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    first = klarsim.run(ERLANG_A, reps=4, overrides=SHORT, out=out)
    files = run_files(out)
    files[1].unlink()
    files[2].write_bytes(files[2].read_bytes()[:-10])  # cut short: cannot be loaded
    written = (out / "summary.csv").read_bytes()
    simulated = count_runs(monkeypatch)
    with pytest.warns(CheckpointWarning) as warned:
        again = klarsim.run(ERLANG_A, reps=4, overrides=SHORT, out=OutputOptions(out, resume=True))
    assert simulated == [1, 2]
    assert [str(warning.message) for warning in warned] == [
        f"{files[2]}: cannot be loaded (BadZipFile: File is not a zip file); running it again"
    ]
    pd.testing.assert_frame_equal(again.summary, first.summary, check_exact=True)
    assert (out / "summary.csv").read_bytes() == written
    assert len(json.loads((out / "manifest.json").read_text())["resumed"]) == 1


def test_precision_runs_resume_to_the_same_replications(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    target = Precision("asa_min", half_width=0.02, max_reps=40)
    first = klarsim.run(ERLANG_A, reps=3, precision=target, overrides=SHORT, out=out)
    count = len(first.summary)
    assert count > 3
    for path in run_files(out)[-2:]:
        path.unlink()
    (out / "summary.csv").unlink()
    simulated = count_runs(monkeypatch)
    again = klarsim.run(
        ERLANG_A, reps=3, precision=target, overrides=SHORT, out=OutputOptions(out, resume=True)
    )
    assert simulated == [count - 2, count - 1]
    pd.testing.assert_frame_equal(again.summary, first.summary, check_exact=True)
    strict = Precision("asa_min", half_width=0.01, max_reps=40)
    with pytest.raises(OutputError, match="precision"):
        klarsim.run(
            ERLANG_A, reps=3, precision=strict, overrides=SHORT, out=OutputOptions(out, resume=True)
        )


def test_compare_resumes_from_its_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenarios = [
        klarsim.load_scenario(ERLANG_A, {**SHORT, "name": f"n{n}", "pools.staff.headcount": n})
        for n in (46, 50)
    ]
    out = tmp_path / "compare"
    first = klarsim.compare(scenarios, reps=2, out=out)
    assert [p.relative_to(out).as_posix() for p in run_files(out)] == [
        f"runs/{name}/rep-000{r}.zip" for name in ("n46", "n50") for r in range(2)
    ]
    run_files(out)[3].unlink()
    simulated = count_runs(monkeypatch)
    again = klarsim.compare(scenarios, reps=2, out=OutputOptions(out, resume=True))
    assert simulated == [1]
    pd.testing.assert_frame_equal(again.comparison, first.comparison, check_exact=True)
