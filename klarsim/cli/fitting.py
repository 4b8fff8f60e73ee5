"""The ``fit`` and ``backtest`` commands: a scenario from a centre's export, checked against it."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from klarsim.cli.common import (
    ALL_CORES,
    ForceOption,
    WorkersOption,
    _bad_input_exits,
    _fail,
    app,
)
from klarsim.limits import MAX_REPLICATIONS, MAX_SEED

if TYPE_CHECKING:
    from klarsim.fitting.backtest import BacktestResult
    from klarsim.fitting.fit import FitResult

CHANNELS = ("chat", "voice", "email")
MOST_RESAMPLES = 5000
HEADLINE = (
    "demand.contacts_per_day",
    "demand.growth_per_year",
    "demand.day_to_day_cv",
    "customers.patience_min",
    "handle_time_min.mean",
)

ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        help="CANONICAL=HEADER: the export's header for a canonical column (repeatable): "
        "interval_start, offered, answered, abandoned, aht_s, asa_s, agents.",
    ),
]
QueueOption = Annotated[
    str | None,
    typer.Option(help="Header of a queue column: one intent per queue."),
]


@contextmanager
def _export_errors() -> Iterator[None]:
    """An ``ExportError`` (bad CSV input) is bad input: one line on stderr, exit code 2."""
    from klarsim.fitting.export import ExportError  # noqa: PLC0415

    try:
        yield
    except ExportError as error:
        _fail(f"error: {error}")


@app.command(epilog="Example: klarsim fit examples/data/example_export.csv --out results/fitted")
def fit(
    export: Annotated[Path, typer.Argument(help="Interval export (CSV, one row per interval).")],
    out: Annotated[Path, typer.Option(help="Folder to write (must not exist, or --force).")],
    column: ColumnOption = None,
    channel: Annotated[
        str, typer.Option(help="The export's channel: chat, voice or email.")
    ] = "voice",
    queue_column: QueueOption = None,
    interval_min: Annotated[
        int | None,
        typer.Option(min=1, max=60, help="Interval length in minutes (default: inferred)."),
    ] = None,
    resamples: Annotated[
        int, typer.Option(min=20, max=MOST_RESAMPLES, help="Bootstrap resamples of days.")
    ] = 200,
    seed: Annotated[int, typer.Option(min=0, max=MAX_SEED, help="Bootstrap seed.")] = 0,
    force: ForceOption = False,
) -> None:
    """Fit a scenario to a contact centre's interval export: scenario.yaml, fit.csv, plots."""
    from klarsim.fitting.export import parse_columns  # noqa: PLC0415
    from klarsim.fitting.fit import FIT_FILE, FitOptions, write_fit  # noqa: PLC0415
    from klarsim.fitting.fit import fit as fit_export  # noqa: PLC0415
    from klarsim.fitting.output import staged_folder  # noqa: PLC0415

    if channel not in CHANNELS:
        _fail(f"error: --channel: expected one of {', '.join(CHANNELS)}, got {channel!r}")
    options = FitOptions(channel=channel, resamples=resamples, seed=seed)
    with _bad_input_exits(), _export_errors():
        mapping = parse_columns(column or [])
        result = fit_export(
            export,
            columns=mapping,
            queue_column=queue_column,
            interval_min=interval_min,
            options=options,
        )
        with staged_folder(out, force=force, marker=FIT_FILE) as folder:
            write_fit(folder, result)
            _fit_plots(folder, result)
    _print_fit(result)
    typer.echo(f"Scenario and fit written to {out}")


def _fit_plots(folder: Path, result: "FitResult") -> None:
    from klarsim.plots.fitting import daily_figure, profiles_figure, save  # noqa: PLC0415

    plots = folder / "plots"
    plots.mkdir()
    save(profiles_figure(result.profiles), plots, "fit_profiles")
    save(daily_figure(result.daily), plots, "fit_daily")


def _print_fit(result: "FitResult") -> None:
    """The headline estimates with their intervals, then the notes as warnings."""
    for row in result.table.to_dict("records"):
        name = str(row["parameter"])
        if any(key in name for key in HEADLINE):
            typer.echo(
                f"  {name:<48} {row['estimate']:>10.4g}  "
                f"[{row['ci_low']:.4g}, {row['ci_high']:.4g}]"
            )
    for note in result.notes:
        typer.echo(f"warning: {note}", err=True)


@app.command(
    epilog="Example: klarsim backtest results/fitted/scenario.yaml"
    " examples/data/example_export.csv --reps 5 --out results/backtest"
)
def backtest(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    export: Annotated[Path, typer.Argument(help="Interval export (CSV) to check it against.")],
    out: Annotated[Path, typer.Option(help="Folder to write (must not exist, or --force).")],
    column: ColumnOption = None,
    queue_column: QueueOption = None,
    reps: Annotated[
        int, typer.Option(min=2, max=MAX_REPLICATIONS, help="Replications (2 or more).")
    ] = 5,
    seed: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEED, help="Seed (default: experiment.seed).")
    ] = None,
    workers: WorkersOption = ALL_CORES,
    force: ForceOption = False,
) -> None:
    """Simulate a scenario over an export's calendar; write per-interval bands and errors."""
    from klarsim.config import load_scenario  # noqa: PLC0415
    from klarsim.experiments.executors import ExecutorOptions  # noqa: PLC0415
    from klarsim.fitting.backtest import BACKTEST_FILE, write_backtest  # noqa: PLC0415
    from klarsim.fitting.backtest import backtest as run_backtest  # noqa: PLC0415
    from klarsim.fitting.export import parse_columns, read_export  # noqa: PLC0415
    from klarsim.fitting.output import staged_folder  # noqa: PLC0415

    with _bad_input_exits(), _export_errors():
        resolved = load_scenario(scenario)
        data = read_export(export, parse_columns(column or []), queue_column)
        result = run_backtest(
            resolved, data, reps=reps, seed=seed, executor=ExecutorOptions(workers)
        )
        with staged_folder(out, force=force, marker=BACKTEST_FILE) as folder:
            write_backtest(folder, result)
            _backtest_plot(folder, result)
    _print_backtest(result)
    typer.echo(f"Backtest written to {out}")


def _backtest_plot(folder: Path, result: "BacktestResult") -> None:
    from klarsim.plots.fitting import backtest_figure, save  # noqa: PLC0415

    plots = folder / "plots"
    plots.mkdir()
    save(backtest_figure(result.intervals), plots, "backtest")


def _print_backtest(result: "BacktestResult") -> None:
    for row in result.summary.to_dict("records"):
        typer.echo(f"  {row['measure']:<30} {row['value']:.4g}")
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)


__all__ = ["app", "backtest", "fit"]
