"""Replications of a scenario: tasks, executors, tables, and the results folder.

Every replication is one ``Task`` run by ``run_task``, a picklable function, so serial and
process-pool execution give identical numbers for the same seed. With a results folder, each
finished replication is saved as it comes back, and a resumed job runs only the missing ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from klarsim.config import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_yaml,
    with_overrides,
)
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.tables import (
    contacts_table,
    events_table,
    kpi_table,
    summary_table,
    timeseries_table,
)
from klarsim.results.atomic import write_text
from klarsim.results.checkpoints import RunStore
from klarsim.results.writer import describe_job, output_folder, write_table
from klarsim.sim.kpis import kpi_names
from klarsim.sim.records import ReplicationResult
from klarsim.sim.replication import simulate

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all)."""


@dataclass(frozen=True)
class Task:
    """One replication of one scenario."""

    scenario: Scenario
    replication: int
    seed: int
    record_contacts: bool = False
    point: int | None = None
    """The sweep point the task belongs to; None outside sweeps."""


def run_task(task: Task) -> ReplicationResult:
    """Run one task; the single entry point of every executor."""
    return simulate(
        task.scenario, task.replication, task.seed, record_contacts=task.record_contacts
    )


@dataclass(frozen=True)
class Failure:
    """A replication that raised instead of finishing."""

    scenario: str
    replication: int
    error: str
    point: int | None = None


OnFailure = Callable[[Failure], None]


def recording(failures: list[Failure], on_failure: OnFailure | None) -> OnFailure | None:
    """``on_failure`` that also keeps each failure in ``failures``; None stays None (raise)."""
    if on_failure is None:
        return None

    def record(failure: Failure) -> None:
        failures.append(failure)
        on_failure(failure)

    return record


def execute(
    tasks: Sequence[Task],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
    store: RunStore | None = None,
) -> list[ReplicationResult]:
    """Run tasks serially, on ``workers`` local processes, or on a Dask cluster.

    ``scheduler`` is a Dask scheduler address, or ``local`` to start a ``LocalCluster`` of
    ``workers`` processes on loopback. Results come back in task order whatever the executor.
    A task that raises stops everything, unless ``on_failure`` is given: then it is reported
    there and left out, and the other tasks go on. With a ``store``, see ``finish``.
    """
    pairs = finish(
        tasks,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        on_failure=on_failure,
        store=store,
    )
    return [result for _, result in pairs]


def finish(
    tasks: Sequence[Task],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
    store: RunStore | None = None,
) -> list[tuple[Task, ReplicationResult]]:
    """Each finished task with its result, in task order, as ``execute`` runs them.

    Tasks whose result is in ``store`` are loaded, not run; every other result is saved there
    in this process as soon as it comes back, so an interrupted job keeps what it finished.
    """
    results = [store.load(task) if store is not None else None for task in tasks]
    pending = [index for index, result in enumerate(results) if result is None]
    done = len(tasks) - len(pending)
    if progress is not None and done:
        progress(done, len(tasks))
    # closing: an error or Ctrl-C here stops the executor at once, not when garbage collected.
    with closing(_results([tasks[index] for index in pending], workers, scheduler)) as outcomes:
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
    return [
        (task, result) for task, result in zip(tasks, results, strict=True) if result is not None
    ]


Outcome = ReplicationResult | Exception


