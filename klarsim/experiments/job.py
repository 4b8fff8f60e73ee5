"""The one skeleton every experiment command follows, and where its results go.

A command (``run``, ``compare``, ``sweep``, and later ``staff``, ``sensitivity``,
``robustness``, ``fit``) resolves its scenarios, then describes its work as a ``Job``:
which scenarios, seed and replications, what else its results depend on, how to run its
tasks and which tables to write. ``perform`` does the rest the same way for all of them:

1. without a results folder, run the job and return its result;
2. otherwise open the folder (``OutputOptions``: new, ``force`` to replace, ``resume`` to
   complete the same job) with a manifest saying what the job is;
3. write the resolved scenarios, run the tasks saving each finished replication under
   ``runs/`` and recording the failed ones, write the tables, mark the manifest complete.
   When every run failed there is nothing to tabulate: no table is written and the manifest
   says ``failed``, with each failed run and its error under ``failed_runs``.

Before anything runs, the caveats of the scenarios it simulates (``klarsim.config.caveats``:
a small scale, a headcount far from its roster's) are issued as ``ScenarioWarning``s and
listed under ``warnings`` in the manifest; after the runs, so are pools that became thin on
duty during them (``klarsim.experiments.thin_staffing``).
"""

from __future__ import annotations

import dataclasses
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from klarsim.config import Problem, Scenario, ScenarioError, load_scenario, with_overrides
from klarsim.config.caveats import scenario_caveats
from klarsim.config.horizon import ScenarioWarning
from klarsim.experiments.executors import (
    SERIAL,
    EveryRunFailed,
    ExecutorOptions,
    Runner,
    WorkerPool,
)
from klarsim.experiments.tasks import Failure
from klarsim.experiments.thin_staffing import ThinStaffing
from klarsim.kernel.reuse import reusing_arrays
from klarsim.limits import MAX_RUNS
from klarsim.results.writer import describe_job, now_iso, output_folder, write_scenario
from klarsim.sim.collection import rare_collections

Result = TypeVar("Result")

Overrides = Iterable[str] | Mapping[str, Any]
"""``dotted.key=VALUE`` strings, or a mapping of dotted keys to values."""


@dataclass(frozen=True)
class OutputOptions:
    """The results folder of a job: where, and what to do when it exists already.

    ``force`` replaces an existing folder; ``resume`` completes the interrupted job of the
    same scenarios, seed and replications left there, reusing its finished runs.
    """

    folder: str | Path
    force: bool = False
    resume: bool = False

    @property
    def path(self) -> Path:
        """The folder as a path."""
        return Path(self.folder)


Output = OutputOptions | str | Path | None
"""Where a job writes: options, just a folder (new, neither forced nor resumed), or nowhere."""


def output_options(out: Output) -> OutputOptions | None:
    """``out`` as options; a bare folder means a new folder (neither forced nor resumed)."""
    if out is None or isinstance(out, OutputOptions):
        return out
    return OutputOptions(out)


@dataclass(frozen=True)
class Job(ABC, Generic[Result]):
    """A command's work: the scenarios, seed and replications, what it runs and writes."""

    scenarios: Sequence[Scenario]
    seed: int
    replications: int

    kind: ClassVar[str]
    """The command, as the manifest names it."""

    def identity(self) -> dict[str, Any]:
        """Settings the results depend on besides scenarios, seed and replications."""
        return {}

    def simulated(self) -> Sequence[Scenario]:
        """The scenarios its tasks simulate (a sweep: every point's), whose caveats it reports."""
        return self.scenarios

    @abstractmethod
    def details(self) -> dict[str, Any]:
        """Further manifest fields, for people and readers of the folder."""

    def write_inputs(self, folder: Path) -> None:
        """The resolved scenario as ``scenario.yaml``, before anything runs."""
        write_scenario(folder, self.scenarios[0])

    @abstractmethod
    def execute(self, runner: Runner) -> Result:
        """Run the job's tasks with ``runner`` and build its result."""

    @abstractmethod
    def write(self, folder: Path, result: Result) -> None:
        """Write the result's tables into ``folder``."""

    def completion(self, result: Result) -> dict[str, Any]:
        """Manifest fields known once the result is in."""
        return {}

    def has_runs(self, result: Result) -> bool:
        """Whether any run finished, so that there are tables to write."""
        return True


