"""What every command shares: the app, the options defined once, exit codes, progress, errors."""

import functools
import math
import os
import re
import shlex
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from klarsim.cli.startup import Program, resume_collection
from klarsim.limits import MAX_WORKERS
from klarsim.results import files

if TYPE_CHECKING:
    from rich.console import Console

    from klarsim.experiments.executors import ExecutorOptions
    from klarsim.experiments.job import OutputOptions
    from klarsim.experiments.tasks import Failure

# Only typer and klarsim's plain modules are imported here: each command imports what it needs
# (rich, the engine, pandas, scipy, matplotlib, dask) in its body, so that ``--help`` and
# shell completion answer at once. The command modules evaluate their annotations when they
# are defined (no ``from __future__ import annotations``): typer reads every command's
# parameters on each start, and strings it would compile and evaluate each time (~15 ms).

FAULT = 1
"""Exit code after a fault while running: failed runs, a write that failed, no scheduler."""
BAD_INPUT = 2
ERROR_WIDTH = 300
"""The most characters of a failed run's error shown on the terminal."""
INTERRUPTED = 130
"""Exit code after Ctrl-C (SIGINT), as shells report it: 128 + signal 2."""
ALL_CORES = os.cpu_count() or 1
EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 failed runs or differences, 2 bad input, 130 interrupted"
    " (docs/reliability.md). NO_COLOR=1 turns colours off."
)


app = Program(
    name="klarsim",
    help="Simulate customer service staffed by AI, employees and a gig pool.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
)


@functools.cache
def console() -> "Console":
    """Standard output; rich turns colours off when NO_COLOR is set (https://no-color.org).

    Made on first use: importing rich takes about 30 ms, which a quiet run does without.
    """
    from rich.console import Console  # noqa: PLC0415

    return Console()


def version() -> str:
    """klarsim's installed version, as ``manifest.json`` records it (the package's own if not
    installed)."""
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("klarsim")
    except metadata.PackageNotFoundError:
        from klarsim import __version__  # noqa: PLC0415

        return __version__


def _print_version(given: bool) -> None:
    if given:
        typer.echo(f"klarsim {version()}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print klarsim's version and exit.",
        ),
    ] = False,
) -> None:
    """Simulate customer service staffed by AI, employees and a gig pool.

    Example: klarsim run scenarios/examples/hybrid.yaml --days 30 --reps 2
    """
    resume_collection()  # the command line is read: collect garbage as usual from here


# --- Options shared by the commands: defined once here. ----------------------------------------

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario value: dotted.key=VALUE (repeatable)."),
]
WorkersOption = Annotated[int, typer.Option(min=1, max=MAX_WORKERS, help="Local worker processes.")]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address, or 'local' for a LocalCluster of --workers."),
]
ForceOption = Annotated[bool, typer.Option(help="Replace an existing results folder.")]
ResumeOption = Annotated[
    bool,
    typer.Option(help="Complete an interrupted job in its results folder: keep its runs."),
]
QuietOption = Annotated[bool, typer.Option(help="No progress bar.")]


@dataclass(frozen=True)
class JobFlags:
    """The command-line flags every experiment command shares, turned into option objects."""

    workers: int
    scheduler: str | None
    force: bool
    resume: bool
    quiet: bool

    @contextmanager
    def options(
        self, folder: Path, total: int, failures: "FailureLog"
    ) -> Iterator[tuple["ExecutorOptions", "OutputOptions"]]:
        """The executor and output options of a job of ``total`` runs writing into ``folder``.

        Around the job: a progress bar unless quiet, after Ctrl-C a hint to resume, and a
        one-line error for a fault (a write that failed, no scheduler). A ``--scheduler``
        address is checked before the folder is made: malformed is bad input, unreachable a
        fault.
        """
        from klarsim.experiments.executors import ExecutorOptions  # noqa: PLC0415
        from klarsim.experiments.job import OutputOptions  # noqa: PLC0415

        with _interrupt_exits(folder), _faults_exit(folder, failures):
            if self.scheduler is not None and self.scheduler != "local":
                _check_scheduler(self.scheduler)
            with _progress(total, self.quiet) as advance:
                yield (
                    ExecutorOptions(self.workers, self.scheduler, advance, failures),
                    OutputOptions(folder, force=self.force, resume=self.resume),
                )


def _check_scheduler(address: str) -> None:
    """A malformed address is bad input (exit 2); an unreachable one raises a fault."""
    from klarsim.config import Problem, ScenarioError  # noqa: PLC0415
    from klarsim.experiments.executors import check_scheduler  # noqa: PLC0415

    try:
        check_scheduler(address)
    except ValueError as error:
        raise ScenarioError([Problem("--scheduler", "", str(error))]) from None


@contextmanager
def _faults_exit(folder: Path, failures: "FailureLog") -> Iterator[None]:
    """A fault while the job runs or writes: one line on stderr and exit code 1.

    A job that cannot go on when every run of a step failed lists the failures.

    An ``OSError`` (disk full, permission denied) names the file, or the results folder
    when the system does not say which; the folder keeps its finished runs for --resume.
    """
    from klarsim.experiments.executors import EveryRunFailed, SchedulerError  # noqa: PLC0415

    try:
        yield
    except EveryRunFailed:
        failures.exit_all_failed(folder)
    except SchedulerError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(FAULT) from None
    except OSError as error:
        first = _first_os_error(error)
        path = _final_name(Path(first.filename)) if first.filename is not None else folder
        reason = first.strerror or str(first) or type(first).__name__
        typer.echo(f"error: cannot write {path}: {reason}", err=True)
        raise typer.Exit(FAULT) from None
    except MemoryError:
        typer.echo(f"error: out of memory; the finished runs are kept in {folder}", err=True)
        raise typer.Exit(FAULT) from None


