"""Scenario files, analytic figures, plots and the report: commands that never simulate a job."""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from klarsim.results import files

if TYPE_CHECKING:
    from klarsim.metrics import analytic
from klarsim.cli.common import (
    BAD_INPUT,
    SetOption,
    _fail,
    app,
    console,
    plural,
)

MAX_AGENTS = 100_000
"""The most agents ``erlang`` computes for (its staffing search stops there too)."""

# --- Scenario files and analytic figures. ------------------------------------------------------


@app.command(epilog="Example: klarsim validate scenarios/examples/*.yaml")
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
        intents = plural(len(scenario.demand.intents), "intent")
        pools = plural(len(scenario.pools), "pool")
        typer.echo(f"ok: {path} ({scenario.name}: {intents}, {pools})")
    if failed:
        raise typer.Exit(BAD_INPUT)


@app.command(epilog="Example: klarsim erlang --rate-per-min 10 --aht-min 5 --target-sl 0.8")
def erlang(
    rate_per_min: Annotated[float, typer.Option(help="Arrivals per minute.")],
    aht_min: Annotated[float, typer.Option(help="Mean handle time, minutes.")],
    agents: Annotated[
        int | None,
        typer.Option(
            min=1, max=MAX_AGENTS, help="Agents (omit with --target-sl to find the smallest)."
        ),
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

    _check_finite(
        {
            "--rate-per-min": rate_per_min,
            "--aht-min": aht_min,
            "--target-s": target_s,
            "--patience-min": patience_min,
            "--target-sl": target_sl,
        }
    )
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
    console().print(table)


def _check_finite(given: dict[str, float | None]) -> None:
    """Refuse nan and inf (exit code 2): Erlang figures of them would be nan or hang."""
    for option, number in given.items():
        if number is not None and not math.isfinite(number):
            _fail(f"error: {option}: expected a finite number, got {number}")


def _erlang_figures(
    *,
    rate: float,
    aht: float,
    agents: int | None,
    patience: float | None,
    target_s: float,
    target_sl: float | None,
) -> "analytic.QueueFigures":
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


@app.command(epilog="Example: klarsim plot results/hybrid")
def plot(results_dir: ResultsDirArgument) -> None:
    """Draw every plot that fits a results folder into RESULTS_DIR/plots, as PNG and SVG."""
    from klarsim.plots.folder import write_plots  # noqa: PLC0415

    with _folder_errors_exit():
        paths = write_plots(results_dir)
    for path in paths:
        console().print(str(path), highlight=False)
    console().print(
        f"{len(paths)} plot files written to {results_dir / files.PLOTS}", highlight=False
    )


@app.command()
def report(
    results_dir: ResultsDirArgument,
    pptx: Annotated[
        bool, typer.Option("--pptx", help="Also write RESULTS_DIR/report.pptx, a 16:9 deck.")
    ] = False,
) -> None:
    """Write RESULTS_DIR/report.html: summary, plots, KPI tables, assumptions; opens offline."""
    from klarsim.report import write_report  # noqa: PLC0415
    from klarsim.report.slides import write_deck  # noqa: PLC0415

    with _folder_errors_exit():
        path = write_report(results_dir)
        deck = write_deck(results_dir) if pptx else None
    console().print(f"Report written to {path}", highlight=False, soft_wrap=True)
    if deck is not None:
        console().print(f"Slides written to {deck}", highlight=False, soft_wrap=True)
