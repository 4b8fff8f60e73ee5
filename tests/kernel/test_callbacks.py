"""A ``Callback`` takes the queue entry SimPy's ``schedule`` would give an event, and runs."""

from __future__ import annotations

import heapq

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st
from simpy.events import NORMAL

from klarsim.kernel.callbacks import SCHEDULED_PRIORITY, Callback, pending, pop
from klarsim.kernel.environment import SimulationEnvironment

pytestmark = pytest.mark.unit


def test_the_inlined_priority_is_simpys() -> None:
    assert SCHEDULED_PRIORITY == NORMAL


def test_a_callback_shares_simpys_sequence_numbers_and_runs_in_time_order() -> None:
    """Entries as ``Environment.schedule`` makes them; ties run in the order of scheduling,
    SimPy's own events included."""
    env = SimulationEnvironment()
    ran: list[tuple[float, str]] = []

    def note(event: Callback) -> None:
        ran.append((env.now, event.subject))

    later = Callback(env, 2.5, note, "later")
    timeout = simpy.Timeout(env, 1.0, "timeout")
    timeout.callbacks.append(lambda event: ran.append((env.now, event.value)))
    Callback(env, 1.0, note, "tie")
    assert (later.callback, later.subject) == (note, "later")
    expected = [(1.0, NORMAL, 1), (1.0, NORMAL, 2), (2.5, NORMAL, 0)]
    assert sorted((entry.time, entry.priority, entry.eid) for entry in env._queue) == expected
    assert sorted(pending(env, note)) == ["later", "tie"]
    env.run_merged(10.0, iter(()), float, print)
    assert ran == [(1.0, "timeout"), (1.0, "tie"), (2.5, "later")]
    assert pending(env, note) == []


def nothing(event: Callback) -> None:
    """A callback that is never run."""


@pytest.mark.property
@given(st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 20), st.integers(0, 2)))))
def test_the_queue_is_heapq_step_for_step(steps: list[tuple[int, int] | None]) -> None:
    """Pushes (a delay, a priority) and pops (None) leave the heap laid out as ``heapq``
    leaves it, and pop what it pops: ``pending`` reads the heap in its layout."""
    env = SimulationEnvironment()
    reference: list[Callback] = []
    for step in steps:
        if step is None:
            if reference:
                assert pop(env._queue) is heapq.heappop(reference)
        else:
            delay, priority = step
            heapq.heappush(reference, Callback(env, float(delay), nothing, None, priority))
        assert env._queue == reference
    assert env.scheduled == sum(step is not None for step in steps)
