"""The ``klarsim`` command line: thin wrappers over the library's functions.

Bad input of any kind (missing file, YAML error, invalid key or value, existing output folder)
ends with a readable message on stderr and exit code 2, and leaves no results folder behind.
Ctrl-C keeps the finished runs, prints how to ``--resume`` and exits with code 130.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from klarsim.results import files

if TYPE_CHECKING:
    from klarsim.config import Scenario
    from klarsim.experiments.compare import ComparisonResult
    from klarsim.experiments.executors import ExecutorOptions
    from klarsim.experiments.job import OutputOptions
    from klarsim.experiments.run import RunResult
    from klarsim.experiments.tasks import Failure
    from klarsim.metrics import analytic
    from klarsim.planning.capacity import CapacityResult
    from klarsim.planning.staff import StaffResult

# Only typer, rich and klarsim's plain modules are imported here: each command imports what it
# needs (the engine, pandas, scipy, matplotlib, dask) in its body, so that ``--help`` and
# shell completion answer at once.

BAD_INPUT = 2
INTERRUPTED = 130
"""Exit code after Ctrl-C (SIGINT), as shells report it: 128 + signal 2."""
ALL_CORES = os.cpu_count() or 1
app = typer.Typer(
    name="klarsim",
    help="Simulate customer service staffed by AI, employees and a gig pool.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

# --- Options shared by the commands: defined once here. ----------------------------------------

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario value: dotted.key=VALUE (repeatable)."),
]
WorkersOption = Annotated[int, typer.Option(min=1, help="Local worker processes.")]
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
        self, folder: Path, total: int, failures: FailureLog
    ) -> Iterator[tuple[ExecutorOptions, OutputOptions]]:
        """The executor and output options of a job of ``total`` runs writing into ``folder``.

        Around the job: a progress bar unless quiet, and after Ctrl-C a hint to resume.
        """
        from klarsim.experiments.executors import ExecutorOptions  # noqa: PLC0415
        from klarsim.experiments.job import OutputOptions  # noqa: PLC0415

        with _interrupt_exits(folder), _progress(total, self.quiet) as advance:
            yield (
                ExecutorOptions(self.workers, self.scheduler, advance, failures),
                OutputOptions(folder, force=self.force, resume=self.resume),
            )


def _overrides(set_: list[str] | None, days: float | None) -> list[str]:
    """``--set`` values, and ``--days`` as the horizon."""
    overrides = list(set_ or [])
    if days is not None:
        overrides.append(f"experiment.horizon_days={days}")
    return overrides


class FailureLog:
    """Logs each failed run when it happens and lists them all at the end (exit code 1)."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def __call__(self, failure: Failure) -> None:
        self.failures.append(failure)
        typer.echo(f"failed: {self._describe(failure)}", err=True)

    def exit_if_any(self) -> None:
        """After the results are written: list the failed runs and exit 1, if there were any."""
        if not self.failures:
            return
        typer.echo(f"{len(self.failures)} run(s) failed; the others were written:", err=True)
        for failure in self.failures:
            typer.echo(f"  {self._describe(failure)}", err=True)
        raise typer.Exit(1)

    @staticmethod
    def _describe(failure: Failure) -> str:
        where = f" at point {failure.point}" if failure.point is not None else ""
        return f"{failure.scenario} replication {failure.replication}{where}: {failure.error}"


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(BAD_INPUT)


@contextmanager
def _bad_input_exits() -> Iterator[None]:
    """Turn configuration and output errors into a message and exit code 2."""
    from klarsim.config import ScenarioError  # noqa: PLC0415
    from klarsim.results.writer import OutputError  # noqa: PLC0415

    try:
        yield
    except ScenarioError as error:
        _fail("error: invalid scenario\n" + "\n".join(f"  {p}" for p in error.problems))
    except OutputError as error:
        _fail(f"error: {error}")


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
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", total=total)
        yield lambda done, _: bar.update(task, completed=done)