def perform(
    job: Job[Result], executor: ExecutorOptions | None = None, out: Output = None
) -> Result:
    """Run ``job`` as ``executor`` says and, given a results folder ``out``, fill it as it goes.

    Every batch of the job runs on one ``WorkerPool``, closed when the job ends, on an error
    and on Ctrl-C too.
    """
    options = executor if executor is not None else SERIAL
    with rare_collections(), reusing_arrays(), WorkerPool.of(options) as pool:
        return _perform(job, options, out, pool)


def _perform(job: Job[Result], executor: ExecutorOptions, out: Output, pool: WorkerPool) -> Result:
    thin = ThinStaffing()
    options = executor.observing(lambda task, result: thin.observe(task.scenario, result))
    target = output_options(out)
    caveats = job_caveats(job)
    _warn(caveats)
    if target is None:
        result = job.execute(Runner(options, pool=pool))
        _warn(thin.caveats())
        return result
    described = describe_job(
        job.kind,
        scenarios=job.scenarios,
        seed=job.seed,
        replications=job.replications,
        **job.identity(),
    )
    failures: list[Failure] = []
    with output_folder(
        target.path,
        job=described,
        details={**job.details(), "warnings": caveats},
        force=target.force,
        resume=target.resume,
    ) as folder:
        job.write_inputs(folder.path)
        try:
            result = job.execute(Runner(options.recording(failures), folder.runs, pool))
        except EveryRunFailed:
            folder.update(failed_runs=[dataclasses.asdict(failure) for failure in failures])
            raise
        failed_runs = [dataclasses.asdict(failure) for failure in failures]
        if not job.has_runs(result):
            error = f"every run failed ({len(failures)}); no table was written"
            folder.update(status="failed", error=error, failed_runs=failed_runs, finished=now_iso())
            return result
        job.write(folder.path, result)
        observed = thin.caveats()
        _warn(observed)
        folder.complete(
            **job.completion(result), warnings=[*caveats, *observed], failed_runs=failed_runs
        )
    return result


def _warn(caveats: list[str]) -> None:
    """Issue each caveat as a ``ScenarioWarning`` (the CLI prints it once on stderr)."""
    for caveat in caveats:
        warnings.warn(caveat, ScenarioWarning, stacklevel=5)


def check_runs(runs: int, option: str = "--reps") -> None:
    """Refuse a job of more than ``MAX_RUNS`` runs before anything is made for it."""
    if runs > MAX_RUNS:
        message = f"the job has {runs:,} runs; expected at most {MAX_RUNS:,}"
        raise ScenarioError([Problem(option, "", message)])


def job_caveats(job: Job[Any]) -> list[str]:
    """The caveats of every scenario the job simulates, each once, in order."""
    found = (caveat for scenario in job.simulated() for caveat in scenario_caveats(scenario))
    return list(dict.fromkeys(found))


def resolve_scenario(scenario: Scenario | str | Path, overrides: Overrides | None) -> Scenario:
    """A scenario object or file, with overrides applied and validated."""
    if isinstance(scenario, Scenario):
        return with_overrides(scenario, overrides) if overrides else scenario
    return load_scenario(scenario, overrides)


def replications(reps: int | None, scenario: Scenario) -> int:
    """``reps``, or the scenario's ``experiment.replications``."""
    return reps if reps is not None else scenario.experiment.replications


def seed_of(seed: int | None, scenario: Scenario) -> int:
    """``seed``, or the scenario's ``experiment.seed``."""
    return seed if seed is not None else scenario.experiment.seed
