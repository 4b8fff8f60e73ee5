"""The ``sensitivity`` and ``robustness`` commands: rank assumptions, test a verdict under them."""

from pathlib import Path
from typing import Annotated

import typer

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
    app,
)
from klarsim.limits import MAX_POINTS, MAX_REPLICATIONS, MAX_SEED

RangeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--range",
        help="KEY=LOW:HIGH: adds an assumption, or a new range for one the scenario lists.",
    ),
]
KpiOption = Annotated[
    list[str], typer.Option("--kpi", help="A KPI column to analyse (repeatable).")
]
RepsOption = Annotated[
    int | None, typer.Option(min=1, max=MAX_REPLICATIONS, help="Replications per point.")
]
SeedOption = Annotated[
    int | None,
    typer.Option(min=0, max=MAX_SEED, help="Seed shared by all points (and the design's)."),
]
DaysOption = Annotated[float | None, typer.Option(help="Horizon in days.")]


@app.command(
    epilog="Example: klarsim sensitivity scenarios/examples/human_only.yaml"
    " --range pools.employees.headcount=40:60 --range customers.churn.threshold=0.4:0.6"
    " --kpi abandonment_rate --samples 4 --days 7 --reps 2"
)
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    kpi: KpiOption,
    range_: RangeOption = None,
    method: Annotated[
        str, typer.Option(help="'morris' (screening) or 'sobol' (variance shares).")
    ] = "morris",
    samples: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_POINTS,
            help="Morris trajectories (D+1 points each) or Sobol base samples (D+2 points each).",
        ),
    ] = 10,
    reps: RepsOption = None,
    seed: SeedOption = None,
    days: DaysOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/sensitivity).")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """Rank assumptions by their effect on KPIs: Morris screening or Sobol indices (SALib)."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.sensitivity.analysis import sensitivity as analyse  # noqa: PLC0415
    from klarsim.sensitivity.indices import METHODS, Method, Settings  # noqa: PLC0415
    from klarsim.sensitivity.ranges import collect_ranges  # noqa: PLC0415

    if method not in METHODS:
        _fail(f"error: --method: expected 'morris' or 'sobol', got {method!r}")
    flags = JobFlags(workers, scheduler, force, resume, quiet)
    folder = out if out is not None else Path("results") / "sensitivity"
    failures = FailureLog()
    with _bad_input_exits():
        base = load_scenario(scenario, _overrides(set_, days))
        count = reps if reps is not None else base.experiment.replications
        parameters = len(collect_ranges([base], range_ or []))
        chosen: Method = "sobol" if method == "sobol" else "morris"
        points = Settings(chosen, samples).run_points(parameters)
        with flags.options(folder, count * points, failures) as (executor, output):
            result = analyse(
                base,
                kpis=kpi,
                ranges=range_ or [],
                method=chosen,
                samples=samples,
                reps=count,
                seed=seed,
                executor=executor,
                out=output,
            )
    if result.sweep.runs.empty:
        failures.exit_all_failed(folder)
    _write_plots(folder, "sensitivity")
    _print_ranking(result.indices)
    typer.echo(f"{points} points x {count} replications written to {folder}")
    failures.exit_if_any()


@app.command(
    epilog="Example: klarsim robustness scenarios/examples/human_only.yaml"
    " scenarios/examples/hybrid.yaml --range customers.churn.threshold=0.4:0.6"
    " --kpi csat_mean --kpi cost_total --samples 8 --days 7 --reps 2"
)
def robustness(
    baseline: Annotated[Path, typer.Argument(help="The baseline plan's scenario YAML file.")],
    alternative: Annotated[Path, typer.Argument(help="The alternative plan's scenario YAML file.")],
    kpi: KpiOption,
    range_: RangeOption = None,
    samples: Annotated[
        int, typer.Option(min=1, max=MAX_POINTS // 2, help="Latin hypercube samples.")
    ] = 20,
    reps: RepsOption = None,
    seed: SeedOption = None,
    days: DaysOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/robustness).")
    ] = None,
    set_: SetOption = None,
    workers: WorkersOption = ALL_CORES,
    scheduler: SchedulerOption = None,
    force: ForceOption = False,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
) -> None:
    """How likely the alternative beats the baseline when the assumptions are uncertain."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.sensitivity.robustness import robustness as check  # noqa: PLC0415

    flags = JobFlags(workers, scheduler, force, resume, quiet)
    folder = out if out is not None else Path("results") / "robustness"
    failures = FailureLog()
    with _bad_input_exits():
        plans = [load_scenario(path, _overrides(set_, days)) for path in (baseline, alternative)]
        count = reps if reps is not None else plans[0].experiment.replications
        with flags.options(folder, 2 * samples * count, failures) as (executor, output):
            result = check(
                plans[0],
                plans[1],
                kpis=kpi,
                ranges=range_ or [],
                samples=samples,
                reps=count,
                seed=seed,
                executor=executor,
                out=output,
            )
    if result.sweep.runs.empty:
        failures.exit_all_failed(folder)
    _write_plots(folder, "robustness")
    for row in result.summary.itertuples(index=False):
        typer.echo(
            f"{row.kpi} ({row.better} is better): P(alternative better) = "
            f"{row.probability_alternative_better:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}], "
            f"median difference {row.median_difference:.4g}; {_hinge(str(row.top_assumption))}"
        )
    typer.echo(f"{samples} samples x 2 plans x {count} replications written to {folder}")
    failures.exit_if_any()


def _hinge(assumption: str) -> str:
    """Which assumption the verdict hinges on, or that the difference did not vary with any."""
    if assumption in {"", "nan"}:
        return "no assumption moved the difference"
    return f"hinges most on {assumption}"


def _print_ranking(indices: object) -> None:
    """Each KPI's assumptions, most influential first."""
    import pandas as pd  # noqa: PLC0415

    assert isinstance(indices, pd.DataFrame)
    score = "mu_star" if "mu_star" in indices.columns else "ST"
    for kpi, group in indices.groupby("kpi", sort=False):
        typer.echo(f"{kpi} ({score}, most influential first):")
        for row in group.sort_values(score, ascending=False).itertuples(index=False):
            typer.echo(f"  {row.parameter}: {getattr(row, score):.4g}")


def _write_plots(folder: Path, kind: str) -> None:
    """The command's plots into FOLDER/plots (PNG and SVG)."""
    from klarsim.plots.robustness import write_robustness_plots  # noqa: PLC0415
    from klarsim.plots.sensitivity import write_sensitivity_plots  # noqa: PLC0415

    if kind == "sensitivity":
        write_sensitivity_plots(folder)
    else:
        write_robustness_plots(folder)
