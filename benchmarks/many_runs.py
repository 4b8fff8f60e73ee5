"""Many short runs against one long run: 200 one-day runs of the hybrid example.

Issue 21's target: 200 one-day runs reach at least 80 % of the contacts per second of the same
contacts simulated in one long run (200 days, one replication), on the same workers.

- ``short``: one ``klarsim.run`` of 200 replications of a one-day horizon without warm-up, as
  ``klarsim run hybrid.yaml --days 1 --reps 200`` does. Every replication is a task of one
  job, so the executor's per-task costs (handing out the scenario and the task, bringing the
  result back, starting worker processes) all count, and the tables of the 200 rows too.
- ``batched``: the same 200 runs asked for by a precision target that is never met, so the
  job runs them in batches of two, as ``--precision`` and the staffing planner do: a batch
  that starts its own workers pays for starting them each time.
- ``long``: one run of 200 days. On 2 workers it is still a single task, which cannot use
  the second worker, so on 2 workers the runs are also set against
- ``halves``: two runs of 100 days each, the same contacts with both workers busy.

Each timing runs in a fresh interpreter (a model runs up to a third slower on the heap an
earlier one left behind); the timings run in rounds, in an order that rotates, and a ratio is
the median of the ratios within each round (a shared machine drifts far more between rounds).
Besides contacts per wall-clock second, each timing reports contacts per CPU second (the
measuring process and its workers together), which a busy machine disturbs far less.

    python benchmarks/many_runs.py [--runs 200] [--rounds 3] [--workers 2 1]
"""

from __future__ import annotations

import argparse
import json
import resource
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
    """A way to simulate the contacts: ``replications`` runs of ``horizon`` days each,
    in batches of two when ``batched``."""

    name: str
    replications: int
    horizon: float
    batched: bool = False


@dataclass(frozen=True)
class Timing:
    """Contacts simulated, wall-clock seconds and CPU seconds (with the workers') of a run."""

    contacts: int
    seconds: float
    cpu_seconds: float


def layouts(runs: int, workers: int) -> list[Layout]:
    """The layouts to time over ``runs`` days of contacts on ``workers``."""
    chosen = [
        Layout("short", runs, 1.0),
        Layout("batched", runs, 1.0, batched=True),
        Layout("long", 1, float(runs)),
    ]
    return [*chosen, Layout("halves", 2, runs / 2)] if workers > 1 else chosen


def measure(layout: Layout, workers: int) -> Timing:
    """One ``klarsim.run`` of the layout, timed."""
    import klarsim

    overrides = {"experiment.horizon_days": layout.horizon, "experiment.warmup_days": 0}
    executor = klarsim.ExecutorOptions(workers=workers)
    never = klarsim.Precision("contacts", 1e-12, max_reps=layout.replications)
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = klarsim.run(
        HYBRID,
        reps=2 if layout.batched else layout.replications,
        overrides=overrides,
        executor=executor,
        precision=never if layout.batched else None,
    )
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    if len(result.summary) != layout.replications:
        raise RuntimeError(f"{layout.name}: {len(result.summary)} runs, not {layout.replications}")
    return Timing(int(result.summary["contacts"].sum()), seconds, cpu)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def in_fresh_process(layout: Layout, workers: int) -> Timing:
    """``measure`` in a new interpreter, which may start worker processes of its own."""
    described = [layout.name, layout.replications, layout.horizon, layout.batched, workers]
    command = [sys.executable, __file__, "--measure", json.dumps(described)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    contacts, seconds, cpu_seconds = json.loads(output.strip().splitlines()[-1])
    return Timing(int(contacts), float(seconds), float(cpu_seconds))


def rounds_of(runs: int, rounds: int, workers: int) -> dict[str, list[Timing]]:
    """Each layout's timing in each round, on ``workers``."""
    timings: dict[str, list[Timing]] = {}
    chosen = layouts(runs, workers)
    for round_index in range(rounds):
        shift = round_index % len(chosen)
        for layout in chosen[shift:] + chosen[:shift]:
            timing = in_fresh_process(layout, workers)
            timings.setdefault(layout.name, []).append(timing)
            print(
                f"    round {round_index + 1} {layout.name:7} on {workers}: {timing.contacts:,} "
                f"contacts in {timing.seconds:.1f} s ({timing.cpu_seconds:.1f} CPU s)",
                flush=True,
            )
    return timings


def report(runs: int, workers: int, timings: dict[str, list[Timing]]) -> None:
    """Contacts per second of each layout (range of the rounds) and the ratios to the target."""
    rounds = len(timings["short"])
    print(f"  on {workers} worker(s), contacts/s, range over {rounds} rounds (per CPU second):")
    for name, values in timings.items():
        wall = [timing.contacts / timing.seconds for timing in values]
        cpu = [timing.contacts / timing.cpu_seconds for timing in values]
        print(
            f"    {name:7}: {min(wall):9,.0f} - {max(wall):9,.0f}"
            f"   ({min(cpu):9,.0f} - {max(cpu):9,.0f})"
        )
    for runs_name in ("short", "batched"):
        for reference in ("long", "halves"):
            if reference in timings:
                ratios = [
                    (mine.contacts / mine.seconds) / (theirs.contacts / theirs.seconds)
                    for mine, theirs in zip(timings[runs_name], timings[reference], strict=True)
                ]
                print_ratio(f"{runs} one-day runs ({runs_name}) / {reference}", ratios)


def print_ratio(label: str, ratios: list[float]) -> None:
    """A ratio's median over the rounds, its range, and whether the median meets the target."""
    middle = statistics.median(ratios)
    verdict = "met" if middle >= TARGET else "MISSED"
    print(
        f"    {label}: {middle:.2f} median (range {min(ratios):.2f}-{max(ratios):.2f}; "
        f"target >= {TARGET:g}: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="one-day runs (= long-run days)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure is not None:
        name, replications, horizon, batched, workers = json.loads(arguments.measure)
        timing = measure(Layout(name, replications, horizon, batched), workers)
        print(json.dumps([timing.contacts, timing.seconds, timing.cpu_seconds]))
        return
    print(f"Hybrid example: {arguments.runs} one-day runs against {arguments.runs} days at once")
    for workers in arguments.workers:
        report(arguments.runs, workers, rounds_of(arguments.runs, arguments.rounds, workers))


if __name__ == "__main__":
    main()
