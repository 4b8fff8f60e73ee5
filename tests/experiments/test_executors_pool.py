"""A job's batches share one warm pool, each worker loads each scenario once, and the
results, failures and interrupts are those of a pool per batch."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

import klarsim
from klarsim.config import Scenario, with_overrides
from klarsim.experiments import tasks as task_module
from klarsim.experiments.executors import ExecutorOptions, Runner, WorkerPool, execute
from klarsim.experiments.job import Job, perform
from klarsim.experiments.tasks import Failure, SlimTask, Task
from klarsim.sim.records import ReplicationResult
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.25, "experiment.warmup_days": 0.0}
Finished = list[tuple[Task, ReplicationResult]]


@dataclass(frozen=True)
class Batches(Job[list[Finished]]):
    """A job that runs its tasks in several batches, as a precision target or a plan does,
    and notes the workers' states after each batch."""

    batches: Sequence[Sequence[Task]] = ()
    states: list[dict[int, int]] = field(default_factory=list)

    kind: ClassVar[str] = "batches"

    def details(self) -> dict[str, Any]:
        return {}

    def execute(self, runner: Runner) -> list[Finished]:
        finished = []
        for batch in self.batches:
            finished.append(runner.finish(batch))
            assert runner.pool is not None
            self.states.append(runner.pool.worker_states())
        return finished

    def write(self, folder: Path, result: list[Finished]) -> None:
        raise AssertionError("the tests write no folder")


@pytest.fixture(scope="module")
def scenarios() -> tuple[Scenario, Scenario]:
    first = klarsim.load_scenario(ERLANG_A, SHORT)
    return first, with_overrides(first, {"customers.patience_min.chat.mean": 4.0})


def batches_of(scenarios: tuple[Scenario, Scenario]) -> list[list[Task]]:
    """Three batches over two scenarios, the second scenario first seen in the second."""
    first, second = scenarios
    return [
        [Task(first, replication, 4) for replication in range(3)],
        [Task(second, replication, 4) for replication in range(3)],
        [Task(scenario, replication, 4) for scenario in scenarios for replication in (3, 4)],
    ]


def job_of(batches: list[list[Task]]) -> Batches:
    scenarios = list(
        {id(task.scenario): task.scenario for batch in batches for task in batch}.values()
    )
    return Batches(scenarios=scenarios, seed=4, replications=5, batches=batches)


def fingerprints(finished: list[Finished]) -> list[str]:
    """repr keeps NaN comparable across processes (NaN == NaN only by identity)."""
    return [
        repr((task.scenario.name, r.replication, r.summary, r.timeseries))
        for batch in finished
        for task, r in batch
    ]


