"""The robustness verdict against synthetic plans whose paired difference is a known function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from klarsim.sensitivity.names import better_direction, ranked_kpis
from klarsim.sensitivity.ranges import Range, from_unit
from klarsim.sensitivity.robustness import summary_table
from klarsim.sensitivity.verdict import flip_value, partial_rank_correlations, verdict

pytestmark = pytest.mark.unit

SAMPLES = 400
FLIP = 0.3


def lhs(columns: int, seed: int = 11) -> np.ndarray:
    return qmc.LatinHypercube(d=columns, seed=seed).random(SAMPLES)


def test_a_difference_linear_in_one_assumption_gives_the_known_probability_and_flip() -> None:
    """Alternative cost minus baseline cost = x0 - 0.3: the alternative is cheaper exactly when
    x0 < 0.3, which a Latin hypercube of 400 samples hits 120 times; x1 is irrelevant."""
    points = lhs(2)
    differences = points[:, 0] - FLIP
    found = verdict(differences, points, ["x0", "x1"], "lower")
    assert found.probability == pytest.approx(FLIP)
    assert found.ci_low < FLIP < found.ci_high and found.ci_high - found.ci_low < 0.1
    assert found.top_assumption == "x0"
    assert found.partial_rank_correlation == pytest.approx(1.0)
    assert found.flip_value == pytest.approx(FLIP, abs=0.005)
    assert found.median_difference == pytest.approx(0.5 - FLIP, abs=0.01)


def test_noise_and_a_higher_is_better_kpi_keep_the_answer() -> None:
    points = lhs(3, seed=4)
    noise = np.random.default_rng(2).normal(0, 0.01, SAMPLES)
    differences = 0.6 - points[:, 1] + noise  # CSAT higher for the alternative when x1 < 0.6
    found = verdict(differences, points, ["a", "b", "c"], "higher")
    assert found.probability == pytest.approx(0.6, abs=0.03)
    assert found.top_assumption == "b" and found.partial_rank_correlation < -0.95
    assert found.flip_value == pytest.approx(0.6, abs=0.02)


def test_a_verdict_that_never_flips_has_no_flip_value() -> None:
    points = lhs(1)
    found = verdict(points[:, 0] + 1.0, points, ["x"], "lower")
    assert found.probability == 0.0 and np.isnan(found.flip_value)


def test_partial_rank_correlation_removes_a_confounded_assumption() -> None:
    """y depends on x0 only; x1 is nearly x0, so its plain correlation with y is high but its
    partial one, given x0, is small."""
    rng = np.random.default_rng(0)
    x0 = rng.uniform(size=300)
    x1 = x0 + rng.normal(0, 0.05, 300)
    outcome = x0 + rng.normal(0, 0.01, 300)
    found = partial_rank_correlations(np.column_stack([x0, x1]), outcome)
    assert found[0] > 0.9 and abs(found[1]) < 0.3


def test_flip_value_interpolates_between_neighbours() -> None:
    assert flip_value(np.array([0.0, 1.0, 2.0, 3.0]), np.array([-3.0, -1.0, 1.0, 3.0])) == 1.5


def test_distributions_map_the_unit_cube_into_their_ranges() -> None:
    unit = lhs(3)
    ranges = [
        Range("u", 2.0, 4.0, 3.0),
        Range("t", 0.0, 1.0, 0.5, distribution="triangular", peak=0.2),
        Range("n", 10.0, 20.0, 15.0, distribution="normal"),
    ]
    values = from_unit(ranges, unit)
    assert values[:, 0].mean() == pytest.approx(3.0, abs=0.01)
    assert values[:, 1].mean() == pytest.approx((0.0 + 1.0 + 0.2) / 3, abs=0.01)
    assert values[:, 2].min() >= 10 and values[:, 2].max() <= 20
    assert values[:, 2].std() == pytest.approx(2.5 * 0.88, abs=0.1)  # sd of a normal cut at 2 sd


def test_the_summary_table_reads_each_kpi_in_its_direction() -> None:
    points = lhs(1)
    samples = pd.DataFrame({"k": points[:, 0]})
    samples["cost_total_difference"] = points[:, 0] - FLIP
    samples["csat_mean_difference"] = points[:, 0] - FLIP
    summary = summary_table(samples, [Range("k", 0, 1, 0.5)], ["cost_total", "csat_mean"])
    assert list(summary["better"]) == ["lower", "higher"]
    assert summary["probability_alternative_better"].to_numpy() == pytest.approx([0.3, 0.7])
    assert list(summary["top_assumption"]) == ["k", "k"]


def test_every_direction_is_defined_once() -> None:
    assert better_direction("cost_total_full_scale") == "lower"
    assert better_direction("csat_mean") == "higher"
    assert better_direction("occupancy") is None
    assert "abandonment_rate" in ranked_kpis() and "trust_mean_end" in ranked_kpis()


def test_with_fewer_samples_than_assumptions_the_rank_correlation_stands_in() -> None:
    points = qmc.LatinHypercube(d=11, seed=1).random(8)
    differences = points[:, 4] - 0.5
    found = verdict(differences, points, [f"x{index}" for index in range(11)], "lower")
    assert found.top_assumption == "x4" and found.partial_rank_correlation == pytest.approx(1.0)
