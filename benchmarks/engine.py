"""Engine speed and memory on the Erlang A validation scenario, against idiomatic SimPy.

Prints contacts and events per second for klarsim's engine and for a plain SimPy M/M/c+M model
written the idiomatic way (a process per customer, a ``Resource`` request raced against a
patience timeout), their ratio (target: at least 4x), and the peak memory of klarsim at one
and at two horizons (target: no growth with the horizon).

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

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "validation" / "erlang_a.yaml"
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


def klarsim_speed(days: float) -> Speed:
    """Time one klarsim replication of the Erlang A scenario over ``days``."""
    scenario = klarsim.load_scenario(
        SCENARIO, {"experiment.horizon_days": days, "experiment.warmup_days": 0}
    )
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
    agents = scenario.pools["staff"].headcount
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


def best_of(repeats: int, measure: Callable[[float], Speed], days: float) -> Speed:
    """The fastest of ``repeats`` runs (the least disturbed by the rest of the machine)."""
    return min((measure(days) for _ in range(repeats)), key=lambda speed: speed.seconds)


def _peak_memory_mib(days: float) -> float:
    klarsim_speed(days)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory_mib(days: float) -> float:
    """Peak resident memory of a fresh process that runs one replication over ``days``."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return float(pool.apply(_peak_memory_mib, (days,)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    days = days_for(arguments.contacts)
    ours = best_of(arguments.repeats, klarsim_speed, days)
    reference = best_of(arguments.repeats, idiomatic_speed, days)
    print(f"Erlang A scenario, {days:g} days, best of {arguments.repeats} runs")
    for label, speed in (("klarsim engine", ours), ("idiomatic SimPy", reference)):
        print(
            f"  {label:<16} {speed.contacts:>10,} contacts {speed.seconds:7.2f} s "
            f"{speed.contacts_per_second:>10,.0f} contacts/s "
            f"{speed.events_per_second:>11,.0f} events/s"
        )
    ratio = ours.contacts_per_second / reference.contacts_per_second
    verdict = "met" if ratio >= 4 else "MISSED"
    print(f"  speed-up (contacts/s): {ratio:.2f}x  (target >= 4x: {verdict})")
    short, long = peak_memory_mib(days / 2), peak_memory_mib(days)
    print(f"  peak memory: {short:.0f} MiB at {days / 2:g} days, {long:.0f} MiB at {days:g} days")


if __name__ == "__main__":
    main()
