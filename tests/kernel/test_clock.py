"""The merged run loop processes arrivals and queued events in time order, as SimPy would."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
import simpy

from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment

pytestmark = pytest.mark.unit


def test_arrivals_and_events_interleave_in_time_order() -> None:
    clock = SimulationEnvironment()
    seen: list[tuple[float, str]] = []

    def ticker() -> Generator[simpy.Event, Any, None]:
        while True:
            yield clock.timeout(1.0)
            seen.append((clock.now, "tick"))

    clock.process(ticker())
    arrivals = iter([0.5, 1.0, 2.25, 2.5, 7.0])
    clock.run_merged(5.0, arrivals, float, lambda t: seen.append((clock.now, f"arrival {t}")))
    assert seen == [
        (0.5, "arrival 0.5"),
        (1.0, "arrival 1.0"),  # an arrival at the same time as a queued event comes first
        (1.0, "tick"),
        (2.0, "tick"),
        (2.25, "arrival 2.25"),
        (2.5, "arrival 2.5"),
        (3.0, "tick"),
        (4.0, "tick"),
    ]
    assert clock.now == 5.0
    assert clock.arrivals_processed == 4


def test_queued_events_run_exactly_as_simpy_runs_them() -> None:
    def model(env: simpy.Environment, log: list[tuple[float, int]]) -> None:
        resource = simpy.Resource(env, capacity=2)

        def customer(number: int) -> Generator[simpy.Event, Any, None]:
            with resource.request() as request:
                yield request
                log.append((env.now, number))
                yield env.timeout(1.5)

        for number in range(6):
            env.process(customer(number))

    plain, merged = simpy.Environment(), SimulationEnvironment()
    plain_log: list[tuple[float, int]] = []
    merged_log: list[tuple[float, int]] = []
    model(plain, plain_log)
    model(merged, merged_log)
    plain.run(until=10)
    merged.run_merged(10, iter(()), float, lambda _: None)
    assert merged_log == plain_log


def test_simpys_own_run_and_step_work_on_the_callback_queue() -> None:
    """``run``, ``step`` and ``peek`` (SimPy's API) as on a plain Environment: a run stopped at
    ``until`` resumes where it stopped, and the model's Callbacks run in the same order."""

    def model(env: simpy.Environment, log: list[tuple[float, str]]) -> None:
        def worker(name: str, pause: float) -> Generator[simpy.Event, Any, None]:
            while True:
                yield env.timeout(pause)
                log.append((env.now, name))

        env.process(worker("a", 1.0))
        env.process(worker("b", 1.5))

    plain, merged = simpy.Environment(), SimulationEnvironment()
    plain_log: list[tuple[float, str]] = []
    merged_log: list[tuple[float, str]] = []
    model(plain, plain_log)
    model(merged, merged_log)
    for until in (2.0, 4.5, 7.0):
        plain.run(until=until)
        merged.run(until=until)
        assert merged.peek() == plain.peek()
    merged.step()
    plain.step()
    assert (merged.now, merged_log) == (plain.now, plain_log)
    assert SimulationEnvironment().peek() == simpy.core.Infinity


def test_a_failed_event_stops_the_run() -> None:
    clock = SimulationEnvironment()

    def broken() -> Generator[simpy.Event, Any, None]:
        yield clock.timeout(1)
        raise RuntimeError("model failure")

    clock.process(broken())
    with pytest.raises(RuntimeError, match="model failure"):
        clock.run_merged(5, iter(()), float, lambda _: None)


def _ticking(clock: SimulationEnvironment, seen: list[tuple[float, str]]) -> None:
    """A process that notes a tick every minute."""

    def ticker() -> Generator[simpy.Event, Any, None]:
        while True:
            yield clock.timeout(1.0)
            seen.append((clock.now, "tick"))

    clock.process(ticker())


@pytest.mark.parametrize("arrivals", [[0.5], [0.5, 3.0, 6.0]], ids=["run out", "run past"])
def test_the_run_ends_before_its_end_time_whether_arrivals_run_out_or_run_past_it(
    arrivals: list[float],
) -> None:
    clock = SimulationEnvironment()
    seen: list[tuple[float, str]] = []
    _ticking(clock, seen)
    clock.run_merged(3.0, iter(arrivals), float, lambda t: seen.append((clock.now, f"at {t}")))
    # the tick and the arrival due at 3.0 belong to the next run
    assert seen == [(0.5, "at 0.5"), (1.0, "tick"), (2.0, "tick")]
    assert clock.now == 3.0
    assert clock.arrivals_processed == 1


def test_a_callback_an_arrival_schedules_runs_before_the_next_arrival() -> None:
    clock = SimulationEnvironment()
    seen: list[tuple[float, str]] = []

    def arrive(time: float) -> None:
        seen.append((clock.now, "arrival"))
        Callback(clock, 0.25, lambda event: seen.append((clock.now, event.subject)), "callback")

    clock.run_merged(2.0, iter([0.5, 1.0]), float, arrive)
    assert seen == [(0.5, "arrival"), (0.75, "callback"), (1.0, "arrival"), (1.25, "callback")]
