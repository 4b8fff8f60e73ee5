"""Replications that fail, chosen by hypothesis, against the contract for faults while running.

Some or all replications of ``run``, ``compare`` or ``sweep`` raise (an exception of the model,
MemoryError, RecursionError, a full disk): the command writes what succeeded, lists each
failure, exits 1 (0 when none failed) and never crashes building its tables; ``--resume``
then runs the failed replications and completes the folder with the tables of a run that never
failed. Ctrl-C (KeyboardInterrupt) at a replication exits 130 and resumes the same way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from typer.testing import Result

from klarsim.experiments import tasks
from klarsim.experiments.tasks import Task
from klarsim.sim.records import ReplicationResult
from tests.fuzz.contract import (
    Sandbox,
    check_contract,
    fuzz_settings,
    invoke,
    listing,
    new_sandbox,
    tiny_scenario_text,
)

pytestmark = [pytest.mark.fuzz]

SCENARIO = tiny_scenario_text()
ERRORS: list[BaseException] = [
    KeyboardInterrupt(),
    ValueError("the model broke"),
    MemoryError(),
    RecursionError("maximum recursion depth exceeded"),
    OSError(28, "No space left on device"),
    KeyError("scenario"),
    ZeroDivisionError("division by zero"),
]
COMMANDS = {
    "run": (["run", "{0}"], "summary.csv", 1),
    "compare": (["compare", "{0}", "{1}"], "summary.csv", 2),
    "sweep": (["sweep", "{0}", "--grid", "pools.staff.headcount=2,3"], "sweep.csv", 2),
}
"""Each command: its arguments, the table with one row per finished run, and its runs per
replication (scenarios or points)."""


@contextlib.contextmanager
def failing(flags: list[bool], error: BaseException) -> Iterator[list[Task]]:
    """Replications raise ``error`` where ``flags`` say, in the order they run (serially, in
    this process); the tasks that failed are listed in what this yields."""
    original = tasks.run_task
    calls = iter(flags)
    failed: list[Task] = []

    def run_task(task: Task) -> ReplicationResult:
        if next(calls, False):
            failed.append(task)
            raise error
        return original(task)

    with mock.patch.object(tasks, "run_task", run_task):
        yield failed


def _arguments(sandbox: Sandbox, command: str, reps: int) -> list[str]:
    """The command on the tiny scenario (two copies of distinct names for compare)."""
    paths = [
        str(sandbox.write(f"s{index}.yaml", SCENARIO.replace("erlang-c-check", f"c{index}")))
        for index in range(2)
    ]
    template = COMMANDS[command][0]
    arguments = [part.format(*paths) for part in template]
    return [*arguments, "--reps", str(reps), "--workers", "1", "--quiet"]


def _manifest(sandbox: Sandbox) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((sandbox.out / "manifest.json").read_text())
    return manifest


@fuzz_settings(12)
@given(
    command=st.sampled_from(list(COMMANDS)),
    reps=st.integers(1, 2),
    flags=st.lists(st.booleans(), min_size=4, max_size=4),
    error=st.sampled_from(ERRORS),
)
def test_failed_replications_are_listed_and_resumed(
    tmp_path: Path, command: str, reps: int, flags: list[bool], error: BaseException
) -> None:
    sandbox = new_sandbox(tmp_path)
    arguments = [*_arguments(sandbox, command, reps), "--out", str(sandbox.out)]
    runs = reps * COMMANDS[command][2]
    table = sandbox.out / COMMANDS[command][1]
    before = listing(sandbox)
    with failing(flags, error) as failed:
        result = invoke(sandbox, arguments)
    if isinstance(error, KeyboardInterrupt) and failed:
        _check_interrupted(sandbox, result)
    else:
        _check_failed(sandbox, before, result, failed, runs=runs, table=table)
    event(f"{type(error).__name__}: {len(failed)} of {runs} failed")
    resumed = invoke(sandbox, [*arguments, "--resume"])
    check_contract(sandbox, before, resumed)
    assert resumed.exit_code == 0, resumed.output[-2000:]
    assert _manifest(sandbox)["status"] == "complete"
    clean = replace(sandbox, out=sandbox.folder / "clean")
    assert invoke(clean, [*arguments[:-1], str(clean.out)]).exit_code == 0
    expected = pd.read_csv(clean.out / table.name)
    pd.testing.assert_frame_equal(pd.read_csv(table), expected)


def _check_failed(
    sandbox: Sandbox,
    before: set[Path],
    result: Result,
    failed: list[Task],
    *,
    runs: int,
    table: Path,
) -> None:
    """Exit 1 with each failure listed and the finished runs in the table (0 if none failed)."""
    check_contract(sandbox, before, result)
    assert result.exit_code == (1 if failed else 0), result.output[-2000:]
    manifest = _manifest(sandbox)
    for task in failed:
        assert f"replication {task.replication}" in result.stderr, result.stderr
    if len(failed) == runs:
        assert manifest["status"] == "failed" and not table.exists(), manifest
    else:
        assert manifest["status"] == "complete", manifest
        assert len(manifest["failed_runs"]) == len(failed), manifest
        assert len(pd.read_csv(table)) == runs - len(failed)


def _check_interrupted(sandbox: Sandbox, result: Result) -> None:
    """Ctrl-C: exit 130, the folder kept as interrupted, and the command to resume it."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    assert result.exit_code == 130, result.output[-2000:]
    assert "--resume" in result.stderr, result.stderr
    assert _manifest(sandbox)["status"] == "interrupted"
