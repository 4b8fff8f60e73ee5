"""Running tasks serially, on local processes or on a Dask cluster, with ``ExecutorOptions``.

Results come back in task order whatever the executor. With a ``RunStore`` (a results
folder's ``runs/``), finished tasks are loaded instead of run and every new result is saved
as soon as it comes back, so an interrupted job keeps what it finished.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from klarsim.experiments import tasks as task_module
from klarsim.experiments.tasks import Failure, OnFailure, Task, recording
from klarsim.results.checkpoints import RunStore
from klarsim.sim.records import ReplicationResult

if TYPE_CHECKING:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import Future as DaskFuture

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all)."""
OnResult = Callable[[Task, ReplicationResult], None]
"""Called with each finished task and its result."""

CONNECT_TIMEOUT_S = 5.0
"""How long to wait for a Dask scheduler to answer (Dask's own default is 30 s)."""


class EveryRunFailed(Exception):  # noqa: N818 (an outcome, not a programming error)
    """No task of a batch finished, and the job cannot go on without one (planning)."""


class SchedulerError(Exception):
    """The Dask scheduler given by ``--scheduler`` cannot be reached: a fault, not bad input."""


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


@dataclass(frozen=True)
class Runner:
    """Runs a job's tasks with its executor options, through the results folder's store."""

    options: ExecutorOptions = SERIAL
    store: RunStore | None = None

    def execute(self, tasks: Sequence[Task]) -> list[ReplicationResult]:
        """The results of the tasks that finished, in task order."""
        return execute(tasks, self.options, store=self.store)

    def finish(self, tasks: Sequence[Task]) -> list[tuple[Task, ReplicationResult]]:
        """Each task that finished with its result, in task order."""
        return finish(tasks, self.options, store=self.store)


def execute(
    tasks: Sequence[Task], options: ExecutorOptions = SERIAL, *, store: RunStore | None = None
) -> list[ReplicationResult]:
    """Run tasks as ``options`` say; the results in task order (failed tasks left out)."""
    return [result for _, result in finish(tasks, options, store=store)]


def finish(
    tasks: Sequence[Task], options: ExecutorOptions = SERIAL, *, store: RunStore | None = None
) -> list[tuple[Task, ReplicationResult]]:
    """Each finished task with its result, in task order, as ``execute`` runs them.

    Tasks whose result is in ``store`` are loaded, not run; every other result is saved there
    in this process as soon as it comes back, so an interrupted job keeps what it finished.
    """
    progress, on_failure = options.progress, options.on_failure
    results = [store.load(task) if store is not None else None for task in tasks]
    pending = [index for index, result in enumerate(results) if result is None]
    done = len(tasks) - len(pending)
    if progress is not None and done:
        progress(done, len(tasks))
    waiting = [tasks[index] for index in pending]
    # closing: an error or Ctrl-C here stops the executor at once, not when garbage collected.
    with closing(_results(waiting, options.workers, options.scheduler)) as outcomes:
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


Outcome = ReplicationResult | Exception


def _attempt(task: Task) -> Outcome:
    """Run a task, returning its error instead of raising it (so the others go on)."""
    try:
        return task_module.run_task(task)
    except Exception as error:
        return error


def _results(
    tasks: Sequence[Task], workers: int, scheduler: str | None
) -> Generator[tuple[int, Outcome]]:
    if scheduler is not None:
        yield from _dask_results(tasks, workers, scheduler)
    elif workers <= 1 or len(tasks) <= 1:
        yield from enumerate(map(_attempt, tasks))
    else:
        yield from _process_results(tasks, workers)


def _process_results(tasks: Sequence[Task], workers: int) -> Iterator[tuple[int, Outcome]]:
    """Results as each finishes; on an interrupt the queued tasks are cancelled, not run.

    A worker process that dies (killed for memory, say) breaks the pool: every task still
    unfinished then fails with ``BrokenProcessPool`` instead of stopping the job.
    """
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), initializer=_exit_with_parent)
    try:
        futures = {pool.submit(_attempt, task): index for index, task in enumerate(tasks)}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool as error:
                outcome = error
            yield futures[future], outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


PARENT_CHECK_SECONDS = 1.0
"""How often a worker process checks that the job that started it is still alive."""


def _exit_with_parent() -> None:
    """In a worker process: exit as soon as the job's process is gone (killed with SIGKILL,
    say), instead of running on as an orphan that holds memory and a core."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Refuse a malformed Dask address (``ValueError``) or an unreachable one, quickly.

    A TCP, TLS or websocket address is tried with a plain socket first, so a scheduler that is not
    there is reported at once, before any results folder is made, and without a Dask client
    left to warn when it is collected.
    """
    from distributed.comm.addressing import parse_address, parse_host_port  # noqa: PLC0415
    from distributed.comm.registry import get_backend  # noqa: PLC0415

    scheme, location = parse_address(address)
    get_backend(scheme)
    if scheme == "inproc":
        raise ValueError(f"an inproc:// scheduler lives in another process, not here: {address!r}")
    if scheme not in {"tcp", "tls", "ws", "wss"}:
        return
    host, port = parse_host_port(location)
    if not 0 < int(port) < 2**16:
        raise ValueError(f"port {port} out of range 1-65535 in {address!r}")
    wait = timeout if timeout is not None else CONNECT_TIMEOUT_S
    try:
        _probe(host, int(port), answers_first=scheme == "tcp", timeout=wait)
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def _probe(host: str, port: int, *, answers_first: bool, timeout: float) -> None:
    """Connect; over plain TCP also wait for the first byte of a scheduler's handshake.

    Dask's own client waits without limit for that handshake (a port that accepts but
    never answers would hang it), so it is checked here with a timeout.
    """
    with socket.create_connection((host, port), timeout=timeout) as connection:
        if answers_first:
            try:
                first = connection.recv(1)
            except TimeoutError:
                raise TimeoutError(f"no answer within {timeout:g} s") from None
            if not first:
                raise ConnectionError("the connection was closed without an answer")


def _dask_results(
    tasks: Sequence[Task], workers: int, scheduler: str
) -> Iterator[tuple[int, Outcome]]:
    # Imported here: dask is slow to import and only this executor needs it.
    from dask.distributed import Client, LocalCluster, as_completed  # noqa: PLC0415

    cluster = (
        LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        if scheduler == "local"
        else None
    )
    try:
        with _client(Client, cluster if cluster is not None else scheduler) as client:
            futures = client.map(_attempt, list(tasks), pure=False)
            index = {future.key: position for position, future in enumerate(futures)}
            for future in as_completed(futures):
                yield index[future.key], _dask_outcome(future)
    finally:
        if cluster is not None:
            cluster.close()


def _client(client_class: type[Client], address: LocalCluster | str) -> Client:
    """A Dask client, or ``SchedulerError`` after ``CONNECT_TIMEOUT_S``."""
    try:
        return client_class(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, ValueError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def _dask_outcome(future: DaskFuture[Outcome]) -> Outcome:
    """The task's outcome; a lost worker or task fails that task, not the job."""
    try:
        result: Outcome = future.result()
    except Exception as error:
        return error
    return result
