"""Sensitivity and robustness plots and report sections from hand-made tables (no simulation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klarsim.plots.measures import MissingDataError
from klarsim.plots.robustness import robustness_figures, write_robustness_plots
from klarsim.plots.sensitivity import sensitivity_figures, tornado
from klarsim.report.sensitivity import sensitivity_sections
from klarsim.sensitivity.names import ROBUSTNESS, ROBUSTNESS_SUMMARY, SAMPLES, SENSITIVITY

pytestmark = pytest.mark.unit

KEYS = ("pools.staff.headcount", "customers.churn.threshold")


def write_sensitivity(folder: Path, method: str) -> None:
    if method == "morris":
        values = {"mu_star": [0.3, 0.01], "mu_star_conf": [0.05, 0.01], "sigma": [0.1, 0.0]}
        values["mu"] = [-0.3, 0.0]
    else:
        values = {
            "S1": [0.8, 0.05],
            "S1_conf": [0.1, 0.05],
            "ST": [0.9, 0.1],
            "ST_conf": [0.1, 0.05],
        }
    indices = pd.DataFrame({"kpi": "abandonment_rate", "parameter": list(KEYS), **values})
    indices.to_csv(folder / SENSITIVITY, index=False)
    samples = pd.DataFrame(
        {
            "point": range(5),
            "role": ["base", "low", "high", "low", "high"],
            "parameter": ["", KEYS[0], KEYS[0], KEYS[1], KEYS[1]],
            "abandonment_rate": [0.1, 0.4, 0.02, 0.1, 0.1],
        }
    )
    samples.to_csv(folder / SAMPLES, index=False)


def write_robustness(folder: Path) -> None:
    values = np.linspace(0, 1, 20)
    samples = pd.DataFrame({"sample": range(20), KEYS[1]: values})
    samples["cost_total_difference"] = values - 0.3
    samples.to_csv(folder / ROBUSTNESS, index=False)
    summary = pd.DataFrame(
        [
            {
                "kpi": "cost_total",
                "better": "lower",
                "probability_alternative_better": 0.3,
                "ci_low": 0.15,
                "ci_high": 0.5,
                "median_difference": 0.2,
                "difference_p05": -0.25,
                "difference_p95": 0.65,
                "samples": 20,
                "top_assumption": KEYS[1],
                "partial_rank_correlation": 1.0,
                "flip_value": 0.3,
            }
        ]
    )
    summary.to_csv(folder / ROBUSTNESS_SUMMARY, index=False)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("morris", {"sensitivity_morris", "sensitivity_tornado"}),
        ("sobol", {"sensitivity_sobol", "sensitivity_tornado"}),
    ],
)
def test_each_method_draws_its_chart_and_the_tornado(
    tmp_path: Path, method: str, expected: set[str]
) -> None:
    write_sensitivity(tmp_path, method)
    assert set(sensitivity_figures(tmp_path)) == expected


def test_the_tornado_puts_the_widest_swing_on_top() -> None:
    samples = pd.DataFrame(
        {
            "role": ["base", "low", "high", "low", "high"],
            "parameter": ["", "narrow", "narrow", "wide", "wide"],
            "y": [1.0, 0.9, 1.1, 0.0, 3.0],
        }
    )
    axes = tornado(samples, ["y"]).axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == ["narrow", "wide"]  # barh draws upwards: the last label is on top
    with pytest.raises(MissingDataError):
        tornado(samples[samples["role"] != "base"], ["y"])


def test_robustness_plots_and_the_report_sections(tmp_path: Path) -> None:
    write_robustness(tmp_path)
    write_sensitivity(tmp_path, "morris")
    assert set(robustness_figures(tmp_path)) == {"robustness_histogram", "robustness_driver"}
    written = write_robustness_plots(tmp_path)
    assert {path.name for path in written} >= {"robustness_driver.png", "robustness_driver.svg"}
    sections = sensitivity_sections(tmp_path)
    assert [anchor for anchor, _, _ in sections] == ["sensitivity", "robustness"]
    text = " ".join(str(part) for _, _, parts in sections for part in parts)
    assert "abandonment_rate: most influential pools.staff.headcount (0.3)" in text
    assert "better in 30% of the draws (95% interval 15% to 50%)" in text
    assert f"hinges most on {KEYS[1]}, and flips near 0.3" in text
    assert text.count("data:image/png;base64") == 4


def test_a_folder_without_the_tables_has_no_section(tmp_path: Path) -> None:
    assert sensitivity_sections(tmp_path) == []
