"""Engine speed and memory on the Erlang A validation scenario, against idiomatic SimPy.

Prints contacts and events per second for klarsim's engine and for a plain SimPy M/M/c+M model
written the idiomatic way (``idiomatic.py``: a process per customer, a ``Resource`` request
raced against a patience timeout), their ratio (target: at least 4x), and the peak memory of
klarsim at one and at two horizons (target: no growth with the horizon). Then, against the
plain queue (target: at least half its contacts per second each): the hybrid example (AI tier,
recontacts, trust and churn) with a million customers, and a two-year workforce scenario
(weekly roster, attrition and hiring, a gig pool, a timeline and two guardrails). The models
are timed in rounds, each running every model once (in an order that rotates), and every
timing runs in a fresh process, so no model inherits the heap another one left behind.
Speeds are the best of the rounds; a ratio between two models is the median of the ratios
within each round: a shared machine drifts by a fifth and more between rounds, far less
within one. The engine runs in-process here; issue 21's targets, measured on whole
``klarsim run`` processes, are ``targets.py``'s.

    python benchmarks/engine.py [--contacts 1000000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import idiomatic  # benchmarks/idiomatic.py, beside this script
import numpy as np

import klarsim

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
HYBRID = ROOT / "scenarios" / "examples" / "hybrid.yaml"
WORKFORCE = ROOT / "benchmarks" / "scenarios" / "workforce_two_years.yaml"
POPULATION = 1_000_000
Measured = TypeVar("Measured")


@dataclass(frozen=True)
class Speed:
    """Contacts and events simulated and the wall time it took."""

    contacts: int
    events: int
    seconds: float

    @property
    def contacts_per_second(self) -> float:
        return self.contacts / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


def days_for(contacts: int) -> float:
    """Horizon (whole days) that brings at least ``contacts`` arrivals to the scenario."""
    per_day = klarsim.load_scenario(SCENARIO).demand.contacts_per_day
    return float(np.ceil(contacts / per_day))


def klarsim_speed(days: float | None, path: Path = SCENARIO) -> Speed:
    """Time one klarsim replication of a scenario over ``days`` (hybrid: a million customers).

    ``days=None`` keeps the scenario's own horizon (a dated timeline cannot be cut short).
    """
    overrides: dict[str, Any] = {"experiment.warmup_days": 0}
    if days is not None:
        overrides["experiment.horizon_days"] = days
    if path == HYBRID:
        overrides["customers.population"] = POPULATION
    scenario = klarsim.load_scenario(path, overrides)
    start = time.perf_counter()
    result = klarsim.simulate(scenario)
    seconds = time.perf_counter() - start
    return Speed(int(result.summary["contacts"]), result.events, seconds)


def idiomatic_speed(days: float, seed: int = 1) -> Speed:
    """Time the idiomatic SimPy M/M/c+M model (``idiomatic.py``) over ``days``."""
    counts = idiomatic.simulate(days, seed)
    return Speed(counts.contacts, counts.events, counts.seconds)


def timed_rounds(repeats: int, measures: dict[str, Callable[[], Speed]]) -> dict[str, list[Speed]]:
    """Each model's runs over ``repeats`` rounds, each round running every model once.

    Each run gets a fresh process: timed one after another in one process, a model runs up
    to a third slower on the heap an earlier model fragmented. The order rotates from round
    to round, so no model always runs first.
    """
    names = list(measures)
    runs: dict[str, list[Speed]] = {name: [] for name in names}
    for round_index in range(repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(in_fresh_process(measures[name]))
    return runs


def fastest(speeds: list[Speed]) -> Speed:
    """The run that took least time."""
    return min(speeds, key=lambda speed: speed.seconds)


def round_ratios(speeds: list[Speed], reference: list[Speed]) -> list[float]:
    """Contacts per second of a model over the reference's, round by round."""
    return [
        speed.contacts_per_second / base.contacts_per_second
        for speed, base in zip(speeds, reference, strict=True)
    ]


def in_fresh_process(measure: Callable[[], Measured]) -> Measured:
    """Run one (picklable) measurement in a new interpreter and return what it gives."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        measured: Measured = pool.apply(measure)
        return measured


def _peak_memory_mib(days: float | None, path: Path) -> float:
    klarsim_speed(days, path)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory_mib(days: float | None, path: Path = SCENARIO) -> float:
    """Peak resident memory of a fresh process that runs one replication over ``days``."""
    return in_fresh_process(partial(_peak_memory_mib, days, path))


def report(label: str, speed: Speed) -> None:
    """One line of figures."""
    print(
        f"  {label:<16} {speed.contacts:>10,} contacts {speed.seconds:7.2f} s "
        f"{speed.contacts_per_second:>10,.0f} contacts/s "
        f"{speed.events_per_second:>11,.0f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    repeats, days = arguments.repeats, days_for(arguments.contacts)
    runs = timed_rounds(
        repeats,
        {
            "klarsim": partial(klarsim_speed, days),
            "idiomatic": partial(idiomatic_speed, days),
            "hybrid": partial(klarsim_speed, days, HYBRID),
            "workforce": partial(klarsim_speed, None, WORKFORCE),
        },
    )
    plain = runs["klarsim"]
    print(f"Erlang A scenario, {days:g} days, {repeats} rounds (speeds: best round)")
    report("klarsim engine", fastest(plain))
    report("idiomatic SimPy", fastest(runs["idiomatic"]))
    print_ratio("speed-up (contacts/s)", round_ratios(plain, runs["idiomatic"]), target=4.0)
    short, long = peak_memory_mib(days / 2), peak_memory_mib(days)
    print(f"  peak memory: {short:.0f} MiB at {days / 2:g} days, {long:.0f} MiB at {days:g} days")
    print(f"Hybrid example with {POPULATION:,} customers, {days:g} days")
    report("klarsim hybrid", fastest(runs["hybrid"]))
    print_ratio("per contact vs the plain queue", round_ratios(runs["hybrid"], plain), target=0.5)
    print(f"  peak memory: {peak_memory_mib(days, HYBRID):.0f} MiB")
    print(
        f"Workforce scenario ({WORKFORCE.name}): two years, roster, gig pool, timeline, guardrails"
    )
    report("klarsim workforce", fastest(runs["workforce"]))
    print_ratio(
        "per contact vs the plain queue", round_ratios(runs["workforce"], plain), target=0.5
    )
    print(f"  peak memory: {peak_memory_mib(None, WORKFORCE):.0f} MiB")


def print_ratio(label: str, ratios: list[float], *, target: float) -> None:
    """A ratio's median over the rounds, its range, and whether the median meets the target."""
    middle = statistics.median(ratios)
    print(
        f"  {label}: {middle:.2f}x median of {len(ratios)} rounds "
        f"(range {min(ratios):.2f}-{max(ratios):.2f}; target >= {target:g}x: "
        f"{_verdict(middle >= target)})"
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
