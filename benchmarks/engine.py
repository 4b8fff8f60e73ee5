"""Engine speed and memory on the Erlang A validation scenario, against idiomatic SimPy.

Prints contacts and events per second for klarsim's engine and for a plain SimPy M/M/c+M model
written the idiomatic way (a process per customer, a ``Resource`` request raced against a
patience timeout), their ratio (target: at least 4x), and the peak memory of klarsim at one
and at two horizons (target: no growth with the horizon). Then the same for the hybrid
example (AI tier, recontacts, trust and churn) with a million customers, against the plain
queue (target: at least half its contacts per second).

    python benchmarks/engine.py [--contacts 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import simpy

import klarsim
from klarsim.config.schema import EmployeePool

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
HYBRID = ROOT / "scenarios" / "examples" / "hybrid.yaml"
POPULATION = 1_000_000
MINUTES_PER_DAY = 1440.0


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


def klarsim_speed(days: float, path: Path = SCENARIO) -> Speed:
    """Time one klarsim replication of a scenario over ``days`` (hybrid: a million customers)."""
    overrides: dict[str, Any] = {"experiment.horizon_days": days, "experiment.warmup_days": 0}
    if path == HYBRID:
        overrides["customers.population"] = POPULATION
    scenario = klarsim.load_scenario(path, overrides)
    start = time.perf_counter()
    result = klarsim.simulate(scenario)
    seconds = time.perf_counter() - start
    return Speed(int(result.summary["contacts"]), result.events, seconds)


def idiomatic_speed(days: float, seed: int = 1) -> Speed:
    """Time the idiomatic SimPy M/M/c+M model with the scenario's parameters over ``days``."""
    scenario = klarsim.load_scenario(SCENARIO)
    rate_per_min = scenario.demand.contacts_per_day / MINUTES_PER_DAY
    aht_min = scenario.demand.intents["general"].handle_time_min.mean_value
    patience_min = scenario.customers.patience_min["chat"].mean_value
    pool = scenario.pools["staff"]
    assert isinstance(pool, EmployeePool)
    agents = pool.headcount
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=agents)
    rng = random.Random(seed)  # SimPy's examples draw with the standard library, one at a time
    counts = {"contacts": 0, "served": 0, "abandoned": 0}
    waits: list[float] = [0.0]

    def customer() -> Generator[simpy.Event, Any, None]:
        counts["contacts"] += 1
        arrived = env.now
        with staff.request() as request:
            outcome = yield request | env.timeout(rng.expovariate(1 / patience_min))
            waits[0] += env.now - arrived
            if request in outcome:
                counts["served"] += 1
                yield env.timeout(rng.expovariate(1 / aht_min))
            else:
                counts["abandoned"] += 1

    def source() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(rate_per_min))
            env.process(customer())

    env.process(source())
    start = time.perf_counter()
    env.run(until=days * MINUTES_PER_DAY)
    seconds = time.perf_counter() - start
    return Speed(counts["contacts"], next(env._eid), seconds)


def best_of(repeats: int, measure: Callable[[], Speed]) -> Speed:
    """The fastest of ``repeats`` runs (the least disturbed by the rest of the machine)."""
    return min((measure() for _ in range(repeats)), key=lambda speed: speed.seconds)


def _peak_memory_mib(days: float, path: Path) -> float:
    klarsim_speed(days, path)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory_mib(days: float, path: Path = SCENARIO) -> float:
    """Peak resident memory of a fresh process that runs one replication over ``days``."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return float(pool.apply(_peak_memory_mib, (days, path)))


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
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    repeats, days = arguments.repeats, days_for(arguments.contacts)
    ours = best_of(repeats, lambda: klarsim_speed(days))
    reference = best_of(repeats, lambda: idiomatic_speed(days))
    print(f"Erlang A scenario, {days:g} days, best of {repeats} runs")
    report("klarsim engine", ours)
    report("idiomatic SimPy", reference)
    ratio = ours.contacts_per_second / reference.contacts_per_second
    print(f"  speed-up (contacts/s): {ratio:.2f}x  (target >= 4x: {_verdict(ratio >= 4)})")
    short, long = peak_memory_mib(days / 2), peak_memory_mib(days)
    print(f"  peak memory: {short:.0f} MiB at {days / 2:g} days, {long:.0f} MiB at {days:g} days")
    hybrid_days = float(np.ceil(days / 3))
    hybrid = best_of(repeats, lambda: klarsim_speed(hybrid_days, HYBRID))
    print(f"Hybrid example with {POPULATION:,} customers, {hybrid_days:g} days")
    report("klarsim hybrid", hybrid)
    share = hybrid.contacts_per_second / ours.contacts_per_second
    print(
        f"  per contact vs the plain queue: {share:.2f}  (target >= 0.5: {_verdict(share >= 0.5)})"
    )
    print(f"  peak memory: {peak_memory_mib(hybrid_days, HYBRID):.0f} MiB")


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
