"""The same seed gives bit-identical rows serially, on local processes and on Dask."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.experiments.executors import ExecutorOptions, execute
from klarsim.experiments.tasks import Failure, Task
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}


def fingerprints(results: list[klarsim.ReplicationResult]) -> list[str]:
    """repr keeps NaN comparable across processes (NaN == NaN only by identity)."""
    return [repr((r.replication, r.summary, r.timeseries)) for r in results]


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    scenario = klarsim.load_scenario(ERLANG_A, SHORT)
    return [Task(scenario, replication, 4) for replication in range(4)]


def test_serial_processes_and_dask_give_identical_rows(tasks: list[Task]) -> None:
    from dask.distributed import LocalCluster

    serial = fingerprints(execute(tasks))
    assert fingerprints(execute(tasks, ExecutorOptions(workers=2))) == serial
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        seen: list[int] = []
        on_cluster = execute(
            tasks,
            ExecutorOptions(
                scheduler=cluster.scheduler_address, progress=lambda d, _: seen.append(d)
            ),
        )
        assert fingerprints(on_cluster) == serial
        assert seen == [1, 2, 3, 4]


@pytest.mark.cli
def test_run_on_a_local_dask_cluster_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "dask"
    arguments = [
        "run",
        str(ERLANG_A),
        "--reps",
        "2",
        "--days",
        "0.5",
        "--set",
        "experiment.warmup_days=0.125",
    ]
    result = CliRunner().invoke(
        app, [*arguments, "--scheduler", "local", "--workers", "2", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    serial = klarsim.run(ERLANG_A, reps=2, overrides=SHORT).summary
    on_dask = pd.read_csv(out / "summary.csv")
    assert on_dask["asa_min"].tolist() == pytest.approx(serial["asa_min"].tolist(), rel=1e-15)
    assert on_dask["contacts"].tolist() == serial["contacts"].tolist()
    assert len(list((out / "runs").rglob("rep-*.zip"))) == 2, "each run saved as it came back"


def test_process_pool_reports_each_failed_task_and_keeps_the_others(tasks: list[Task]) -> None:
    """A task that raises in a worker process is reported, with its error; the others finish."""
    broken = dataclasses.replace(tasks[1], replication=-1)  # a negative seed entropy raises
    failures: list[Failure] = []
    finished = execute(
        [tasks[0], broken, tasks[2]], ExecutorOptions(workers=2, on_failure=failures.append)
    )
    assert [result.replication for result in finished] == [0, 2]
    assert failures == [
        Failure("erlang-a-check", -1, "ValueError('expected non-negative integer')")
    ]


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patch reaches forked workers only"
)
def test_a_worker_that_dies_fails_its_tasks_not_the_job(
    tasks: list[Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed outright (as by the kernel's out-of-memory killer) breaks the pool:
    the unfinished tasks are reported as failed, and nothing raises."""
    from klarsim.experiments import tasks as task_module

    def dies(task: Task) -> klarsim.ReplicationResult:
        os._exit(9)

    monkeypatch.setattr(task_module, "run_task", dies)
    failures: list[Failure] = []
    finished = execute(tasks, ExecutorOptions(workers=2, on_failure=failures.append))
    assert finished == []
    assert sorted(failure.replication for failure in failures) == [0, 1, 2, 3]
    assert all("BrokenProcessPool" in failure.error for failure in failures)