# --- Experiments: thin wrappers over klarsim.run, compare and sweep. ---------------------------


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    reps: Annotated[
        int | None, typer.Option(min=1, help="Replications (default: experiment.replications).")
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(help="KPI=HALF_WIDTH: add replications until the 95% CI is that narrow."),
    ] = None,
    max_reps: Annotated[int, typer.Option(min=2, help="Most replications with --precision.")] = 100,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed (default: experiment.seed).")
    ] = None,
    days: Annotated[
        float | None, typer.Option(help="Horizon in days (default: experiment.horizon_days).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/SCENARIO-NAME).")
    ] = None,
    set_: SetOption = None,
    contacts: Annotated[bool, typer.Option("--contacts", help=f"Write {files.CONTACTS}.")] = False,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a scenario's replications and write its results folder."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.experiments.run import Precision  # noqa: PLC0415
    from klarsim.experiments.run import run as run_experiment  # noqa: PLC0415

    flags = JobFlags(workers, scheduler, force, resume, quiet)
    failures = FailureLog()
    with _bad_input_exits():
        resolved = load_scenario(scenario, _overrides(set_, days))
        target = Precision.parse(precision, max_reps) if precision is not None else None
        folder = out if out is not None else Path("results") / resolved.name
        count = reps if reps is not None else resolved.experiment.replications
        with flags.options(folder, count, failures) as (executor, output):
            result = run_experiment(
                resolved,
                reps=count,
                seed=seed,
                precision=target,
                record_contacts=contacts,
                executor=executor,
                out=output,
            )
    _print_kpis(result)
    typer.echo(f"Results written to {folder}")
    failures.exit_if_any()


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files (two or more).")],
    reps: Annotated[
        int | None, typer.Option(min=1, help="Replications (default: the first scenario's).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed shared by all scenarios.")] = None,
    days: Annotated[float | None, typer.Option(help="Horizon in days for every scenario.")] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Scenario name to compare against (default: the first).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/comparison).")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Compare scenarios under common random numbers, with paired confidence intervals."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.experiments.compare import compare as run_comparison  # noqa: PLC0415

    flags = JobFlags(workers, scheduler, force, resume, quiet)
    folder = out if out is not None else Path("results") / "comparison"
    failures = FailureLog()
    with _bad_input_exits():
        resolved = [load_scenario(path, _overrides(set_, days)) for path in scenarios]
        count = reps if reps is not None else resolved[0].experiment.replications
        with flags.options(folder, count * len(resolved), failures) as (executor, output):
            result = run_comparison(
                resolved,
                reps=count,
                seed=seed,
                baseline=baseline,
                executor=executor,
                out=output,
            )
    _print_comparison(result, folder)
    typer.echo(f"Results written to {folder}")
    failures.exit_if_any()


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    grid: Annotated[
        list[str] | None,
        typer.Option(help="KEY=V1,V2,... or KEY=LOW:HIGH:N; several make a full factorial."),
    ] = None,
    design: Annotated[
        str, typer.Option(help="'grid' (from --grid) or 'lhs' (from --range and --samples).")
    ] = "grid",
    samples: Annotated[int | None, typer.Option(help="Latin hypercube points.")] = None,
    range_: Annotated[
        list[str] | None, typer.Option("--range", help="KEY=LOW:HIGH, a dimension of the LHS.")
    ] = None,
    reps: Annotated[int | None, typer.Option(min=1, help="Replications per point.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed shared by all points.")] = None,
    days: Annotated[float | None, typer.Option(help="Horizon in days.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/sweep).")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run a scenario at every point of a grid or a Latin hypercube."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.experiments.sweep import design_points  # noqa: PLC0415
    from klarsim.experiments.sweep import sweep as run_sweep  # noqa: PLC0415

    if design not in {"grid", "lhs"}:
        _fail(f"error: --design: expected 'grid' or 'lhs', got {design!r}")
    flags = JobFlags(workers, scheduler, force, resume, quiet)
    folder = out if out is not None else Path("results") / "sweep"
    failures = FailureLog()
    with _bad_input_exits():
        base = load_scenario(scenario, _overrides(set_, days))
        run_seed = base.experiment.seed if seed is None else seed
        points = design_points(
            design="lhs" if design == "lhs" else "grid",
            grid=grid or [],
            ranges=range_ or [],
            samples=samples,
            seed=run_seed,
        )
        count = reps if reps is not None else base.experiment.replications
        with flags.options(folder, count * len(points), failures) as (executor, output):
            run_sweep(base, points=points, reps=count, seed=seed, executor=executor, out=output)
    typer.echo(f"{len(points)} points x {count} replications written to {folder}")
    failures.exit_if_any()


@app.command()
def staff(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    target: Annotated[
        list[str] | None,
        typer.Option(
            help="KPI=VALUE to hold in every interval: service_level, abandonment_rate, "
            "asa_min (repeat: all must hold)."
        ),
    ] = None,
    pool: Annotated[
        list[str] | None,
        typer.Option(help="Employee pool to plan (repeat; default: every employee pool)."),
    ] = None,
    reps: Annotated[int | None, typer.Option(min=1, help="Replications per iteration.")] = None,
    days: Annotated[
        float, typer.Option(max=366, help="Days measured per planning run (at least 7).")
    ] = 14.0,
    max_iterations: Annotated[int, typer.Option(max=50, help="Most iterations.")] = 8,
    by: Annotated[
        str, typer.Option(help="'week': one weekly plan; 'month': a plan for every month.")
    ] = "week",
    seed: Annotated[int | None, typer.Option(min=0, help="Seed shared by all runs.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/staff-SCENARIO-NAME).")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Plan the agents each employee pool needs to meet the targets in every interval
    (``--by month``: under each month's conditions, beside the scenario's own headcount)."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.planning.capacity import capacity  # noqa: PLC0415
    from klarsim.planning.staff import PlanOptions  # noqa: PLC0415
    from klarsim.planning.staff import staff as plan_staff  # noqa: PLC0415
    from klarsim.planning.targets import parse_targets  # noqa: PLC0415

    if by not in {"week", "month"}:
        _fail(f"error: --by: expected 'week' or 'month', got {by!r}")
    flags = JobFlags(workers, scheduler, force, resume, quiet)
    failures = FailureLog()
    with _bad_input_exits():
        targets = parse_targets(target or [])
        resolved = load_scenario(scenario, _overrides(set_, None))
        folder = out if out is not None else Path("results") / f"staff-{resolved.name}"
        options = PlanOptions(targets, tuple(pool or ()), days, max_iterations)
        steps = len(_months(resolved)) if by == "month" else max_iterations
        with flags.options(folder, steps, failures) as (executor, output):
            plan = capacity if by == "month" else plan_staff
            result = plan(resolved, options, reps=reps, seed=seed, executor=executor, out=output)
    _print_plan(result)
    _write_plots(folder)
    failures.exit_if_any()


def _months(scenario: Scenario) -> tuple[object, ...]:
    from klarsim.planning.capacity import months  # noqa: PLC0415

    return months(scenario)


def _print_plan(result: StaffResult | CapacityResult) -> None:
    """A weekly plan's summary per pool, or the capacity plan month by month."""
    from klarsim.planning.staff import StaffResult  # noqa: PLC0415

    if isinstance(result, StaffResult):
        _print_staffing(result)
        typer.echo(f"\nThe planned scenario, ready to run: {files.SCENARIO} in the folder")
        return
    from klarsim.metrics.text import capacity_view  # noqa: PLC0415

    for line in capacity_view(result.capacity, width=_width()):
        typer.echo(line)
    if not result.converged:
        unsettled = sorted(set(result.capacity.loc[~result.capacity["converged"], "month"]))
        typer.echo(f"warning: the plans of {', '.join(map(str, unsettled))} did not converge")


def _print_staffing(result: StaffResult) -> None:
    """Per planned pool: peak agents, paid hours, FTE, cost, the worst interval's service."""
    from klarsim.metrics.text import staffing_view  # noqa: PLC0415

    state = "converged" if result.converged else "did NOT converge (raise --max-iterations)"
    iterations = int(result.iterations["iteration"].max())
    typer.echo(f"Staffing plan: {state} after {iterations} iteration(s)")
    for line in staffing_view(result.pools, width=_width()):
        typer.echo(line)


def _write_plots(folder: Path) -> None:
    from klarsim.plots.folder import write_plots  # noqa: PLC0415

    for path in write_plots(folder, formats=("png",)):
        typer.echo(f"wrote {path}")
    typer.echo(f"Plan written to {folder}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("klarsim-demo"),
    reps: Annotated[
        int | None, typer.Option(min=1, help="Replications (default: the scenarios').")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run the Klarna case end to end: compare the four scenarios, plot, write the report."""
    from klarsim.cases.klarna.demo import klarna_scenarios, run_demo  # noqa: PLC0415
    from klarsim.config import load_scenario  # noqa: PLC0415

    flags = JobFlags(workers, scheduler, force, resume, quiet)
    failures = FailureLog()
    with _bad_input_exits():
        paths = klarna_scenarios()
        count = reps if reps is not None else load_scenario(paths[0]).experiment.replications
        with flags.options(out, count * len(paths), failures) as (executor, output):
            result = run_demo(reps=reps, overrides=list(set_ or []), executor=executor, out=output)
    _print_comparison(result.comparison, out)
    typer.echo(f"{len(result.plots)} plot files in {out / files.PLOTS}")
    typer.echo(f"Report: {result.report}")
    failures.exit_if_any()


# --- Scenario files and analytic figures. ------------------------------------------------------


@app.command()
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
    set_: SetOption = None,
) -> None:
    """Check scenario files; exit 0 if all are valid, 2 with every problem otherwise."""
    from klarsim.config import ScenarioError, load_scenario  # noqa: PLC0415

    failed = False
    for path in scenarios:
        try:
            scenario = load_scenario(path, set_)
        except ScenarioError as error:
            failed = True
            typer.echo("\n".join(str(problem) for problem in error.problems), err=True)
            continue
        intents, pools = len(scenario.demand.intents), len(scenario.pools)
        typer.echo(f"ok: {path} ({scenario.name}: {intents} intents, {pools} pools)")
    if failed:
        raise typer.Exit(BAD_INPUT)


@app.command()
def erlang(
    rate_per_min: Annotated[float, typer.Option(help="Arrivals per minute.")],
    aht_min: Annotated[float, typer.Option(help="Mean handle time, minutes.")],
    agents: Annotated[
        int | None, typer.Option(help="Agents (omit with --target-sl to find the smallest).")
    ] = None,
    patience_min: Annotated[
        float | None, typer.Option(help="Mean patience, minutes (Erlang A); omit for Erlang C.")
    ] = None,
    target_s: Annotated[float, typer.Option(help="Service-level target, seconds.")] = 20.0,
    target_sl: Annotated[
        float | None, typer.Option(help="Find the fewest agents reaching this service level.")
    ] = None,
) -> None:
    """Analytic Erlang C (no patience) or Erlang A figures, or a staffing first guess."""
    from rich.table import Table  # noqa: PLC0415

    try:
        figures = _erlang_figures(
            rate=rate_per_min,
            aht=aht_min,
            agents=agents,
            patience=patience_min,
            target_s=target_s,
            target_sl=target_sl,
        )
    except ValueError as error:
        _fail(f"error: {error}")
    model = "Erlang A (M/M/N+M)" if patience_min is not None else "Erlang C (M/M/N)"
    table = Table(title=f"{model}: {figures.agents} agents, {figures.offered_load:.2f} Erlangs")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, value in (
        ("P(wait > 0)", f"{figures.p_wait:.4f}"),
        ("P(abandon)", f"{figures.p_abandon:.4f}"),
        ("ASA of answered, s", f"{figures.asa_min * 60:.2f}"),
        ("mean wait of all, s", f"{figures.wait_mean_min * 60:.2f}"),
        (f"service level ({target_s:g} s)", f"{figures.service_level:.4f}"),
        ("occupancy", f"{figures.occupancy:.4f}"),
    ):
        table.add_row(label, value)
    console.print(table)


def _erlang_figures(
    *,
    rate: float,
    aht: float,
    agents: int | None,
    patience: float | None,
    target_s: float,
    target_sl: float | None,
) -> analytic.QueueFigures:
    from klarsim.metrics import analytic  # noqa: PLC0415

    if target_sl is not None:
        return analytic.agents_for_service_level(
            rate_per_min=rate,
            aht_min=aht,
            target_service_level=target_sl,
            target_s=target_s,
            patience_min=patience,
        )
    if agents is None:
        raise ValueError("give --agents N, or --target-sl to find the fewest agents")
    return analytic.queue_figures(
        rate_per_min=rate, aht_min=aht, agents=agents, patience_min=patience, target_s=target_s
    )


# --- Terminal views: whole names and numbers in any width; the files have every column. --------


def _width() -> int:
    """The terminal's columns (80 when not a terminal, or as COLUMNS says)."""
    import shutil  # noqa: PLC0415

    return shutil.get_terminal_size((80, 24)).columns


def _print_kpis(result: RunResult) -> None:
    from klarsim.metrics.text import kpi_view  # noqa: PLC0415

    kpis = result.kpis
    replications = int(kpis["replications"].max()) if not kpis.empty else 0
    title = f"{result.scenario.name}: {replications} replications, 95% CI"
    for line in kpi_view(kpis, title, width=_width()):
        typer.echo(line)


def _print_comparison(result: ComparisonResult, folder: Path) -> None:
    """The headline KPIs per scenario with their intervals; the full table is in the folder."""
    from klarsim.metrics.text import comparison_view  # noqa: PLC0415

    for line in comparison_view(result.comparison, result.baseline, width=_width()):
        typer.echo(line)
    typer.echo(f"\nFull table, every KPI: {folder / files.COMPARISON}")


# --- Plots and report: read a results folder (run, compare or sweep), never simulate. ---------
# matplotlib is imported only by these two commands, so the others start as fast as before.

ResultsDirArgument = Annotated[
    Path,
    typer.Argument(
        metavar="RESULTS_DIR", help="A results folder written by klarsim run, compare or sweep."
    ),
]


@contextmanager
def _folder_errors_exit() -> Iterator[None]:
    """A missing or unrecognised results folder: a message and exit code 2, no traceback."""
    from klarsim.results.reader import FolderError  # noqa: PLC0415

    try:
        yield
    except FolderError as error:
        _fail(f"error: {error}")


@app.command()
def plot(results_dir: ResultsDirArgument) -> None:
    """Draw every plot that fits a results folder into RESULTS_DIR/plots, as PNG and SVG."""
    from klarsim.plots.folder import write_plots  # noqa: PLC0415

    with _folder_errors_exit():
        paths = write_plots(results_dir)
    for path in paths:
        console.print(str(path), highlight=False)
    console.print(
        f"{len(paths)} plot files written to {results_dir / files.PLOTS}", highlight=False
    )


@app.command()
def report(results_dir: ResultsDirArgument) -> None:
    """Write RESULTS_DIR/report.html: KPI tables, plots, assumptions; opens offline."""
    from klarsim.report import write_report  # noqa: PLC0415

    with _folder_errors_exit():
        path = write_report(results_dir)
    console.print(f"Report written to {path}", highlight=False)
