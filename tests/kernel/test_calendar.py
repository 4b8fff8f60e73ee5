"""Calls held on the calendar run at exactly their due times, as if queued directly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klarsim.kernel.calendar import Calendar
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment

pytestmark = pytest.mark.unit


def _run(delays: list[float], *, held: bool) -> list[tuple[float, int]]:
    """Schedule one call per delay (at time 0.5) and return (time, index) as they run."""
    clock = SimulationEnvironment()
    calendar = Calendar(clock, window_min=60.0)
    ran: list[tuple[float, int]] = []

    def record(event: Callback) -> None:
        ran.append((clock.now, event.subject))

    def schedule(_event: Callback) -> None:
        for index, delay in enumerate(delays):
            if held:
                calendar.call(delay, record, index)
            else:
                Callback(clock, delay, record, index)

    Callback(clock, 0.5, schedule)
    clock.run_merged(10_000.0, iter(()), float, lambda _: None)
    return ran


@pytest.mark.property
@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 5_000.0, allow_nan=False), max_size=40))
def test_held_calls_run_at_the_times_and_in_the_order_of_direct_calls(
    delays: list[float],
) -> None:
    assert _run(delays, held=True) == _run(delays, held=False)


def test_far_calls_wait_off_the_event_queue_and_are_listed_as_pending() -> None:
    clock = SimulationEnvironment()
    calendar = Calendar(clock, window_min=60.0)

    def never(_event: Callback) -> None:
        raise AssertionError("not due within the run")

    calendar.call(10.0, never, "soon")
    calendar.call(3 * 1440.0, never, "in three days")
    queued = [event.subject for event in clock._queue]
    assert "soon" in queued
    assert "in three days" not in queued
    assert sorted(calendar.pending(never)) == ["in three days", "soon"]


def test_a_held_call_keeps_its_exact_due_time() -> None:
    clock = SimulationEnvironment()
    calendar = Calendar(clock, window_min=60.0)
    delay = float(np.nextafter(1440.0 / 7, np.inf))
    seen: list[float] = []
    Callback(clock, 0.1, lambda _event: calendar.call(delay, lambda _e: seen.append(clock.now)))
    clock.run_merged(1440.0, iter(()), float, lambda _: None)
    assert seen == [0.1 + delay]


@pytest.mark.parametrize("start, window", [(5.0, 60.0), (0.0, 0.5), (0.0, 0.0)])
def test_a_calendar_refuses_windows_whose_ends_would_not_be_exact(
    start: float, window: float
) -> None:
    clock = SimulationEnvironment(initial_time=start)
    with pytest.raises(ValueError, match="whole minutes"):
        Calendar(clock, window_min=window)
