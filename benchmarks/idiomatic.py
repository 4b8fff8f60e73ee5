"""The idiomatic SimPy M/M/c+M model that klarsim is measured against, as a module and a script.

A process per customer, a ``Resource`` request raced against a patience timeout and draws
from Python's ``random`` one at a time, as in SimPy's own examples. Its parameters are those
of ``scenarios/validation/erlang_a.yaml`` (a test checks they stay equal), written here so
that the script's whole process imports SimPy and nothing else, as such a model would.

    python benchmarks/idiomatic.py --days 78     # prints one JSON line: contacts, events, seconds
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass
from typing import Any

import simpy

ARRIVALS_PER_DAY = 12_960.0
"""demand.contacts_per_day of the Erlang A scenario (flat profiles: a Poisson stream)."""
HANDLE_TIME_MIN = 5.0
"""Mean of the exponential handle time (demand.intents.general.handle_time_min)."""
PATIENCE_MIN = 3.0
"""Mean of the exponential patience (customers.patience_min.chat)."""
AGENTS = 48
"""pools.staff.headcount, on duty all the time."""
MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Counts:
    """What one run of the model simulated and how long it took (wall time of ``env.run``)."""

    contacts: int
    served: int
    abandoned: int
    events: int
    seconds: float


def simulate(days: float, seed: int = 1) -> Counts:
    """Run the M/M/c+M queue for ``days`` and count its contacts and scheduled events."""
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=AGENTS)
    rng = random.Random(seed)
    counts = {"contacts": 0, "served": 0, "abandoned": 0}

    def customer() -> Generator[simpy.Event, Any, None]:
        counts["contacts"] += 1
        with staff.request() as request:
            outcome = yield request | env.timeout(rng.expovariate(1 / PATIENCE_MIN))
            if request in outcome:
                counts["served"] += 1
                yield env.timeout(rng.expovariate(1 / HANDLE_TIME_MIN))
            else:
                counts["abandoned"] += 1

    def source() -> Generator[simpy.Event, Any, None]:
        rate_per_min = ARRIVALS_PER_DAY / MINUTES_PER_DAY
        while True:
            yield env.timeout(rng.expovariate(rate_per_min))
            env.process(customer())

    env.process(source())
    start = time.perf_counter()
    env.run(until=days * MINUTES_PER_DAY)
    seconds = time.perf_counter() - start
    events = next(env._eid)  # SimPy numbers every scheduled event
    return Counts(counts["contacts"], counts["served"], counts["abandoned"], events, seconds)


def main() -> None:
    """Run the model over ``--days`` and print its counts as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    print(json.dumps(asdict(simulate(arguments.days, arguments.seed))))


if __name__ == "__main__":
    main()