@pytest.fixture
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the process pools started from here on."""
    started: list[int] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, *arguments: Any, **options: Any) -> None:
            started.append(1)
            super().__init__(*arguments, **options)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    return started


def test_a_job_uses_one_pool_and_each_worker_loads_each_scenario_once(
    scenarios: tuple[Scenario, Scenario], pools_started: list[int]
) -> None:
    batches = batches_of(scenarios)
    job = job_of(batches)
    parallel = perform(job, ExecutorOptions(workers=2))
    assert len(pools_started) == 1, "one pool for the three batches"
    workers = set().union(*job.states)
    assert 1 <= len(workers) <= 2, f"the same two processes throughout: {job.states}"
    loads = [count for state in job.states for count in state.values()]
    assert max(loads) <= 2, f"two scenarios, at most two loads per worker: {job.states}"
    assert sum(job.states[-1].values()) >= 2, "each scenario loaded by some worker"
    serial = perform(job_of(batches))
    assert fingerprints(parallel) == fingerprints(serial)


def test_a_failed_task_is_reported_and_the_pool_goes_on(
    scenarios: tuple[Scenario, Scenario], pools_started: list[int]
) -> None:
    first = scenarios[0]
    broken = Task(first, -1, 4)  # a negative seed entropy raises
    batches = [[Task(first, 0, 4), broken, Task(first, 2, 4)], [Task(first, 3, 4)] * 2]
    failures: list[Failure] = []
    finished = perform(job_of(batches), ExecutorOptions(workers=2, on_failure=failures.append))
    assert [[task.replication for task, _ in batch] for batch in finished] == [[0, 2], [3, 3]]
    assert failures == [
        Failure("erlang-a-check", -1, "ValueError('expected non-negative integer')")
    ]
    assert len(pools_started) == 1


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patch reaches forked workers only"
)
def test_a_dead_worker_fails_its_batch_and_the_next_batch_gets_new_workers(
    scenarios: tuple[Scenario, Scenario],
    pools_started: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = scenarios[0]
    real = task_module.run_task

    def dies_on_one(task: Task) -> ReplicationResult:
        if task.replication == 1:
            os._exit(9)
        return real(task)

    monkeypatch.setattr(task_module, "run_task", dies_on_one)
    batches = [[Task(first, replication, 4) for replication in range(3)], [Task(first, 3, 4)] * 2]
    failures: list[Failure] = []
    finished = perform(job_of(batches), ExecutorOptions(workers=2, on_failure=failures.append))
    assert 1 in {failure.replication for failure in failures}
    assert all("BrokenProcessPool" in failure.error for failure in failures)
    assert [task.replication for task, _ in finished[1]] == [3, 3], "new workers for batch two"
    assert len(pools_started) == 2


def test_an_interrupt_stops_the_workers_and_removes_the_shelf(
    scenarios: tuple[Scenario, Scenario], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (here raised by the progress callback) in the second batch: the job raises
    it, its worker processes are gone and the scenarios shelved for them deleted."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[int] = []

    def interrupted(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 4:
            raise KeyboardInterrupt

    job = job_of(batches_of(scenarios))
    with pytest.raises(KeyboardInterrupt):
        perform(job, ExecutorOptions(workers=2, progress=interrupted))
    assert len(job.states) == 1 and job.states[0]
    for pid in job.states[0]:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert list(tmp_path.iterdir()) == []


def test_a_pool_outside_a_job_serves_several_calls_and_closes(
    scenarios: tuple[Scenario, Scenario], pools_started: list[int]
) -> None:
    batches = batches_of(scenarios)
    options = ExecutorOptions(workers=2)
    with WorkerPool.of(options) as pool:
        parallel = [execute(batch, options, pool=pool) for batch in batches]
        pids = set(pool.worker_states())
    assert len(pools_started) == 1 and pids
    assert pool.worker_states() == {}, "closed: no workers left"
    serial = [execute(batch) for batch in batches]
    assert [[repr(r.summary) for r in batch] for batch in parallel] == [
        [repr(r.summary) for r in batch] for batch in serial
    ]


def test_a_slim_task_is_the_task_without_its_scenario(
    scenarios: tuple[Scenario, Scenario],
) -> None:
    task = Task(scenarios[0], 3, 9, record_contacts=True, point=2)
    slim = SlimTask.of(task, "key")
    assert "Scenario" not in repr(slim)
    assert slim.task(task.scenario) == dataclasses.replace(task, point=None)


@pytest.mark.slow
def test_dask_scatters_each_scenario_once_and_agrees_with_serial(
    scenarios: tuple[Scenario, Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dask.distributed import Client, LocalCluster

    scattered: list[int] = []
    scatter = Client.scatter

    def counted(self: Client, data: Any, *arguments: Any, **options: Any) -> Any:
        scattered.append(len(data))
        return scatter(self, data, *arguments, **options)

    monkeypatch.setattr(Client, "scatter", counted)
    batches = batches_of(scenarios)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        options = ExecutorOptions(scheduler=cluster.scheduler_address)
        on_dask = perform(job_of(batches), options)
    assert scattered == [1, 1], "each of the two scenarios scattered once"
    assert fingerprints(on_dask) == fingerprints(perform(job_of(batches)))
