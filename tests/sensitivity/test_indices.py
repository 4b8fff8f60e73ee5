"""Morris and Sobol indices through klarsim's path (design, rounding, SALib) on known answers."""

from __future__ import annotations

import numpy as np
import pytest

from klarsim.config.horizon import ScenarioWarning
from klarsim.sensitivity.indices import Settings, analyse, design
from klarsim.sensitivity.ranges import Range

pytestmark = pytest.mark.unit

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
"""Analytic indices of the Ishigami function for a = 7, b = 0.1 (Saltelli et al. 2008)."""


def ishigami(points: np.ndarray) -> dict[str, np.ndarray]:
    x1, x2, x3 = points.T
    value = np.sin(x1) + ISHIGAMI_A * np.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * np.sin(x1)
    return {"ishigami": value}


def around_pi() -> list[Range]:
    return [Range(f"x{index}", -np.pi, np.pi, 0.0) for index in (1, 2, 3)]


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_ones() -> None:
    settings = Settings("sobol", samples=2048, seed=1, resamples=200)
    table = analyse(around_pi(), settings, ishigami)
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    assert table["S1"].to_numpy() == pytest.approx(ISHIGAMI_S1, abs=0.03)
    assert table["ST"].to_numpy() == pytest.approx(ISHIGAMI_ST, abs=0.03)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.1).all()


def test_morris_screening_of_a_linear_function_gives_its_slopes_times_the_widths() -> None:
    """y = 2 a - 5 b + 0 c: each elementary effect is the slope times the range's width
    (SALib's effects are per unit of the scaled range), so mu* = |slope| x width, sigma = 0."""
    ranges = [Range("a", 0.0, 1.0, 0.5), Range("b", 10.0, 12.0, 11.0), Range("c", 0.0, 5.0, 1.0)]

    def linear(points: np.ndarray) -> dict[str, np.ndarray]:
        return {"y": 2 * points[:, 0] - 5 * points[:, 1] + 0 * points[:, 2]}

    table = analyse(ranges, Settings("morris", samples=20, seed=3, resamples=100), linear)
    assert table["mu_star"].to_numpy() == pytest.approx([2.0, 10.0, 0.0], abs=1e-9)
    assert table["mu"].to_numpy() == pytest.approx([2.0, -10.0, 0.0], abs=1e-9)
    assert table["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_morris_ranks_the_ishigami_inputs_as_the_literature_does() -> None:
    table = analyse(around_pi(), Settings("morris", samples=100, seed=1, resamples=100), ishigami)
    ranked = list(table.sort_values("mu_star", ascending=False)["parameter"])
    assert ranked[-1] == "x3"  # x3 acts only through its interaction with x1


def test_the_design_is_seeded_and_integer_keys_are_rounded() -> None:
    ranges = [Range("pools.staff.headcount", 40.0, 60.0, 48.0, integer=True), Range("p", 0, 1, 0.5)]
    first = design(ranges, Settings("sobol", samples=8, seed=5))
    again = design(ranges, Settings("sobol", samples=8, seed=5))
    assert np.array_equal(first, again)
    assert first.shape == (8 * (2 + 2), 2)
    assert np.array_equal(first[:, 0], np.round(first[:, 0]))
    assert first[:, 0].min() >= 40 and first[:, 0].max() <= 60
    assert not np.array_equal(first[:, 1], np.round(first[:, 1]))


def test_a_kpi_missing_at_some_point_gives_nan_indices_not_an_error() -> None:
    def with_gap(points: np.ndarray) -> dict[str, np.ndarray]:
        values = points[:, 0].copy()
        values[3] = np.nan
        return {"y": values}

    table = analyse(around_pi(), Settings("morris", samples=4, seed=1, resamples=10), with_gap)
    assert table["mu_star"].isna().all()


def test_a_sobol_sample_size_not_a_power_of_two_is_warned_about() -> None:
    with pytest.warns(ScenarioWarning, match="not a power of two: .* 4 would be"):
        design(around_pi(), Settings("sobol", samples=3, seed=1))
