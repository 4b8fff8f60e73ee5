"""The idiomatic SimPy reference: the Erlang A scenario's parameters, and Erlang A's answer."""

from __future__ import annotations

import idiomatic
import pytest

import klarsim
from klarsim.config.schema import EmployeePool
from klarsim.metrics.analytic import erlang_a
from tests.support import ERLANG_A

pytestmark = pytest.mark.unit


def test_its_parameters_are_those_of_the_erlang_a_scenario() -> None:
    scenario = klarsim.load_scenario(ERLANG_A)
    (intent,) = scenario.demand.intents.values()
    pool = scenario.pools["staff"]
    assert isinstance(pool, EmployeePool)
    assert scenario.demand.contacts_per_day == idiomatic.ARRIVALS_PER_DAY
    assert intent.handle_time_min.mean_value == idiomatic.HANDLE_TIME_MIN
    assert scenario.customers.patience_min["chat"].mean_value == idiomatic.PATIENCE_MIN
    assert pool.headcount == idiomatic.AGENTS


@pytest.mark.validation
def test_it_abandons_as_erlang_a_predicts() -> None:
    counts = idiomatic.simulate(days=2.0, seed=1)  # about 26,000 contacts
    theory = erlang_a(
        rate_per_min=idiomatic.ARRIVALS_PER_DAY / idiomatic.MINUTES_PER_DAY,
        aht_min=idiomatic.HANDLE_TIME_MIN,
        agents=idiomatic.AGENTS,
        patience_min=idiomatic.PATIENCE_MIN,
    )
    assert counts.contacts == pytest.approx(2 * idiomatic.ARRIVALS_PER_DAY, rel=0.02)
    finished = counts.served + counts.abandoned
    assert counts.abandoned / finished == pytest.approx(theory.p_abandon, abs=0.005)
