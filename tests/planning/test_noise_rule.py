"""The planner's stopping rule: moves within the measured noise settle a plan, others do not."""

from __future__ import annotations

import numpy as np
import pytest

from klarsim.planning.iterative import _settled, _standard_error

pytestmark = pytest.mark.unit

INTERVALS = 100
AGENTS = 50


def _plan(moved: int, by: int) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """A flat plan and a proposal that moves ``moved`` intervals up by ``by`` agents."""
    current = {"agents": (AGENTS,) * INTERVALS}
    proposal = {"agents": tuple(AGENTS + (by if k < moved else 0) for k in range(INTERVALS))}
    return current, proposal


def test_standard_error_is_the_spread_of_the_batches_over_their_root_count() -> None:
    by_batch = np.array([[1.0, 3.0, 7.0], [3.0, 5.0, 7.0]])
    assert _standard_error(by_batch) == pytest.approx([1.0, 1.0, 0.0])
    assert _standard_error(by_batch[:1]) == pytest.approx([0.0, 0.0, 0.0])


def test_a_few_intervals_beyond_two_standard_errors_are_noise() -> None:
    noise = {"agents": (1.0,) * INTERVALS}  # allowance: two agents
    current, proposal = _plan(moved=5, by=3)  # 5 % of the intervals beyond, 15 agent-hours
    assert _settled(current, proposal, noise)


def test_more_intervals_beyond_their_allowance_are_a_real_move() -> None:
    noise = {"agents": (1.0,) * INTERVALS}
    current, proposal = _plan(moved=6, by=3)
    assert not _settled(current, proposal, noise)


def test_moves_within_the_noise_that_add_up_beyond_it_are_a_real_move() -> None:
    """Every interval up by two (each within two standard errors of one agent): 200 agent-hours,
    beyond both 0.5 % of 5,000 and two standard errors of the sum (20)."""
    noise = {"agents": (1.0,) * INTERVALS}
    current, proposal = _plan(moved=INTERVALS, by=2)
    assert not _settled(current, proposal, noise)


def test_a_larger_measured_noise_allows_larger_moves() -> None:
    current, proposal = _plan(moved=10, by=4)
    assert not _settled(current, proposal, {"agents": (1.0,) * INTERVALS})
    assert _settled(current, proposal, {"agents": (2.5,) * INTERVALS})
