"""Replications of a scenario: tasks, executors, tables, and the results folder.

Every replication is one ``Task`` run by ``run_task``, a picklable function, so serial and
process-pool execution give identical numbers for the same seed.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
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
from klarsim.engine import simulate
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.kpis import kpi_names
from klarsim.metrics.tables import (
    contacts_table,
    events_table,
    kpi_table,
    summary_table,
    timeseries_table,
)
from klarsim.records import ReplicationResult
from klarsim.store import manifest, now_iso, staged_folder, write_json

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all)."""


@dataclass(frozen=True)
class Task:
    """One replication of one scenario."""

    scenario: Scenario
    replication: int
    seed: int
    record_contacts: bool = False


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


OnFailure = Callable[[Failure], None]


def execute(
    tasks: Sequence[Task],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
) -> list[ReplicationResult]:
    """Run tasks serially, on ``workers`` local processes, or on a Dask cluster.

    ``scheduler`` is a Dask scheduler address, or ``local`` to start a ``LocalCluster`` of
    ``workers`` processes on loopback. Results come back in task order whatever the executor.
    A task that raises stops everything, unless ``on_failure`` is given: then it is reported
    there and left out, and the other tasks go on.
    """
    results: list[ReplicationResult | None] = [None] * len(tasks)
    for done, (index, outcome) in enumerate(_results(tasks, workers, scheduler), start=1):
        if isinstance(outcome, BaseException):
            if on_failure is None:
                raise outcome
            task = tasks[index]
            on_failure(Failure(task.scenario.name, task.replication, repr(outcome)))
        else:
            results[index] = outcome
        if progress is not None:
            progress(done, len(tasks))
    return [result for result in results if result is not None]


Outcome = ReplicationResult | Exception


def _attempt(task: Task) -> Outcome:
    """Run a task, returning its error instead of raising it (so the others go on)."""
    try:
        return run_task(task)
    except Exception as error:
        return error


def _results(
    tasks: Sequence[Task], workers: int, scheduler: str | None
) -> Iterator[tuple[int, Outcome]]:
    if scheduler is not None:
        yield from _dask_results(tasks, workers, scheduler)
    elif workers <= 1 or len(tasks) <= 1:
        yield from enumerate(map(_attempt, tasks))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            yield from enumerate(pool.map(_attempt, tasks))


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
    record_contacts: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_failure: OnFailure | None = None,
) -> RunResult:
    """Run a scenario's replications (or until ``precision``) and write the folder if asked."""
    resolved = resolve_scenario(scenario, overrides)
    count = reps if reps is not None else resolved.experiment.replications
    run_seed = resolved.experiment.seed if seed is None else seed

    def replicate() -> list[ReplicationResult]:
        return _replicate(
            [Task(resolved, r, run_seed, record_contacts) for r in range(count)],
            precision,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            on_failure=on_failure,
        )

    if out is None:
        return _tables(resolved, replicate())
    started = now_iso()
    with staged_folder(Path(out), force=force) as folder:
        result = _tables(resolved, replicate())
        write_run(folder, result, seed=run_seed, started=started)
    return result


def _replicate(
    first: list[Task],
    precision: Precision | None,
    *,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
    on_failure: OnFailure | None,
) -> list[ReplicationResult]:
    """Run the first tasks, then further replications of the same kind until precise enough."""
    options: dict[str, Any] = {
        "workers": workers,
        "scheduler": scheduler,
        "progress": progress,
        "on_failure": on_failure,
    }
    done = execute(first, **options)
    while precision is not None and not precision.reached(done) and len(done) < precision.max_reps:
        size = min(max(workers, 2), precision.max_reps - len(done))
        more = [dataclasses.replace(first[0], replication=len(done) + i) for i in range(size)]
        done += execute(more, **options)
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


def write_run(folder: Path, result: RunResult, *, seed: int, started: str) -> None:
    """Write the output contract's files for one run into ``folder``."""
    (folder / "scenario.yaml").write_text(scenario_yaml(result.scenario), encoding="utf-8")
    result.summary.to_csv(folder / "summary.csv", index=False)
    result.timeseries.to_csv(folder / "timeseries.csv", index=False)
    if result.events is not None:
        result.events.to_csv(folder / "events.csv", index=False)
    if result.contacts is not None:
        result.contacts.to_parquet(folder / "contacts.parquet", index=False)
    replications = [int(value) for value in result.summary["replication"]]
    write_json(
        folder / "manifest.json",
        manifest(
            scenario=result.scenario.name,
            seed=seed,
            replications=replications,
            seeding="each stream seeded from (seed, replication, stream name)",
            command=shlex.join(sys.argv),
            started=started,
            finished=now_iso(),
        ),
    )
