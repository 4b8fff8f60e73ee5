"""Running tasks serially, on local processes or on a Dask cluster, with ``ExecutorOptions``.

Results come back in task order whatever the executor. With a ``RunStore`` (a results
folder's ``runs/``), finished tasks are loaded instead of run and every new result is saved
as soon as it comes back, so an interrupted job keeps what it finished. A job's ``Runner``
holds a ``WorkerPool``: its worker processes or Dask client start on the first batch and
serve every batch of the job, each holding the job's scenarios once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from types import TracebackType

from klarsim.experiments.dask_pool import DaskWorkers, SchedulerError, check_scheduler
from klarsim.experiments.process_pool import Outcome, ProcessWorkers, attempt
from klarsim.experiments.tasks import Failure, OnFailure, Task, recording
from klarsim.results.checkpoints import RunStore
from klarsim.sim.records import ReplicationResult

__all__ = [
    "SERIAL",
    "EveryRunFailed",
    "ExecutorOptions",
    "Runner",
    "SchedulerError",
    "WorkerPool",
    "check_scheduler",
    "execute",
    "finish",
]

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all)."""
OnResult = Callable[[Task, ReplicationResult], None]
"""Called with each finished task and its result."""


class EveryRunFailed(Exception):  # noqa: N818 (an outcome, not a programming error)
    """No task of a batch finished, and the job cannot go on without one (planning)."""


@dataclass(frozen=True)
class ExecutorOptions:
    """Where and how a job's replications run, and who hears of its progress and failures.

    ``scheduler`` is a Dask scheduler address, or ``local`` to start a ``LocalCluster`` of
    ``workers`` processes on loopback; without it, ``workers`` local processes (1: serial).
    A replication that raises stops the job, unless ``on_failure`` is given: then it is
    reported there and left out, and the others go on.
    """

    workers: int = 1
    scheduler: str | None = None
    progress: Progress | None = None
    on_failure: OnFailure | None = None
    on_result: OnResult | None = None

    def observing(self, on_result: OnResult) -> ExecutorOptions:
        """The same options, also showing each finished task's result (new or loaded) to
        ``on_result``."""
        return dataclasses.replace(self, on_result=on_result)

    def recording(self, failures: list[Failure]) -> ExecutorOptions:
        """The same options, also keeping each reported failure in ``failures``."""
        return dataclasses.replace(self, on_failure=recording(failures, self.on_failure))


SERIAL = ExecutorOptions()


class WorkerPool:
    """Where a job's tasks run, kept from its first batch to its end (``close``).

    Serially in this process for one worker or a single task; otherwise on ``workers`` local
    processes, or on the Dask scheduler of ``scheduler``, started on first use. Use it as a
    context manager, so that an error or Ctrl-C stops its processes at once.
    """

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self._dask = DaskWorkers(workers, scheduler) if scheduler is not None else None
        local = scheduler is None and workers > 1
        self._processes = ProcessWorkers(workers) if local else None

    @classmethod
    def of(cls, options: ExecutorOptions) -> WorkerPool:
        """The pool ``options`` describe."""
        return cls(options.workers, options.scheduler)

    def results(self, tasks: Sequence[Task]) -> Generator[tuple[int, Outcome]]:
        """Each task's position and outcome, as it finishes (closing it stops the batch)."""
        if self._dask is not None:
            yield from self._dask.results(tasks)
        elif self._processes is None or len(tasks) <= 1:
            yield from enumerate(map(attempt, tasks))
        else:
            yield from self._processes.results(tasks)

    def worker_states(self) -> dict[int, int]:
        """Each local worker process's id and how many scenarios it has loaded (none when
        serial, on Dask, or before the first batch): shows that scenarios travel once."""
        return self._processes.states() if self._processes is not None else {}

    def close(self) -> None:
        """Stop the worker processes or the Dask client, cancelling queued tasks."""
        try:
            if self._processes is not None:
                self._processes.close()
        finally:
            if self._dask is not None:
                self._dask.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Runner:
    """Runs a job's tasks with its executor options, through the results folder's store.

    With a ``pool`` every batch of the job runs on it; without one, each batch starts and
    stops workers of its own.
    """

    options: ExecutorOptions = SERIAL
    store: RunStore | None = None
    pool: WorkerPool | None = None

    def execute(self, tasks: Sequence[Task]) -> list[ReplicationResult]:
        """The results of the tasks that finished, in task order."""
        return [result for _, result in self.finish(tasks)]

    def finish(self, tasks: Sequence[Task]) -> list[tuple[Task, ReplicationResult]]:
        """Each task that finished with its result, in task order."""
        return finish(tasks, self.options, store=self.store, pool=self.pool)


def execute(
    tasks: Sequence[Task],
    options: ExecutorOptions = SERIAL,
    *,
    store: RunStore | None = None,
    pool: WorkerPool | None = None,
) -> list[ReplicationResult]:
    """Run tasks as ``options`` say; the results in task order (failed tasks left out)."""
    return [result for _, result in finish(tasks, options, store=store, pool=pool)]


def finish(
    tasks: Sequence[Task],
    options: ExecutorOptions = SERIAL,
    *,
    store: RunStore | None = None,
    pool: WorkerPool | None = None,
) -> list[tuple[Task, ReplicationResult]]:
    """Each finished task with its result, in task order, as ``execute`` runs them.

    Tasks whose result is in ``store`` are loaded, not run; every other result is saved there
    in this process as soon as it comes back, so an interrupted job keeps what it finished.
    The tasks run on ``pool``, or on a pool of ``options`` started for them alone.
    """
    if pool is None:
        with WorkerPool.of(options) as own:
            return finish(tasks, options, store=store, pool=own)
    progress, on_failure = options.progress, options.on_failure
    results = [store.load(task) if store is not None else None for task in tasks]
    pending = [index for index, result in enumerate(results) if result is None]
    done = len(tasks) - len(pending)
    if progress is not None and done:
        progress(done, len(tasks))
    waiting = [tasks[index] for index in pending]
    # closing: an error or Ctrl-C here stops the executor at once, not when garbage collected.
    with closing(pool.results(waiting)) as outcomes:
        for position, outcome in outcomes:
            task = tasks[pending[position]]
            if isinstance(outcome, BaseException):
                if on_failure is None:
                    raise outcome
                error = repr(outcome)
                on_failure(Failure(task.scenario.name, task.replication, error, task.point))
            else:
                if store is not None:
                    store.save(task, outcome)
                results[pending[position]] = outcome
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    finished = [
        (task, result) for task, result in zip(tasks, results, strict=True) if result is not None
    ]
    if options.on_result is not None:
        for task, result in finished:
            options.on_result(task, result)
    return finished
