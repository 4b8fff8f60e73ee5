"""Sweep throughput: a 24-point grid with 5 replications at 1 and 2 local workers.

Prints runs per second for each and the parallel speed-up (target: at least 1.8x on 2 cores).
Each run is a short Erlang A replication (about half a second), so process start-up and
pickling do not dominate.

    python benchmarks/sweep.py [--reps 5] [--days 1.5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import klarsim
from klarsim.designs import grid_points

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "validation" / "erlang_a.yaml"
GRID = ["pools.staff.headcount=46:57:12", "customers.patience_min.chat.mean=2,4"]


def runs_per_second(workers: int, reps: int, days: float) -> tuple[int, float]:
    """Runs done and runs per second for the whole sweep on ``workers`` processes."""
    overrides = {"experiment.horizon_days": days, "experiment.warmup_days": 0.25}
    points = grid_points(GRID)
    start = time.perf_counter()
    result = klarsim.sweep(SCENARIO, points=points, reps=reps, overrides=overrides, workers=workers)
    seconds = time.perf_counter() - start
    return len(result.runs), len(result.runs) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--days", type=float, default=1.5)
    arguments = parser.parse_args()
    runs, serial = runs_per_second(1, arguments.reps, arguments.days)
    _, parallel = runs_per_second(2, arguments.reps, arguments.days)
    print(f"Sweep of {runs} runs (24 points x {arguments.reps} replications)")
    print(f"  1 worker : {serial:6.2f} runs/s")
    print(f"  2 workers: {parallel:6.2f} runs/s")
    speed_up = parallel / serial
    verdict = "met" if speed_up >= 1.8 else "MISSED"
    print(f"  speed-up : {speed_up:.2f}x  (target >= 1.8x: {verdict})")


if __name__ == "__main__":
    main()
