"""Local worker processes kept warm for a whole job, each holding the scenarios it was sent.

A job's batches (a sweep's one, a precision target's several, a staffing plan's iterations)
all go to the same processes, started on first use and stopped when the job ends. A task
travels as a ``SlimTask``: its scenario's key instead of the scenario. The scenarios are
pickled once each into a temporary folder (a ``ScenarioShelf``); a worker loads a scenario
from there the first time one of its tasks names it and keeps the few it used last.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from klarsim.config import Scenario
from klarsim.experiments import tasks as task_module
from klarsim.experiments.tasks import SlimTask, Task
from klarsim.kernel.reuse import reuse_always
from klarsim.sim.collection import collect_rarely
from klarsim.sim.records import ReplicationResult

if TYPE_CHECKING:  # imported when the first pool starts: a serial run never needs them
    from concurrent.futures import Future, ProcessPoolExecutor

Outcome = ReplicationResult | Exception
"""A task's result, or the error it raised (so the other tasks go on)."""

PARENT_CHECK_SECONDS = 1.0
"""How often a worker process checks that the job that started it is still alive."""

KEPT_SCENARIOS = 8
"""Scenarios a worker keeps loaded; a sweep's tasks come point by point, so a few suffice."""

PROBE_SECONDS = 0.05
"""How long a probe of a worker's state keeps it busy, so that each worker gets some."""

REMEMBERED_SCENARIOS = 64
"""Scenario objects the job's process remembers the key of, so it pickles each only once."""


def attempt(task: Task) -> Outcome:
    """Run a task, returning its error instead of raising it (so the others go on)."""
    try:
        return task_module.run_task(task)
    except Exception as error:
        return error


class ScenarioShelf:
    """A job's scenarios, each pickled once into a temporary folder under its digest."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="klarsim-scenarios-"))
        self._keys: OrderedDict[int, tuple[Scenario, str]] = OrderedDict()

    def key(self, scenario: Scenario) -> str:
        """The scenario's key, shelving it the first time it is seen."""
        known = self._keys.get(id(scenario))
        if known is not None:
            self._keys.move_to_end(id(scenario))
            return known[1]
        data = pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.sha256(data).hexdigest()[:32]
        path = self.folder / f"{key}.pickle"
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(path)  # a worker never reads half a file
        self._keys[id(scenario)] = (scenario, key)  # held, so the id stays this scenario's
        if len(self._keys) > REMEMBERED_SCENARIOS:
            self._keys.popitem(last=False)
        return key

    def remove(self) -> None:
        """Delete the folder and everything in it."""
        shutil.rmtree(self.folder, ignore_errors=True)


class ProcessWorkers:
    """Up to ``workers`` local processes, started on first use and reused by every batch."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._shelf: ScenarioShelf | None = None

    def results(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Outcome]]:
        """Each task's position and outcome as it finishes.

        On an interrupt or an error the queued tasks are cancelled, not run, and the processes
        stopped. A worker process that dies (killed for memory, say) breaks the pool: every
        task still unfinished then fails with ``BrokenProcessPool`` instead of stopping the
        job, and the next batch starts new processes.
        """
        from concurrent.futures import as_completed  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        pool, shelf = self._started()
        futures: dict[Future[Outcome], int] = {
            pool.submit(run_slim, SlimTask.of(task, shelf.key(task.scenario))): index
            for index, task in enumerate(tasks)
        }
        healthy = False
        try:
            broken = False
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except BrokenProcessPool as error:
                    outcome, broken = error, True
                yield futures[future], outcome
            healthy = not broken
        finally:
            if not healthy:
                self._stop()

    def states(self) -> dict[int, int]:
        """Each worker process's id and how many scenarios it has loaded; empty before the
        first batch. Every worker is asked (several probes that each take a moment)."""
        if self._pool is None:
            return {}
        probes = [self._pool.submit(worker_state, PROBE_SECONDS) for _ in range(4 * self.workers)]
        return dict(probe.result() for probe in probes)

    def close(self) -> None:
        """Stop the processes (cancelling queued tasks) and delete the shelved scenarios."""
        self._stop()
        if self._shelf is not None:
            self._shelf.remove()
            self._shelf = None

    def _started(self) -> tuple[ProcessPoolExecutor, ScenarioShelf]:
        if self._shelf is None:
            self._shelf = ScenarioShelf()
        if self._pool is None:
            from concurrent import futures  # noqa: PLC0415

            self._pool = futures.ProcessPoolExecutor(
                max_workers=self.workers,
                initializer=start_worker,
                initargs=(str(self._shelf.folder),),
            )
        return self._pool, self._shelf

    def _stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


# What follows runs in the worker processes.

_shelf_folder: Path | None = None
_scenarios: OrderedDict[str, Scenario] = OrderedDict()
scenarios_loaded = 0
"""How many times this worker process has loaded a scenario from the shelf."""


def start_worker(shelf_folder: str) -> None:
    """Initialise a worker process: where its scenarios are, rare young collections and arrays
    kept between replications (it runs nothing but klarsim's tasks), and exit with the job."""
    global _shelf_folder  # noqa: PLW0603 (one worker process, one shelf)
    _shelf_folder = Path(shelf_folder)
    _scenarios.clear()
    collect_rarely()
    reuse_always()
    exit_with_parent()


def run_slim(slim: SlimTask) -> Outcome:
    """Run a slim task on the scenario its key names, loaded on first use."""
    try:
        scenario = _scenario(slim.scenario_key)
    except Exception as error:
        return error
    return attempt(slim.task(scenario))


def _scenario(key: str) -> Scenario:
    global scenarios_loaded  # noqa: PLW0603 (a per-process count, read by the tests)
    scenario = _scenarios.get(key)
    if scenario is not None:
        _scenarios.move_to_end(key)
        return scenario
    if _shelf_folder is None:
        raise RuntimeError("a slim task ran outside a worker process started by start_worker")
    loaded: Scenario = pickle.loads((_shelf_folder / f"{key}.pickle").read_bytes())
    scenarios_loaded += 1
    _scenarios[key] = loaded
    if len(_scenarios) > KEPT_SCENARIOS:
        _scenarios.popitem(last=False)
    return loaded


def worker_state(pause: float) -> tuple[int, int]:
    """This worker's process id and how many scenarios it has loaded, after ``pause``
    seconds (so that the other probes go to the other workers)."""
    time.sleep(pause)
    return os.getpid(), scenarios_loaded


def exit_with_parent() -> None:
    """In a worker process: exit as soon as the job's process is gone (killed with SIGKILL,
    say), instead of running on as an orphan that holds memory and a core, and remove the
    job's scenario shelf on the way out."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        if _shelf_folder is not None:  # the job could not remove it: killed outright
            shutil.rmtree(_shelf_folder, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