def _first_os_error(error: OSError) -> OSError:
    """The first OSError of the chain: the fault itself, not a failed write of its record."""
    first, context = error, error.__context__
    while context is not None:
        if isinstance(context, OSError):
            first = context
        context = context.__context__
    return first


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f-]+\.tmp")


def _final_name(path: Path) -> Path:
    """The file a hidden temporary file (``.NAME.PID-TOKEN.tmp``) was to become."""
    match = _TEMPORARY.fullmatch(path.name)
    return path.with_name(match["name"]) if match else path


def _overrides(set_: list[str] | None, days: float | None) -> list[str]:
    """``--set`` values, and ``--days`` as the horizon (a positive, finite number)."""
    overrides = list(set_ or [])
    if days is not None:
        if not (math.isfinite(days) and days > 0):
            from klarsim.config import Problem, ScenarioError  # noqa: PLC0415

            message = f"expected a positive, finite number of days, got {days}"
            raise ScenarioError([Problem("--days", "experiment.horizon_days", message)])
        overrides.append(f"--days={days!r}")  # messages name --days (config.overrides)
    return overrides


class FailureLog:
    """Logs each failed run when it happens and lists them all at the end (exit code 1)."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def __call__(self, failure: "Failure") -> None:
        self.failures.append(failure)
        typer.echo(f"failed: {self._describe(failure)}", err=True)

    def exit_if_any(self) -> None:
        """After the results are written: list the failed runs and exit 1, if there were any."""
        if not self.failures:
            return
        typer.echo(f"{len(self.failures)} run(s) failed; the others were written:", err=True)
        self._list_and_exit()

    def exit_all_failed(self, folder: Path) -> NoReturn:
        """Every run failed: no table was written; list the failures and exit 1."""
        typer.echo(
            f"error: every run failed ({len(self.failures)}); no table was written, "
            f"the failures are listed in {folder / files.MANIFEST}:",
            err=True,
        )
        self._list_and_exit()

    def _list_and_exit(self) -> NoReturn:
        for failure in self.failures:
            typer.echo(f"  {self._describe(failure)}", err=True)
        raise typer.Exit(FAULT)

    @staticmethod
    def _describe(failure: "Failure") -> str:
        """One line per failure; a long error is cut (the manifest keeps it whole)."""
        where = f" at point {failure.point}" if failure.point is not None else ""
        error = " ".join(failure.error.split())
        if len(error) > ERROR_WIDTH:
            error = error[: ERROR_WIDTH - 3] + "..."
        return f"{failure.scenario} replication {failure.replication}{where}: {error}"


def plural(count: int, word: str) -> str:
    """The count and the word, plural unless one: "1 pool", "2 pools", "0 pools"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(BAD_INPUT)


@contextmanager
def _bad_input_exits() -> Iterator[None]:
    """Turn configuration and output errors into a message and exit code 2; print the
    scenarios' warnings (dropped dated items, a small scale) on stderr as they come."""
    from klarsim.config import ScenarioError  # noqa: PLC0415
    from klarsim.results.writer import OutputError  # noqa: PLC0415

    try:
        with _warnings_on_stderr():
            yield
    except ScenarioError as error:
        _fail("error: invalid scenario\n" + "\n".join(f"  {p}" for p in error.problems))
    except OutputError as error:
        _fail(f"error: {error}")


@contextmanager
def _warnings_on_stderr() -> Iterator[None]:
    """Each distinct ``ScenarioWarning`` once on stderr as ``warning: ...``; others as usual."""
    from klarsim.config.horizon import ScenarioWarning  # noqa: PLC0415

    shown: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("always", ScenarioWarning)
        usual = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *rest: Any, **more: Any) -> None:
            if not issubclass(category, ScenarioWarning):
                usual(message, category, *rest, **more)
            elif str(message) not in shown:
                shown.add(str(message))
                typer.echo(f"warning: {message}", err=True)

        warnings.showwarning = show
        yield


@contextmanager
def _interrupt_exits(folder: Path) -> Iterator[None]:
    """After Ctrl-C: say how to complete the job from its finished runs, and exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo(f"interrupted: the finished runs are kept in {folder}", err=True)
        if (folder / files.MANIFEST).is_file():
            typer.echo(f"complete them with: {_resume_command()}", err=True)
        raise typer.Exit(INTERRUPTED) from None


def _resume_command() -> str:
    """The command line as given, with --resume instead of --force."""
    arguments = [argument for argument in sys.argv[1:] if argument not in {"--force", "--resume"}]
    return shlex.join(["klarsim", *arguments, "--resume"])


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (runs done, ETA), or nothing when quiet."""
    if quiet:
        yield None
        return
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Task as ProgressTask  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    class RunsPerSecond(ProgressColumn):
        """Throughput of the runs done so far."""

        def render(self, task: ProgressTask) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.2f} runs/s" if speed else "- runs/s")

    columns = (
        TextColumn("runs"),
        BarColumn(),
        MofNCompleteColumn(),
        RunsPerSecond(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    from rich.console import Console  # noqa: PLC0415

    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=total)
        yield lambda done, _: bar.update(task, completed=done)


def _width() -> int:
    """The terminal's columns (80 when not a terminal, or as COLUMNS says)."""
    import shutil  # noqa: PLC0415

    return shutil.get_terminal_size((80, 24)).columns
