"""One writer per results folder; --force only on klarsim folders; faults leave nothing behind."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.experiments.job import OutputOptions
from klarsim.results import atomic, files
from klarsim.results.atomic import remove_leftovers
from klarsim.results.errors import OutputError
from klarsim.results.lock import Claim, claim_folder
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}
QUICK = ["--reps", "1", "--days", "0.5", "--set", "experiment.warmup_days=0.125", "--quiet"]
HOLD = """
import sys
from pathlib import Path
from klarsim.results.writer import output_folder

with output_folder(Path(sys.argv[1]), job={"kind": "run"}, details={}) as folder:
    temporary = folder.path / "runs" / f".rep-0000.zip.{__import__('os').getpid()}-0a1b.tmp"
    temporary.parent.mkdir()
    temporary.write_bytes(b"half a run file")
    print(temporary, flush=True)
    sys.stdin.readline()
"""
runner = CliRunner()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its content; folders as empty."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<folder>"
        for path in sorted(folder.rglob("*"))
    }


def cli_run(out: Path, *extra: str) -> tuple[int, str]:
    """``klarsim run`` into ``out``: exit code and stderr."""
    result = runner.invoke(app, ["run", str(ERLANG_A), *QUICK, "--out", str(out), *extra])
    return result.exit_code, result.stderr


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.mark.cli
def test_a_second_job_on_a_folder_being_written_is_refused_at_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        temporary = Path(holder.stdout.readline().strip())
        before = tree(out)
        for extra in ([], ["--resume"], ["--force"]):
            started = time.monotonic()
            code, stderr = cli_run(out, *extra)
            assert time.monotonic() - started < 30
            assert code == 2, stderr
            lock = out / files.LOCK
            assert error_lines(stderr) == [
                f"error: {out}: another klarsim job is writing it (lock {lock})"
            ]
            assert tree(out) == before, "nothing touched, the first job's temporary file kept"
        assert temporary.is_file()
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=60) == 0
    finally:
        holder.kill()
        holder.wait()


def race(out: Path, *, resume: bool, jobs: int = 8) -> tuple[list[Claim], list[str]]:
    """``jobs`` threads claiming ``out`` at the same moment: the claims and the refusals."""
    start = threading.Barrier(jobs)
    claims: list[Claim] = []
    refusals: list[str] = []

    def claim() -> None:
        start.wait()
        try:
            claims.append(claim_folder(out, force=False, resume=resume))
        except OutputError as error:
            refusals.append(str(error))

    threads = [threading.Thread(target=claim) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return claims, refusals


@pytest.mark.parametrize("resume", [False, True])
def test_of_jobs_creating_or_resuming_one_folder_at_once_exactly_one_gets_it(
    tmp_path: Path, resume: bool
) -> None:
    out = tmp_path / "new" / "run"
    claims, refusals = race(out, resume=resume)
    assert len(claims) == 1 and len(refusals) == 7
    assert all("already exists" in r or "another klarsim job" in r for r in refusals)
    assert [path.name for path in out.iterdir()] == [files.LOCK]
    claims[0].release()


def test_only_the_temporary_files_of_writers_that_are_gone_are_removed(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    gone = int(finished.stdout)
    sleeping = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        runs = tmp_path / "runs" / "s"
        runs.mkdir(parents=True)
        mine = atomic.temporary_path(runs / "rep-0000.zip")
        running = runs / f".rep-0001.zip.{sleeping.pid}-00ff.tmp"
        dead = runs / f".rep-0002.zip.{gone}-00ff.tmp"
        older = runs / ".rep-0003.zip.0123456789ab.tmp"  # the name before writers were named
        for path in (mine, running, dead, older):
            path.write_bytes(b"part")
        assert mine.name.startswith(f".rep-0000.zip.{os.getpid()}-")
        assert sorted(remove_leftovers(tmp_path)) == sorted([dead, older])
        assert sorted(runs.iterdir()) == sorted([mine, running])
    finally:
        sleeping.kill()
        sleeping.wait()


@pytest.mark.cli
def test_force_refuses_a_folder_that_is_not_a_klarsim_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    (out / "manifest.json").write_text('{"not": "klarsim"}')
    before = tree(out)
    code, stderr = cli_run(out, "--force")
    assert code == 2
    assert error_lines(stderr) == [
        f"error: {out}: not a klarsim results folder (no klarsim manifest.json); --force "
        "replaces only those: choose another --out, nothing was deleted"
    ]
    assert tree(out) == before
    code, stderr = cli_run(out, "--resume")
    assert code == 2 and "not a klarsim results folder to resume" in stderr
    assert tree(out) == before


def test_force_replaces_an_empty_folder_and_a_klarsim_results_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=OutputOptions(out, force=True))
    (out / "notes.txt").write_text("inside a results folder: replaced with it")
    klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=OutputOptions(out, force=True))
    assert not (out / "notes.txt").exists() and (out / "summary.csv").is_file()


@pytest.mark.cli
def test_an_out_that_cannot_be_created_is_a_one_line_error_leaving_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "a-file").write_text("x")
    cases = {
        tmp_path / "a-file" / "run": "Not a directory",
        tmp_path / "a-file": "exists and is not a folder",
        tmp_path / "new" / "deeper" / ("x" * 300): "File name too long",
        tmp_path / "new" / ("x" * 300) / "run": "File name too long",
    }
    before = tree(tmp_path)
    for out, reason in cases.items():
        code, stderr = cli_run(out)
        assert code == 2, stderr
        [line] = error_lines(stderr)
        assert line.startswith(f"error: {out}: ") and reason in line
        assert tree(tmp_path) == before, out


@pytest.mark.cli
@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_an_out_in_a_read_only_folder_is_a_one_line_error(tmp_path: Path) -> None:
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, stderr = cli_run(locked / "new" / "run")
        assert code == 2
        [line] = error_lines(stderr)
        assert line.startswith(f"error: {locked / 'new' / 'run'}: cannot be created: ")
        assert "Permission denied" in line
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_a_folder_whose_manifest_cannot_be_written_is_removed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klarsim.results import writer

    def full(path: Path, data: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(writer, "write_json", full)
    out = tmp_path / "new" / "run"
    with pytest.raises(OutputError, match=r"run: cannot be written: No space left on device"):
        klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=out)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_mkdir_removes_the_parents_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a read-only folder (which root, running the tests, would not see)."""
    out = tmp_path / "new" / "deeper" / "run"
    real = Path.mkdir

    def refused(path: Path, *arguments: object, **options: object) -> None:
        if path == out:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real(path, *arguments, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refused)
    message = f"{out}: cannot be created: Permission denied"
    with pytest.raises(OutputError, match=re.escape(message)):
        claim_folder(out, force=False, resume=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_worker_does_not_keep_the_lock_of_its_job(tmp_path: Path) -> None:
    """A worker forked while the job holds the folder leaves the lock to the job alone."""
    out = tmp_path / "run"
    claim = claim_folder(out, force=False, resume=False)
    started, ready = os.pipe()
    finish, finished = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: says it runs, then waits until the job is done
        os.write(ready, b"x")
        os.read(finish, 1)
        os._exit(0)
    try:
        os.read(started, 1)
        claim.release()
        again = claim_folder(out, force=False, resume=True)
        again.release()
    finally:
        os.write(finished, b"x")
        os.waitpid(child, 0)
        for descriptor in (started, ready, finish, finished):
            os.close(descriptor)