def _attempt(task: Task) -> Outcome:
    """Run a task, returning its error instead of raising it (so the others go on)."""
    try:
        return run_task(task)
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
    """Results as each finishes; on an interrupt the queued tasks are cancelled, not run."""
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)))
    try:
        futures = {pool.submit(_attempt, task): index for index, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = client.map(_attempt, list(tasks), pure=False)
            index = {future.key: position for position, future in enumerate(futures)}
            for future in as_completed(futures):
                yield index[future.key], future.result()
    finally:
        if cluster is not None:
            cluster.close()


@dataclass(frozen=True)
class RunResult:
    """The tables of a run: per replication, per interval, KPIs with CIs, contacts if logged."""

    scenario: Scenario
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    kpis: pd.DataFrame
    contacts: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    """Timeline actions and guardrail firings; None or empty when the scenario has none."""


@dataclass(frozen=True)
class Precision:
    """Add replications until the 95 % t-interval half-width of ``kpi`` is at most the target."""

    kpi: str
    half_width: float
    max_reps: int = 100

    @classmethod
    def parse(cls, text: str, max_reps: int = 100) -> Precision:
        """Read ``KPI=HALF_WIDTH`` as given to ``--precision``."""
        kpi, _, value = text.partition("=")
        names = kpi_names()
        if kpi not in names:
            message = f"unknown KPI {kpi!r}; expected one of: {', '.join(names)}"
            raise ScenarioError([Problem("--precision", kpi, message)])
        try:
            half_width = float(value)
        except ValueError:
            half_width = -1.0
        if not half_width > 0:
            message = f"expected KPI=HALF_WIDTH with a positive width, got {text!r}"
            raise ScenarioError([Problem("--precision", kpi, message)])
        return cls(kpi, half_width, max_reps)

    def reached(self, results: Sequence[ReplicationResult]) -> bool:
        """Whether the replications so far pin the KPI down closely enough."""
        interval = t_interval([result.summary[self.kpi] for result in results])
        return interval.half_width <= self.half_width


def run(
    scenario: Scenario | str | Path,
    *,
    reps: int | None = None,
    precision: Precision | None = None,
    seed: int | None = None,
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    resume: bool = False,
    record_contacts: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
) -> RunResult:
    """Run a scenario's replications (or until ``precision``) and write the folder if asked.

    With ``out``, each finished replication is saved there at once; ``resume`` reuses the
    runs a previous, interrupted call with the same job left in ``out``.
    """
    resolved = resolve_scenario(scenario, overrides)
    count = reps if reps is not None else resolved.experiment.replications
    run_seed = resolved.experiment.seed if seed is None else seed
    first = [Task(resolved, r, run_seed, record_contacts) for r in range(count)]
    options: dict[str, Any] = {"workers": workers, "scheduler": scheduler, "progress": progress}
    if out is None:
        return _tables(resolved, _replicate(first, precision, **options, on_failure=on_failure))
    described = describe_job(
        "run",
        scenarios=[resolved],
        seed=run_seed,
        replications=count,
        record_contacts=record_contacts,
        precision=dataclasses.asdict(precision) if precision is not None else None,
    )
    details = {
        "scenario": resolved.name,
        "seed": run_seed,
        "replications": list(range(count)),
        "seeding": "each stream seeded from (seed, replication, stream name)",
    }
    failures: list[Failure] = []
    with output_folder(
        Path(out), job=described, details=details, force=force, resume=resume
    ) as folder:
        write_text(folder.path / "scenario.yaml", scenario_yaml(resolved))
        results = _replicate(
            first,
            precision,
            **options,
            on_failure=recording(failures, on_failure),
            store=folder.runs,
        )
        result = _tables(resolved, results)
        write_run(folder.path, result)
        folder.complete(
            replications=[int(value) for value in result.summary["replication"]],
            failed_runs=[dataclasses.asdict(failure) for failure in failures],
        )
    return result


def _replicate(
    first: list[Task],
    precision: Precision | None,
    *,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
    on_failure: OnFailure | None,
    store: RunStore | None = None,
) -> list[ReplicationResult]:
    """Run the first tasks, then further replications of the same kind until precise enough.

    The batches depend only on ``workers`` and the results, so a resumed job with the same
    workers asks for the same replications and finds the finished ones in ``store``.
    """
    options: dict[str, Any] = {
        "workers": workers,
        "scheduler": scheduler,
        "progress": progress,
        "on_failure": on_failure,
        "store": store,
    }
    done = execute(first, **options)
    following = len(first)
    while precision is not None and not precision.reached(done) and len(done) < precision.max_reps:
        size = min(max(workers, 2), precision.max_reps - len(done))
        more = [dataclasses.replace(first[0], replication=following + i) for i in range(size)]
        following += size
        added = execute(more, **options)
        if not added:  # every run of the batch failed: more of the same would not help
            break
        done += added
    return done


def resolve_scenario(
    scenario: Scenario | str | Path, overrides: Iterable[str] | Mapping[str, Any] | None
) -> Scenario:
    """A scenario object or file, with overrides applied and validated."""
    if isinstance(scenario, Scenario):
        return with_overrides(scenario, overrides) if overrides else scenario
    return load_scenario(scenario, overrides)


def _tables(scenario: Scenario, results: list[ReplicationResult]) -> RunResult:
    summary = summary_table(results)
    return RunResult(
        scenario=scenario,
        summary=summary,
        timeseries=timeseries_table(results),
        kpis=kpi_table(summary),
        contacts=contacts_table(results),
        events=events_table(results),
    )


def write_run(folder: Path, result: RunResult) -> None:
    """Write the tables of one run into ``folder``, each atomically."""
    write_table(folder / "summary.csv", result.summary)
    write_table(folder / "timeseries.csv", result.timeseries)
    if result.events is not None:
        write_table(folder / "events.csv", result.events)
    if result.contacts is not None:
        write_table(folder / "contacts.parquet", result.contacts)
