"""Erlang A abandonment against the exact figures of klarsim.metrics.analytic, and the
patience maximum-likelihood fit on abandonment drawn from Erlang A with a known patience."""

from __future__ import annotations

import numpy as np
import pytest

from klarsim.fitting.erlang import (
    PATIENCE_GRID_MIN,
    abandonment_probability,
    best_patience,
    interval_log_likelihood,
)
from klarsim.metrics.analytic import erlang_a

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("rate", "aht", "agents", "patience"),
    [(9.0, 5.0, 48, 3.0), (2.0, 6.0, 10, 4.0), (3.0, 6.0, 10, 1.0), (0.05, 6.0, 1, 30.0)],
)
def test_abandonment_matches_the_exact_erlang_a(
    rate: float, aht: float, agents: int, patience: float
) -> None:
    exact = erlang_a(rate_per_min=rate, aht_min=aht, agents=agents, patience_min=patience)
    ours = abandonment_probability(rate, aht, agents, np.array([patience]))[0]
    assert ours == pytest.approx(exact.p_abandon, rel=1e-9)


def test_best_patience_refines_between_grid_points() -> None:
    logs = np.log(PATIENCE_GRID_MIN)
    truth = 4.2
    curve = -((logs - np.log(truth)) ** 2)  # a parabola in log patience, maximal at truth
    assert best_patience(curve) == pytest.approx(truth, rel=1e-6)


def test_patience_is_recovered_from_erlang_a_abandonment() -> None:
    generator = np.random.default_rng(5)
    truth, aht = 3.0, 5.0
    total = np.zeros(PATIENCE_GRID_MIN.size)
    for _ in range(600):
        agents = int(generator.integers(3, 9))
        rate = agents / aht * generator.uniform(0.7, 1.2)
        offered = int(generator.poisson(rate * 60))
        probability = abandonment_probability(rate, aht, agents, np.array([truth]))[0]
        abandoned = int(generator.binomial(offered, probability))
        total += interval_log_likelihood(offered, abandoned, rate, aht, float(agents))
    # 600 hour-long intervals of ~40 contacts: the estimate's standard error is about 3 %
    assert best_patience(total) == pytest.approx(truth, rel=0.08)


def test_an_interval_without_agents_or_contacts_tells_nothing() -> None:
    assert not interval_log_likelihood(0, 0, 1.0, 5.0, 4.0).any()
    assert not interval_log_likelihood(10, 2, 1.0, 5.0, 0.0).any()
