"""Arrays handed from one replication to the next: kept only inside a job, never changing
a number."""

from __future__ import annotations

import json

import numpy as np
import pytest

from klarsim import simulate
from klarsim.config import load_scenario
from klarsim.config.customers import Customers
from klarsim.kernel.reuse import give_back, reusing_arrays, take
from klarsim.model.demand.customers import TRUST_KIND, CustomerBase
from klarsim.sim.collection import rare_collections
from tests.support import EXAMPLES

pytestmark = pytest.mark.unit


def test_nothing_is_kept_outside_a_job() -> None:
    give_back("test kind", 3, (np.zeros(3),))
    assert take("test kind", 3) is None


def test_arrays_given_back_are_taken_once_and_only_at_their_size() -> None:
    arrays = (np.zeros(3), np.ones(3))
    with reusing_arrays():
        give_back("test kind", 3, arrays)
        assert take("test kind", 4) is None  # another size: dropped, not handed out
        give_back("test kind", 3, arrays)
        taken = take("test kind", 3)
        assert taken is not None
        assert all(mine is theirs for mine, theirs in zip(taken, arrays, strict=True))
        assert take("test kind", 3) is None


def test_the_outermost_scope_drops_what_it_kept() -> None:
    with reusing_arrays():
        with reusing_arrays():
            give_back("test kind", 3, (np.zeros(3),))
        assert take("test kind", 3) is not None  # the inner scope kept it for the job
        give_back("test kind", 3, (np.zeros(3),))
    with reusing_arrays():
        assert take("test kind", 3) is None


def _customers(seed: int) -> CustomerBase:
    spec = Customers.model_validate(
        {
            "population": 300,
            "trust": {"initial": 0.3, "baseline": 0.8, "half_life_days": 3},
            "churn": {"threshold": 0.5, "max_per_year": 200},
        }
    )
    return CustomerBase(spec, 300, np.random.default_rng(seed))


def _churn_days(customers: CustomerBase, days: int) -> list[int]:
    """A few days of contacts and churn; every customer picked, in order."""
    generator = np.random.default_rng(5)
    picked = []
    for day in range(1, days + 1):
        for now in np.sort(generator.uniform((day - 1) * 1440, day * 1440, 40)):
            customer = customers.pick(float(generator.random()))
            picked.append(customer)
            customers.update(customer, 0.0, float(now))
        customers.daily_update(day * 1440.0, 1440.0)
    return picked


def test_a_customer_base_on_reused_arrays_behaves_as_a_new_one() -> None:
    fresh = _customers(4)
    fresh_picks = _churn_days(fresh, 5)
    assert fresh.churned_count > 0  # the order arrays were made and changed
    with reusing_arrays():
        used = _customers(9)
        _churn_days(used, 3)
        used.release()
        reused = _customers(4)
        assert reused.scaled is used.scaled
        assert reused.active is None  # nobody has churned yet: everyone, in order
        reused_picks = _churn_days(reused, 5)
        assert reused.active is used.active
    assert reused_picks == fresh_picks
    np.testing.assert_array_equal(reused.scaled, fresh.scaled)
    np.testing.assert_array_equal(reused.active_customers(), fresh.active_customers())
    assert reused.mean_trust(5 * 1440.0) == fresh.mean_trust(5 * 1440.0)


def test_a_customer_base_gives_its_arrays_back_once() -> None:
    with reusing_arrays():
        customers = _customers(4)
        customers.release()
        kept = take(TRUST_KIND, 300)
        assert kept is not None
        assert kept[0] is customers.scaled
        customers.release()  # a second release must not hand the array out again
        assert take(TRUST_KIND, 300) is None


@pytest.mark.parametrize("days", [1.0, 3.0])
def test_replications_in_a_job_match_replications_on_their_own(days: float) -> None:
    scenario = load_scenario(
        EXAMPLES / "hybrid.yaml",
        {
            "experiment.horizon_days": days,
            "experiment.warmup_days": 0,
            "customers.population": 20_000,
            "customers.churn.max_per_year": 300.0,
        },
    )
    alone = [simulate(scenario, replication).summary for replication in range(3)]
    with rare_collections(), reusing_arrays():
        in_a_job = [simulate(scenario, replication).summary for replication in range(3)]
    assert json.dumps(in_a_job) == json.dumps(alone)  # NaN as NaN, every digit
    assert all(summary["churned"] > 0 for summary in alone) == (days > 1)
