"""Planning: ``klarsim staff``, a weekly staffing plan or a capacity plan month by month."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from klarsim.limits import MAX_REPLICATIONS, MAX_SEED
from klarsim.results import files

if TYPE_CHECKING:
    from klarsim.config import Scenario
    from klarsim.planning.capacity import CapacityResult
    from klarsim.planning.staff import StaffResult
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


@app.command(
    epilog="Example: klarsim staff scenarios/examples/human_only.yaml --target service_level=0.8"
)
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
    reps: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_REPLICATIONS, help="Replications per iteration."),
    ] = None,
    days: Annotated[
        float, typer.Option(max=366, help="Days measured per planning run (at least 7).")
    ] = 14.0,
    max_iterations: Annotated[int, typer.Option(max=50, help="Most iterations.")] = 8,
    by: Annotated[
        str, typer.Option(help="'week': one weekly plan; 'month': a plan for every month.")
    ] = "week",
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEED, help="Seed shared by all runs.")
    ] = None,
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
    """Plan the agents each employee pool needs to meet the targets in every interval.

    With --by month, plan every month under its conditions, beside the scenario's headcount.
    """
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


def _months(scenario: "Scenario") -> tuple[object, ...]:
    from klarsim.planning.conditions import months  # noqa: PLC0415

    return months(scenario)


def _print_plan(result: "StaffResult | CapacityResult") -> None:
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


def _print_staffing(result: "StaffResult") -> None:
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
