"""The planner's analytic layer (``klarsim.planning.queueing``) against exact queueing tables.

Stationary staffing must equal the exact minimum: Tijms' published Erlang C figures, and the
fewest agents found by scanning ``klarsim.metrics.analytic.queue_figures`` one count at a time
(Erlang C's closed form; Erlang A's birth-death chain with a matrix exponential for the
service level). The KPI functions must give the same figures for a given staffing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from klarsim.metrics import analytic
from klarsim.planning.queueing import (
    Service,
    achieved,
    erlang_staffing,
    least_agents,
    stationary,
)
from klarsim.planning.targets import KPIS, Target

pytestmark = pytest.mark.unit

SECONDS_PER_MINUTE = 60.0
SCAN_LIMIT = 2_000
FIGURE = {"service_level": "service_level", "abandonment_rate": "p_abandon", "asa_min": "asa_min"}


def scanned_minimum(
    *,
    rate_per_min: float,
    aht_min: float,
    patience_min: float | None,
    target: Target,
    target_s: float,
    start: int = 1,
) -> int:
    """The fewest agents meeting ``target`` in ``analytic.queue_figures``, scanning up one
    count at a time: Erlang C from the first stable count, Erlang A from ``start`` (each of
    its figures solves a matrix exponential, so a scan from one agent is slow), which must
    then fall short: the figures are monotone in the agents, so the count found is the least.
    """
    load = rate_per_min * aht_min
    first = math.floor(load) + 1 if patience_min is None else max(start, 1)
    agents = first
    while agents <= SCAN_LIMIT:
        figures = analytic.queue_figures(
            rate_per_min=rate_per_min,
            aht_min=aht_min,
            agents=agents,
            patience_min=patience_min,
            target_s=target_s,
        )
        if target.met(getattr(figures, FIGURE[target.kpi])):
            assert patience_min is None or agents == 1 or agents > first, "start lower"
            return agents
        agents += 1
    raise AssertionError(f"no staffing up to {SCAN_LIMIT} agents meets {target}")


def service_of(aht_min: float, patience_min: float | None) -> Service:
    return Service(
        rate_per_min=1.0 / aht_min,
        abandon_per_min=0.0 if patience_min is None else 1.0 / patience_min,
    )


@pytest.mark.parametrize(("p_wait", "agents"), [(0.5, 106), (0.2, 111), (0.1, 115)])
def test_tijms_erlang_c_table(p_wait: float, agents: int) -> None:
    """Offered load 100 Erlangs: 106, 111 and 115 agents keep P(wait) at most 0.5, 0.2 and 0.1
    (Tijms, A First Course in Stochastic Models). P(wait) <= p is a service level of 1 - p
    answered within a zero threshold."""
    targets = (Target("service_level", 1.0 - p_wait),)
    assert erlang_staffing(100.0, Service(rate_per_min=1.0), targets, target_min=0.0) == agents


ERLANG_C_CASES = [
    # rate per minute, handle time (min), target, threshold (s)
    (9.0, 5.0, Target("service_level", 0.8), 20.0),  # the validation file: 45 Erlangs
    (0.5, 5.0, Target("service_level", 0.8), 20.0),  # 2.5 Erlangs: a tiny group
    (4.0, 3.0, Target("service_level", 0.9), 30.0),
    (50.0, 4.0, Target("service_level", 0.8), 20.0),  # 200 Erlangs
    (20.0, 1.0, Target("service_level", 0.95), 10.0),
    (9.0, 5.0, Target("asa_min", 0.5), 20.0),
    (50.0, 4.0, Target("asa_min", 0.1), 20.0),
]


@pytest.mark.parametrize(("rate", "aht", "target", "target_s"), ERLANG_C_CASES)
def test_erlang_c_staffing_is_the_exact_minimum(
    rate: float, aht: float, target: Target, target_s: float
) -> None:
    expected = scanned_minimum(
        rate_per_min=rate, aht_min=aht, patience_min=None, target=target, target_s=target_s
    )
    planned = erlang_staffing(
        rate * aht, service_of(aht, None), (target,), target_s / SECONDS_PER_MINUTE
    )
    assert planned == expected


ERLANG_A_CASES = [
    # rate per minute, handle time (min), patience (min), target, threshold (s)
    (9.0, 5.0, 3.0, Target("abandonment_rate", 0.05), 20.0),  # the validation file
    (9.0, 5.0, 3.0, Target("abandonment_rate", 0.01), 20.0),
    (30.0, 1.0, 1.0, Target("abandonment_rate", 0.02), 20.0),
    (2.0, 4.0, 1.0, Target("abandonment_rate", 0.1), 20.0),
    (9.0, 5.0, 3.0, Target("asa_min", 0.25), 20.0),
    (30.0, 1.0, 1.0, Target("asa_min", 0.05), 20.0),
]


@pytest.mark.parametrize(("rate", "aht", "patience", "target", "target_s"), ERLANG_A_CASES)
def test_erlang_a_staffing_is_the_exact_minimum(
    rate: float, aht: float, patience: float, target: Target, target_s: float
) -> None:
    planned = erlang_staffing(
        rate * aht, service_of(aht, patience), (target,), target_s / SECONDS_PER_MINUTE
    )
    expected = scanned_minimum(
        rate_per_min=rate,
        aht_min=aht,
        patience_min=patience,
        target=target,
        target_s=target_s,
        start=planned - 3,
    )
    assert planned == expected


def test_several_targets_take_the_most_demanding() -> None:
    rate, aht, patience = 9.0, 5.0, 3.0
    targets = (Target("service_level", 0.8), Target("abandonment_rate", 0.01))
    each = [
        erlang_staffing(rate * aht, service_of(aht, patience), (target,), 20 / 60)
        for target in targets
    ]
    assert erlang_staffing(rate * aht, service_of(aht, patience), targets, 20 / 60) == max(each)


def test_concurrent_slots_need_a_whole_number_of_agents() -> None:
    """Three chats per agent: the fewest agents whose slots reach the fewest slots needed."""
    rate, aht, target = 9.0, 5.0, Target("service_level", 0.8)
    slots = scanned_minimum(
        rate_per_min=rate, aht_min=aht, patience_min=None, target=target, target_s=20.0
    )
    service = Service(rate_per_min=1.0 / aht, slots_per_agent=3)
    assert erlang_staffing(rate * aht, service, (target,), 20 / 60) == math.ceil(slots / 3)


def test_no_load_needs_nobody() -> None:
    assert erlang_staffing(0.0, Service(1.0), (Target("service_level", 0.8),), 1 / 3) == 0


def test_a_tiny_load_needs_one_agent() -> None:
    assert erlang_staffing(1e-3, Service(1.0), (Target("service_level", 0.8),), 1 / 3) == 1


@pytest.mark.parametrize("agents", [46, 48, 50, 55])
def test_erlang_c_kpis_equal_the_exact_figures(agents: int) -> None:
    rate, aht, target_s = 9.0, 5.0, 20.0
    service = service_of(aht, None)
    law = stationary(rate * aht, agents, service)
    assert law is not None
    got = achieved(law, agents, service, target_s / SECONDS_PER_MINUTE)
    exact = analytic.erlang_c(rate_per_min=rate, aht_min=aht, agents=agents, target_s=target_s)
    assert got.service_level == pytest.approx(exact.service_level, abs=1e-6)
    assert got.abandonment_rate == pytest.approx(0.0, abs=1e-12)
    assert got.asa_min == pytest.approx(exact.asa_min, abs=1e-6)
    # P(wait) from the zero threshold, as in Tijms' table.
    no_wait = achieved(law, agents, service, 0.0)
    assert 1.0 - no_wait.service_level == pytest.approx(exact.p_wait, abs=1e-6)


@pytest.mark.parametrize(
    ("rate", "aht", "patience", "agents"),
    [(9.0, 5.0, 3.0, 40), (9.0, 5.0, 3.0, 45), (9.0, 5.0, 3.0, 50), (48.0, 1.0, 2.0, 50)],
)
def test_erlang_a_kpis_equal_the_exact_figures(
    rate: float, aht: float, patience: float, agents: int
) -> None:
    """Abandonment and ASA are exact. The service level's wait is a sum of exponential stages
    of different rates, matched by a gamma of the same mean and variance: within 1e-4 of the
    exact value (about 3e-5 at 40 agents and 45 Erlangs, the worst case here)."""
    service = service_of(aht, patience)
    law = stationary(rate * aht, agents, service)
    assert law is not None
    got = achieved(law, agents, service, 20.0 / SECONDS_PER_MINUTE)
    exact = analytic.erlang_a(
        rate_per_min=rate, aht_min=aht, agents=agents, patience_min=patience, target_s=20.0
    )
    assert got.abandonment_rate == pytest.approx(exact.p_abandon, abs=1e-6)
    assert got.asa_min == pytest.approx(exact.asa_min, abs=1e-6)
    assert got.service_level == pytest.approx(exact.service_level, abs=1e-4)


def test_stationary_law_sums_to_one_and_needs_stability() -> None:
    law = stationary(45.0, 48, Service(0.2))
    assert law is not None
    assert law.sum() == pytest.approx(1.0)
    assert stationary(48.0, 48, Service(0.2)) is None  # Erlang C at full load: waits grow
    overloaded = stationary(60.0, 48, Service(0.2, abandon_per_min=1 / 3))
    assert overloaded is not None  # Erlang A is stable at any load
    assert overloaded.sum() == pytest.approx(1.0)


def test_no_agents_serve_nobody() -> None:
    law = np.array([1.0])
    patient = achieved(law, 0, Service(1.0), 1 / 3)
    assert (patient.service_level, patient.abandonment_rate, patient.asa_min) == (0, 0, math.inf)
    impatient = achieved(law, 0, Service(1.0, abandon_per_min=0.5), 1 / 3)
    assert (impatient.service_level, impatient.abandonment_rate) == (0.0, 1.0)
    assert math.isnan(impatient.asa_min)


def test_nobody_waits_when_arrivals_always_find_a_free_agent() -> None:
    law = np.array([0.5, 0.3, 0.2, 0.0])
    got = achieved(law, 3, Service(1.0), 1 / 3)
    assert (got.service_level, got.abandonment_rate, got.asa_min) == (1.0, 0.0, 0.0)


def test_a_target_is_met_when_nobody_is_offered() -> None:
    for kpi in KPIS:
        assert Target(kpi, 0.5).met(math.nan)


class Counted:
    """A monotone test ``agents >= threshold`` that remembers what it was asked."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.asked: list[int] = []

    def __call__(self, agents: int) -> bool:
        self.asked.append(agents)
        return agents >= self.threshold


@pytest.mark.parametrize("threshold", [0, 1, 2, 3, 63, 64, 65, 1000, 99_999, 100_000])
def test_least_agents_finds_the_threshold(threshold: int) -> None:
    meets = Counted(threshold)
    assert least_agents(meets) == threshold
    assert len(meets.asked) <= 2 * math.ceil(math.log2(max(threshold, 2))) + 2


def test_least_agents_never_goes_below_start() -> None:
    assert least_agents(Counted(3), start=10) == 10
    assert least_agents(Counted(30), start=10) == 30
    assert least_agents(Counted(10), start=10) == 10


def test_least_agents_stops_at_the_limit() -> None:
    assert least_agents(Counted(50), limit=50) == 50
    with pytest.raises(ValueError, match="no staffing up to 50 agents"):
        least_agents(Counted(51), limit=50)
    never: Callable[[int], bool] = lambda agents: False  # noqa: E731
    with pytest.raises(ValueError, match="100000"):
        least_agents(never)
