"""``run``: a scenario's replications (or as many as a precision target needs) and its tables.

With a results folder, each finished replication is saved as it comes back, and a resumed
job runs only the missing ones (see ``klarsim.experiments.job``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from klarsim.config import Problem, Scenario, ScenarioError
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    check_runs,
    perform,
    replications,
    resolve_scenario,
    seed_of,
)
from klarsim.experiments.tasks import Task
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.plain import Table
from klarsim.metrics.tables import (
    contacts_columns,
    events_columns,
    kpi_columns,
    labour_columns,
    measured_labour,
    summary_columns,
    timeseries_columns,
)
from klarsim.results import files
from klarsim.results.writer import write_table
from klarsim.sim.kpis import kpi_names
from klarsim.sim.records import ReplicationResult

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunTables:
    """A run's tables as plain columns: what the command line writes, without pandas."""

    summary: Table
    timeseries: Table
    kpis: Table
    contacts: Table | None = None
    events: Table | None = None
    """Timeline actions and guardrail firings; None or empty when the scenario has none."""
    labour: Table | None = None
    """Per replication and pool, what people work and earn; None when none was measured."""


@dataclass(frozen=True)
class RunResult:
    """The tables of a run: per replication, per interval, KPIs with CIs, contacts if logged.

    The DataFrames are built from ``tables`` on first use, so a run that only writes its
    folder never imports pandas.
    """

    scenario: Scenario
    tables: RunTables

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per replication."""
        return self.tables.summary.to_pandas()

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per replication and interval."""
        return self.tables.timeseries.to_pandas()

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Per KPI: the mean over the replications and its 95 % Student-t interval."""
        return self.tables.kpis.to_pandas()

    @cached_property
    def contacts(self) -> pd.DataFrame | None:
        """One row per contact, when the run logged them (``record_contacts``)."""
        return self.tables.contacts.to_pandas() if self.tables.contacts is not None else None

    @cached_property
    def events(self) -> pd.DataFrame | None:
        """Timeline actions and guardrail firings; None or empty when there are none."""
        return self.tables.events.to_pandas() if self.tables.events is not None else None

    @cached_property
    def labour(self) -> pd.DataFrame | None:
        """Per replication and pool: people, hours, earnings; None when none was measured."""
        return self.tables.labour.to_pandas() if self.tables.labour is not None else None


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
    seed: int | None = None,
    overrides: Overrides | None = None,
    precision: Precision | None = None,
    record_contacts: bool = False,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> RunResult:
    """Run a scenario's replications (or until ``precision``) and write the folder if asked.

    ``executor`` says where the replications run (default: serially; a failure raises).
    With ``out`` (a folder, or ``OutputOptions`` to ``force`` or ``resume``), each finished
    replication is saved there at once; ``resume`` reuses the runs an interrupted call left.
    """
    resolved = resolve_scenario(scenario, overrides)
    count = replications(reps, resolved)
    check_runs(max(count, precision.max_reps if precision is not None else 0))
    job = RunJob(
        scenarios=[resolved],
        seed=seed_of(seed, resolved),
        replications=count,
        precision=precision,
        record_contacts=record_contacts,
    )
    return perform(job, executor, out)


@dataclass(frozen=True)
class RunJob(Job[RunResult]):
    """Replications of one scenario, in batches until precise enough if asked."""

    precision: Precision | None = None
    record_contacts: bool = False

    kind: ClassVar[str] = "run"

    def identity(self) -> dict[str, Any]:
        precision = dataclasses.asdict(self.precision) if self.precision is not None else None
        return {"record_contacts": self.record_contacts, "precision": precision}

    def details(self) -> dict[str, Any]:
        return {
            "scenario": self.scenarios[0].name,
            "seed": self.seed,
            "replications": list(range(self.replications)),
            "seeding": "each stream seeded from (seed, replication, stream name)",
        }

    def execute(self, runner: Runner) -> RunResult:
        scenario = self.scenarios[0]
        first = [
            Task(scenario, replication, self.seed, self.record_contacts)
            for replication in range(self.replications)
        ]
        return _tables(scenario, _replicate(first, self.precision, runner))

    def write(self, folder: Path, result: RunResult) -> None:
        write_run(folder, result)

    def completion(self, result: RunResult) -> dict[str, Any]:
        replicated = result.tables.summary.columns.get("replication", [])
        return {"replications": [int(value) for value in replicated]}

    def has_runs(self, result: RunResult) -> bool:
        return not result.tables.summary.empty


def _replicate(
    first: list[Task], precision: Precision | None, runner: Runner
) -> list[ReplicationResult]:
    """Run the first tasks, then further replications of the same kind until precise enough.

    The batches depend only on the workers and the results, so a resumed job with the same
    workers asks for the same replications and finds the finished ones in the store.
    """
    done = runner.execute(first)
    following = len(first)
    while (
        precision is not None
        and done  # every first run failed: more of the same would not help
        and not precision.reached(done)
        and len(done) < precision.max_reps
    ):
        size = min(max(runner.options.workers, 2), precision.max_reps - len(done))
        more = [dataclasses.replace(first[0], replication=following + i) for i in range(size)]
        following += size
        added = runner.execute(more)
        if not added:  # every run of the batch failed: more of the same would not help
            break
        done += added
    return done


def _tables(scenario: Scenario, results: list[ReplicationResult]) -> RunResult:
    summary = summary_columns(results)
    tables = RunTables(
        summary=summary,
        timeseries=timeseries_columns(results),
        kpis=kpi_columns(summary),
        contacts=contacts_columns(results),
        events=events_columns(results),
        labour=labour_columns(results) if measured_labour(results) else None,
    )
    return RunResult(scenario=scenario, tables=tables)


def write_run(folder: Path, result: RunResult) -> None:
    """Write the tables of one run into ``folder``, each atomically."""
    tables = result.tables
    write_table(folder / files.SUMMARY, tables.summary)
    write_table(folder / files.TIMESERIES, tables.timeseries)
    if tables.events is not None:
        write_table(folder / files.EVENTS, tables.events)
    if tables.contacts is not None:
        write_table(folder / files.CONTACTS, tables.contacts)
    if tables.labour is not None:
        write_table(folder / files.LABOUR, tables.labour)
