"""Experiments: thin wrappers over klarsim.run, compare, sweep and the Klarna demo."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from klarsim.limits import MAX_POINTS, MAX_REPLICATIONS, MAX_SEED
from klarsim.results import files

if TYPE_CHECKING:
    from klarsim.experiments.compare import ComparisonResult
    from klarsim.experiments.run import RunResult
from klarsim.cli.common import (
    ALL_CORES,
    FailureLog,
    ForceOption,
    JobFlags,
    QuietOption,
    ResumeOption,
    SchedulerOption,
    SetOption,
    WorkersOption,
    _bad_input_exits,
    _fail,
    _overrides,
    _width,
    app,
)
from klarsim.cli.startup import loading

# --- Experiments: thin wrappers over klarsim.run, compare and sweep. ---------------------------


@app.command(epilog="Example: klarsim run scenarios/examples/hybrid.yaml --days 30 --reps 2")
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    reps: Annotated[
        int | None,
        typer.Option(
            min=1, max=MAX_REPLICATIONS, help="Replications (default: experiment.replications)."
        ),
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(help="KPI=HALF_WIDTH: add replications until the 95% CI is that narrow."),
    ] = None,
    max_reps: Annotated[
        int,
        typer.Option(min=2, max=MAX_REPLICATIONS, help="Most replications with --precision."),
    ] = 100,
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEED, help="Seed (default: experiment.seed).")
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
    with loading():
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
    if result.tables.summary.empty:
        failures.exit_all_failed(folder)
    _print_kpis(result)
    typer.echo(f"Results written to {folder}")
    failures.exit_if_any()


@app.command(
    epilog="Example: klarsim compare scenarios/examples/human_only.yaml"
    " scenarios/examples/hybrid.yaml --reps 2"
)
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files (two or more).")],
    reps: Annotated[
        int | None,
        typer.Option(
            min=1, max=MAX_REPLICATIONS, help="Replications (default: the first scenario's)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEED, help="Seed shared by all scenarios.")
    ] = None,
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
    with loading():
        from klarsim.config import load_scenario  # noqa: PLC0415
        from klarsim.experiments.compare import compare as run_comparison  # noqa: PLC0415

    if len(scenarios) < 2:
        _fail(f"error: compare: expected two or more scenarios, got {len(scenarios)}")
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
    if result.summary.empty:
        failures.exit_all_failed(folder)
    _print_comparison(result, folder)
    typer.echo(f"Results written to {folder}")
    failures.exit_if_any()


@app.command(
    epilog="Example: klarsim sweep scenarios/examples/hybrid.yaml"
    " --grid pools.employees.headcount=30,40,50"
)
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    grid: Annotated[
        list[str] | None,
        typer.Option(help="KEY=V1,V2,... or KEY=LOW:HIGH:N; several make a full factorial."),
    ] = None,
    design: Annotated[
        str, typer.Option(help="'grid' (from --grid) or 'lhs' (from --range and --samples).")
    ] = "grid",
    samples: Annotated[
        int | None, typer.Option(min=1, max=MAX_POINTS, help="Latin hypercube points.")
    ] = None,
    range_: Annotated[
        list[str] | None, typer.Option("--range", help="KEY=LOW:HIGH, a dimension of the LHS.")
    ] = None,
    reps: Annotated[
        int | None, typer.Option(min=1, max=MAX_REPLICATIONS, help="Replications per point.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEED, help="Seed shared by all points.")
    ] = None,
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
    with loading():
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
            result = run_sweep(
                base, points=points, reps=count, seed=seed, executor=executor, out=output
            )
    if result.runs.empty:
        failures.exit_all_failed(folder)
    typer.echo(f"{len(points)} points x {count} replications written to {folder}")
    failures.exit_if_any()


@app.command(epilog="Example: klarsim demo --out klarsim-demo --reps 2")
def demo(
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("klarsim-demo"),
    reps: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_REPLICATIONS, help="Replications (default: the scenarios')."),
    ] = None,
    set_: SetOption = None,
    effects: Annotated[
        bool,
        typer.Option(
            "--effects/--no-effects",
            help="Also separate the effects of each change on the timeline: nine more "
            "scenarios in OUT/effects (about 2.3 times the demo's runs again).",
        ),
    ] = False,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run the Klarna case end to end: compare the four scenarios, plot, write the report."""
    from klarsim.cases.klarna.demo import (  # noqa: PLC0415
        EFFECT_SCENARIOS,
        klarna_scenarios,
        run_demo,
    )
    from klarsim.config import load_scenario  # noqa: PLC0415

    flags = JobFlags(workers, scheduler, force, resume, quiet)
    failures = FailureLog()
    with _bad_input_exits():
        paths = klarna_scenarios()
        count = reps if reps is not None else load_scenario(paths[0]).experiment.replications
        total = count * (len(paths) + (EFFECT_SCENARIOS if effects else 0))
        with flags.options(out, total, failures) as (executor, output):
            result = run_demo(
                reps=reps,
                overrides=list(set_ or []),
                executor=executor,
                out=output,
                effects=effects,
            )
    if result.comparison.summary.empty:
        failures.exit_all_failed(out)
    _print_comparison(result.comparison, out)
    if result.effects is not None:
        typer.echo(f"Effects of each change: {out / files.EFFECTS}")
    typer.echo(f"{len(result.plots)} plot files in {out / files.PLOTS}")
    typer.echo(f"Report: {result.report}")
    if result.slides is not None:
        typer.echo(f"Slides: {result.slides}")
    failures.exit_if_any()


def _print_kpis(result: "RunResult") -> None:
    from klarsim.metrics.text import kpi_view  # noqa: PLC0415

    kpis = result.tables.kpis
    replications = int(max(kpis["replications"])) if not kpis.empty else 0
    title = f"{result.scenario.name}: {replications} replications, 95% CI"
    for line in kpi_view(kpis, title, width=_width()):
        typer.echo(line)


def _print_comparison(result: "ComparisonResult", folder: Path) -> None:
    """The headline KPIs per scenario with their intervals; the full table is in the folder."""
    from klarsim.metrics.text import comparison_view  # noqa: PLC0415

    for line in comparison_view(result.comparison, result.baseline, width=_width()):
        typer.echo(line)
    typer.echo(f"\nFull table, every KPI: {folder / files.COMPARISON}")
