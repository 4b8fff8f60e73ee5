"""One replication as a picklable ``Task``, the function every executor runs, and failures.

Every replication is one ``Task`` run by ``run_task``, so serial, process-pool and Dask
execution give identical numbers for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from klarsim.config import Scenario
from klarsim.sim.records import ReplicationResult
from klarsim.sim.replication import simulate


@dataclass(frozen=True)
class Task:
    """One replication of one scenario."""

    scenario: Scenario
    replication: int
    seed: int
    record_contacts: bool = False
    point: int | None = None
    """The sweep point the task belongs to; None outside sweeps."""


@dataclass(frozen=True)
class SlimTask:
    """A task as it travels to a worker that holds its scenario already: the scenario's key
    instead of the scenario, so a job's many tasks do not carry the same scenario each."""

    scenario_key: str
    replication: int
    seed: int
    record_contacts: bool = False

    @classmethod
    def of(cls, task: Task, scenario_key: str) -> SlimTask:
        """``task`` with its scenario replaced by ``scenario_key``."""
        return cls(scenario_key, task.replication, task.seed, task.record_contacts)

    def task(self, scenario: Scenario) -> Task:
        """The full task again, given the scenario its key names."""
        return Task(scenario, self.replication, self.seed, self.record_contacts)


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
"""Told of each failed replication; the others go on (without it, a failure stops the job)."""


def recording(failures: list[Failure], on_failure: OnFailure | None) -> OnFailure | None:
    """``on_failure`` that also keeps each failure in ``failures``; None stays None (raise)."""
    if on_failure is None:
        return None

    def record(failure: Failure) -> None:
        failures.append(failure)
        on_failure(failure)

    return record
