"""Sweep throughput: a 24-point grid with 5 replications at 1 and 2 local workers.

Prints runs per second for each (best of the rounds) and the parallel speed-up (target: at
least 1.8x on 2 cores), the median of the speed-ups within each round: a shared machine drifts
between rounds far more than within one, and the order of the two alternates. Each run is a
four-day Erlang A replication (about a quarter of a second), long enough that handing tasks
to the workers and collecting their results does not dominate.

    python benchmarks/sweep.py [--reps 5] [--days 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine import print_ratio  # the script's own folder: median and range of ratios

import klarsim
from klarsim.experiments.designs import grid_points

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "validation" / "erlang_a.yaml"
GRID = ["pools.staff.headcount=46:57:12", "customers.patience_min.chat.mean=2,4"]


def runs_per_second(workers: int, reps: int, days: float) -> tuple[int, float]:
    """Runs done and runs per second for the whole sweep on ``workers`` processes."""
    overrides = {"experiment.horizon_days": days, "experiment.warmup_days": 0.25}
    points = grid_points(GRID)
    start = time.perf_counter()
    on = klarsim.ExecutorOptions(workers=workers)
    result = klarsim.sweep(SCENARIO, points=points, reps=reps, overrides=overrides, executor=on)
    seconds = time.perf_counter() - start
    return len(result.runs), len(result.runs) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--days", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    rates: dict[int, list[float]] = {1: [], 2: []}
    for round_index in range(arguments.rounds):
        for workers in (1, 2) if round_index % 2 == 0 else (2, 1):
            runs, rate = runs_per_second(workers, arguments.reps, arguments.days)
            rates[workers].append(rate)
    speed_ups = [parallel / serial for serial, parallel in zip(rates[1], rates[2], strict=True)]
    print(f"Sweep of {runs} runs (24 points x {arguments.reps} replications)")
    print(f"  1 worker : {max(rates[1]):6.2f} runs/s")
    print(f"  2 workers: {max(rates[2]):6.2f} runs/s")
    print_ratio("speed-up", speed_ups, target=1.8)


if __name__ == "__main__":
    main()
