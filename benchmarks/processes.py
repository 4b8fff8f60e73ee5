"""Whole processes timed from outside: wall time from start to exit and their own peak memory.

A benchmark of ``klarsim run`` counts what a user waits for: the interpreter starting, the
imports, reading and checking the scenario, the simulation and writing the results. The peak
resident memory is the child's own (``os.wait4``), not the largest of all children so far.
Linux starts a child's peak at its parent's peak when it execs, so the measuring process must
stay smaller than what it measures (``targets.py`` imports nothing heavy).

Children run with bytecode caching on, as a user's install has it: the environment passed on
lacks ``PYTHONDONTWRITEBYTECODE``, which would make every child compile all of klarsim's
sources again (0.1-0.3 s of a small run). The first child writes the caches (``__pycache__``);
``targets.py`` makes one untimed run before it times any.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

KIB_PER_MIB = 1024


class ProcessError(RuntimeError):
    """A timed command exited with an error; the message holds its command and last output."""


@dataclass(frozen=True)
class Finished:
    """A finished process: its wall time, peak resident memory and output."""

    seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str


NO_BYTECODE = "PYTHONDONTWRITEBYTECODE"
"""The variable that turns bytecode caching off; timed children run without it."""


def run_timed(
    command: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Finished:
    """Run ``command`` to its end and time it; raise ``ProcessError`` on a non-zero exit.

    The child gets ``env`` (default: this process's environment) with bytecode caching on.
    """
    child_env = caching_environment(env)
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=child_env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        finished = Finished(seconds, usage.ru_maxrss / KIB_PER_MIB, _read(stdout), _read(stderr))
    if process.returncode != 0:
        last = (finished.stderr or finished.stdout).strip().splitlines()[-5:]
        shown = " ".join(command)
        raise ProcessError(f"{shown} exited with {process.returncode}: " + " | ".join(last))
    return finished


def caching_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's environment) without ``PYTHONDONTWRITEBYTECODE``."""
    given = os.environ if env is None else env
    return {name: value for name, value in given.items() if name != NO_BYTECODE}


def _read(stream: IO[bytes]) -> str:
    """Everything written to a temporary file, as text."""
    stream.seek(0)
    return stream.read().decode(errors="replace")
