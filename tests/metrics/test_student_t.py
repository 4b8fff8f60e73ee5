"""Student-t quantiles without SciPy, checked against ``scipy.stats.t``."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from klarsim.metrics.confidence import t_interval
from klarsim.metrics.student_t import central_probability, t_quantile

pytestmark = pytest.mark.unit

DEGREES = [*range(1, 60), 99, 100, 999, 1000, 9999]
PROBABILITIES = [0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995]


@pytest.mark.parametrize("degrees", DEGREES)
def test_quantiles_match_scipy(degrees: int) -> None:
    for probability in PROBABILITIES:
        expected = stats.t.ppf(probability, degrees)
        assert t_quantile(probability, degrees) == pytest.approx(expected, rel=1e-11, abs=1e-14)
        assert t_quantile(1 - probability, degrees) == pytest.approx(-expected, rel=1e-11)


def test_just_above_the_median_follows_the_density() -> None:
    """Near 0.5 the quantile is the offset over the density at 0 (SciPy returns 0 for some)."""
    for degrees in (1, 4, 6, 30):
        offset = 1e-9
        expected = offset / stats.t.pdf(0.0, degrees)
        assert t_quantile(0.5 + offset, degrees) == pytest.approx(expected, rel=1e-6)


def test_known_table_values() -> None:
    """Printed two-sided 95 % values (any statistics table)."""
    assert t_quantile(0.975, 1) == pytest.approx(12.706204736, rel=1e-9)
    assert t_quantile(0.975, 4) == pytest.approx(2.776445105, rel=1e-9)
    assert t_quantile(0.975, 30) == pytest.approx(2.042272456, rel=1e-9)
    assert t_quantile(0.5, 7) == 0.0


@pytest.mark.property
@given(
    t=st.floats(min_value=0, max_value=1e3, allow_nan=False),
    degrees=st.integers(min_value=1, max_value=400),
)
def test_central_probability_matches_scipy(t: float, degrees: int) -> None:
    expected = stats.t.cdf(t, degrees) - stats.t.cdf(-t, degrees)
    assert central_probability(t, degrees) == pytest.approx(expected, abs=1e-12)


def test_interval_uses_the_t_quantile() -> None:
    interval = t_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    half_width = stats.t.ppf(0.975, 4) * math.sqrt(2.5) / math.sqrt(5)
    assert interval.half_width == pytest.approx(half_width, rel=1e-12)


@pytest.mark.parametrize(("probability", "degrees"), [(0.0, 3), (1.0, 3), (0.9, 0)])
def test_refuses_impossible_arguments(probability: float, degrees: int) -> None:
    with pytest.raises(ValueError, match="expected"):
        t_quantile(probability, degrees)
