"""Erlang C and Erlang A formulas against published figures, limits and identities."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klarsim.metrics.analytic import (
    agents_for_service_level,
    erlang_a,
    erlang_b,
    erlang_c,
    queue_figures,
    square_root_staffing,
)

pytestmark = pytest.mark.unit


def test_erlang_c_reproduces_the_calibration_check() -> None:
    # lambda = 0.2/s, AHT = 240 s, N = 55: P(wait) 0.2387, ASA 8.184 s, SL(15 s) 0.8459.
    figures = erlang_c(rate_per_min=12, aht_min=4, agents=55, target_s=15)
    assert figures.p_wait == pytest.approx(0.2387, abs=5e-5)
    assert figures.asa_min * 60 == pytest.approx(8.184, abs=5e-4)
    assert figures.service_level == pytest.approx(0.8459, abs=5e-5)
    assert figures.occupancy == pytest.approx(48 / 55)


def test_erlang_a_reproduces_mandelbaum_zeltyn() -> None:
    # 50 agents, 48 arrivals/min, AHT 1 min, patience 2 min: 3.1 % abandon, 3.7 s, 93 %.
    figures = erlang_a(rate_per_min=48, aht_min=1, agents=50, patience_min=2)
    assert figures.p_abandon == pytest.approx(0.031, abs=5e-4)
    assert figures.wait_mean_min * 60 == pytest.approx(3.7, abs=0.05)  # mean wait of all arrivals
    assert figures.occupancy == pytest.approx(0.93, abs=5e-3)


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    patient = erlang_a(rate_per_min=12, aht_min=4, agents=55, patience_min=1e7, target_s=15)
    classic = erlang_c(rate_per_min=12, aht_min=4, agents=55, target_s=15)
    assert patient.p_wait == pytest.approx(classic.p_wait, rel=1e-4)
    assert patient.asa_min == pytest.approx(classic.asa_min, rel=1e-3)
    assert patient.service_level == pytest.approx(classic.service_level, rel=1e-4)


def test_erlang_a_with_no_patience_is_erlang_b_loss() -> None:
    impatient = erlang_a(rate_per_min=9, aht_min=5, agents=40, patience_min=1e-7)
    assert impatient.p_abandon == pytest.approx(erlang_b(45, 40), rel=1e-4)


def test_more_agents_are_better() -> None:
    for patience in (None, 3.0):
        figures = [
            queue_figures(rate_per_min=9, aht_min=5, agents=n, patience_min=patience)
            for n in range(46, 56)
        ]
        for fewer, more in itertools.pairwise(figures):
            assert more.p_wait < fewer.p_wait
            assert more.asa_min < fewer.asa_min
            assert more.p_abandon <= fewer.p_abandon
            assert more.service_level > fewer.service_level


def test_service_level_grows_with_the_target() -> None:
    levels = [
        erlang_a(rate_per_min=9, aht_min=5, agents=48, patience_min=3, target_s=t).service_level
        for t in (0, 10, 20, 60, 600)
    ]
    assert levels == sorted(levels)
    assert 0 < levels[0] < levels[-1] < 1


def test_staffing_guess_is_the_fewest_agents_reaching_the_target() -> None:
    best = agents_for_service_level(rate_per_min=9, aht_min=5, target_service_level=0.8)
    assert best.service_level >= 0.8
    fewer = erlang_c(rate_per_min=9, aht_min=5, agents=best.agents - 1)
    assert fewer.service_level < 0.8
    assert square_root_staffing(100, 1.0) == 110


def test_large_centres_do_not_overflow() -> None:
    figures = erlang_a(rate_per_min=2000, aht_min=1, agents=2000, patience_min=2)
    assert 0 < figures.p_abandon < 0.05
    assert 0 < erlang_c(rate_per_min=2000, aht_min=1, agents=2100).p_wait < 0.1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"rate_per_min": 0, "aht_min": 1, "agents": 2}, "rate"),
        ({"rate_per_min": 1, "aht_min": -1, "agents": 2}, "aht"),
        ({"rate_per_min": 1, "aht_min": 1, "agents": 0}, "agents"),
        ({"rate_per_min": 10, "aht_min": 1, "agents": 5}, "unstable"),
        ({"rate_per_min": 1, "aht_min": 1, "agents": 2, "patience_min": 0}, "patience"),
    ],
)
def test_bad_arguments_are_clear(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        queue_figures(**arguments)  # type: ignore[arg-type]


@pytest.mark.property
@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.1, 30),
    aht=st.floats(0.2, 10),
    agents=st.integers(1, 60),
    patience=st.floats(0.1, 20),
)
def test_erlang_a_identities(rate: float, aht: float, agents: int, patience: float) -> None:
    figures = erlang_a(rate_per_min=rate, aht_min=aht, agents=agents, patience_min=patience)
    for probability in (
        figures.p_wait,
        figures.p_abandon,
        figures.service_level,
        figures.occupancy,
    ):
        assert -1e-12 <= probability <= 1 + 1e-9
    # Exponential patience: P(abandon) = E[wait] / mean patience; Little: Lq = lambda x W.
    assert figures.p_abandon == pytest.approx(figures.wait_mean_min / patience, rel=1e-9)
    assert figures.queue_length_mean == pytest.approx(rate * figures.wait_mean_min, rel=1e-9)
