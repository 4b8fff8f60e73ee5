"""Many short runs against one long run: 200 one-day runs of the hybrid example.

Issue 21's target: 200 one-day runs reach at least 80 % of the contacts per second of the same
contacts simulated in one long run (200 days, one replication), on the same workers. The
short runs are one ``klarsim.run`` of 200 replications of a one-day horizon without warm-up,
as ``klarsim run hybrid.yaml --days 1 --reps 200`` does: every replication is a separate task
of one job, so the executor's per-task costs (handing out the scenario and the task, bringing
the result back, starting worker processes) all count, and the tables of the 200 rows too.

On 1 worker both run in this process. On 2 workers the short runs share two worker
processes; the long run is a single task, which cannot use a second worker, so it is also
shown against two runs of half the days each on the two workers (the same contacts, both
workers busy), the fairer reference for what two workers can do.

Each timing runs in a fresh interpreter (a model runs up to a third slower on the heap an
earlier one left behind); the timings run in rounds, in an order that rotates, and a ratio is
the median of the ratios within each round (a shared machine drifts far more between rounds).

    python benchmarks/many_runs.py [--runs 200] [--rounds 3] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HYBRID = ROOT / "scenarios" / "examples" / "hybrid.yaml"
TARGET = 0.8


@dataclass(frozen=True)
class Layout:
    """A way to simulate ``days`` of contacts: ``replications`` runs of ``horizon`` days."""

    name: str
    replications: int
    horizon: float


def layouts(runs: int) -> list[Layout]:
    """The short runs, the one long run and two half-long runs, all over ``runs`` days."""
    return [
        Layout("short", runs, 1.0),
        Layout("long", 1, float(runs)),
        Layout("halves", 2, runs / 2),
    ]


def measure(layout: Layout, workers: int) -> tuple[int, float]:
    """Contacts simulated and wall seconds of one ``klarsim.run`` of the layout."""
    import klarsim

    overrides = {"experiment.horizon_days": layout.horizon, "experiment.warmup_days": 0}
    executor = klarsim.ExecutorOptions(workers=workers)
    start = time.perf_counter()
    result = klarsim.run(HYBRID, reps=layout.replications, overrides=overrides, executor=executor)
    seconds = time.perf_counter() - start
    return int(result.summary["contacts"].sum()), seconds


def in_fresh_process(layout: Layout, workers: int) -> tuple[int, float]:
    """``measure`` in a new interpreter, which may start worker processes of its own."""
    command = [
        sys.executable,
        __file__,
        "--measure",
        json.dumps([layout.name, layout.replications, layout.horizon, workers]),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    contacts, seconds = json.loads(output.strip().splitlines()[-1])
    return int(contacts), float(seconds)


def rounds_of(runs: int, rounds: int, workers: int) -> dict[str, list[float]]:
    """Contacts per second of each layout in each round, on ``workers``."""
    rates: dict[str, list[float]] = {}
    chosen = layouts(runs) if workers > 1 else layouts(runs)[:2]
    for round_index in range(rounds):
        shift = round_index % len(chosen)
        for layout in chosen[shift:] + chosen[:shift]:
            contacts, seconds = in_fresh_process(layout, workers)
            rates.setdefault(layout.name, []).append(contacts / seconds)
            print(
                f"    round {round_index + 1} {layout.name:6} on {workers}: "
                f"{contacts:,} contacts in {seconds:.1f} s",
                flush=True,
            )
    return rates


def report(runs: int, workers: int, rates: dict[str, list[float]]) -> None:
    """Contacts per second of each layout (range of the rounds) and the ratios to the target."""
    print(f"  on {workers} worker(s), contacts/s (range over {len(rates['short'])} rounds):")
    for name, values in rates.items():
        print(f"    {name:6}: {min(values):9,.0f} - {max(values):9,.0f}")
    for reference in ("long", "halves"):
        if reference in rates:
            ratios = [s / r for s, r in zip(rates["short"], rates[reference], strict=True)]
            print_ratio(f"{runs} one-day runs / {reference}", ratios, target=TARGET)


def print_ratio(label: str, ratios: list[float], *, target: float) -> None:
    """A ratio's median over the rounds, its range, and whether the median meets the target."""
    middle = statistics.median(ratios)
    verdict = "met" if middle >= target else "MISSED"
    print(
        f"    {label}: {middle:.2f} median (range {min(ratios):.2f}-{max(ratios):.2f}; "
        f"target >= {target:g}: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="one-day runs (= long-run days)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure is not None:
        name, replications, horizon, workers = json.loads(arguments.measure)
        print(json.dumps(measure(Layout(name, replications, horizon), workers)))
        return
    print(f"Hybrid example: {arguments.runs} one-day runs against {arguments.runs} days at once")
    for workers in arguments.workers:
        report(arguments.runs, workers, rounds_of(arguments.runs, arguments.rounds, workers))


if __name__ == "__main__":
    main()
