"""A job killed with SIGKILL takes its local worker processes with it (no orphans left running),
and they remove the temporary folder of the job's scenarios."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ERLANG_A

pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)"),
]


def children_of(parent: int) -> set[int]:
    """The process ids whose parent is ``parent``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent id follows it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_local_workers_exit_when_the_job_is_killed(tmp_path: Path) -> None:
    arguments = [sys.executable, "-m", "klarsim", "run", str(ERLANG_A), "--reps", "8"]
    options = ["--workers", "2", "--days", "20", "--quiet", "--out", str(tmp_path / "run")]
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    environment = {**os.environ, "TMPDIR": str(scratch)}
    job = subprocess.Popen(
        [*arguments, *options], cwd=tmp_path, stderr=subprocess.PIPE, env=environment
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2:
        assert job.poll() is None, job.communicate()[1].decode()
        assert time.monotonic() < deadline, "no worker processes within a minute"
        time.sleep(0.05)
        workers = children_of(job.pid)
    os.kill(job.pid, signal.SIGKILL)
    job.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "workers outlived the killed job"
    assert not list(scratch.glob("klarsim-scenarios-*")), "the scenario shelf outlived the job"
