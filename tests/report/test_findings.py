"""The findings' wording rules: intervals spanning zero, both signs, shares and money, rounding."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from klarsim.plots.comparison import COMPARISON_KPIS
from klarsim.report.findings import (
    NO_DIFFERENCE,
    comparison_findings,
    decimals_for,
    difference_finding,
    level_finding,
    number_text,
    run_findings,
    sweep_findings,
)
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit


def test_rounding_keeps_one_significant_figure_of_the_half_width() -> None:
    assert decimals_for(0.225) == 1
    assert decimals_for(0.0099) == 3
    assert decimals_for(1215.0) == -3
    assert decimals_for(0.0) is None and decimals_for(math.nan) is None
    assert number_text(3.14159, 1) == "3.1"
    assert number_text(202359.8, -3) == "202,000"
    assert number_text(-0.04, 1) == "0.0"  # no "-0.0"


def test_an_interval_spanning_zero_gives_no_number_for_the_difference() -> None:
    finding = difference_finding("csat_mean", "hybrid", "human-only", (0.0046, -0.0199, 0.0292))
    assert not finding.detectable
    assert finding.text == (
        "CSAT: hybrid against human-only: no detectable difference at these settings "
        "(paired 95% CI -0.02 to +0.03)."
    )
    assert "0.0046" not in finding.text and "0.005" not in finding.text
    assert NO_DIFFERENCE in finding.text


def test_a_share_lower_than_the_baseline_is_in_percentage_points() -> None:
    finding = difference_finding(
        "service_level", "hybrid", "human-only", (-0.096, -0.1289, -0.0631)
    )
    assert finding.detectable
    assert finding.text == (
        "Service level: hybrid 10 percentage points lower than human-only "
        "(paired 95% CI 6 to 13 percentage points lower)."
    )
    assert (
        finding.headline == "Service level 10 percentage points lower in hybrid than in human-only"
    )


def test_a_higher_amount_keeps_its_currency_and_the_digits_its_interval_allows() -> None:
    finding = difference_finding("cost_per_contact", "ai-first", "human-only", (1.2345, 1.01, 1.46))
    assert finding.text == (
        "Cost per contact: ai-first $1.2 higher than human-only "
        "(paired 95% CI $1.0 to $1.5 higher)."
    )


def test_money_at_full_scale_is_named_without_the_suffix_and_rounded_to_thousands() -> None:
    finding = difference_finding(
        "cost_total_full_scale", "hybrid", "human-only", (-202359.8, -203574.9, -201144.8)
    )
    assert finding.text == (
        "Total cost incl. revenue lost: hybrid $202,000 lower than human-only "
        "(paired 95% CI $201,000 to $204,000 lower)."
    )
    millions = difference_finding(
        "cost_total", "b", "a", (-4_234_567.0, -4_300_000.0, -4_170_000.0)
    )
    assert "$4.23 million lower" in millions.text


def test_a_difference_without_interval_claims_nothing() -> None:
    finding = difference_finding("service_level", "b", "a", (0.05, math.nan, math.nan))
    assert not finding.detectable and "one replication" in finding.text
    assert "5" not in finding.text


def test_a_level_is_a_percentage_with_its_interval_clipped_to_possible_values() -> None:
    finding = level_finding("service_level", "hybrid", 0.9905, 0.975, 1.006)
    assert finding.text == "Service level: 99% in hybrid (95% CI 98% to 100%)."


def _comparison(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "kpi": kpi,
                "scenario": scenario,
                "mean": 1.0,
                "ci_low": 0.9,
                "ci_high": 1.1,
                "difference": difference,
                "difference_ci_low": low,
                "difference_ci_high": high,
                "replications": 3,
            }
            for kpi, scenario, difference, low, high in rows
        ]
    )


def test_comparison_findings_put_the_detectable_first_and_prefer_full_scale_money() -> None:
    table = _comparison(
        [
            ("csat_mean", "base", 0.0, 0.0, 0.0),
            ("csat_mean", "new", 0.001, -0.01, 0.012),
            ("service_level", "base", 0.0, 0.0, 0.0),
            ("service_level", "new", 0.05, 0.03, 0.07),
            ("cost_total", "new", -100.0, -120.0, -80.0),
            ("cost_total_full_scale", "new", -1000.0, -1200.0, -800.0),
            ("p_wait", "new", 0.05, 0.03, 0.07),
        ]
    )
    found = comparison_findings(table, "base")
    assert [finding.kpi for finding in found] == [
        "service_level",
        "cost_total_full_scale",
        "csat_mean",
    ]
    assert found[1].text.startswith("Total cost incl. revenue lost: new $1,000 lower")
    assert not found[2].detectable


def test_comparison_findings_of_the_test_folder_are_three_to_six() -> None:
    table = tables.comparison(tables.summary(), COMPARISON_KPIS)
    found = comparison_findings(table, tables.BASELINE)
    assert 3 <= len(found) <= 6
    assert all(finding.text.endswith(".") for finding in found)


def test_run_findings_give_each_scenario_its_level_per_kpi() -> None:
    found = run_findings(tables.summary())
    assert 3 <= len(found) <= 6
    assert found[0].kpi == "csat_mean"
    for scenario in tables.SCENARIOS:
        assert f"in {scenario} (95% CI" in found[0].text


def test_sweep_findings_tell_points_apart_only_when_their_intervals_do_not_overlap() -> None:
    points = pd.DataFrame(
        {
            "point": [0, 1, 2],
            "ai.share": [0.2, 0.5, 0.8],
            "service_level_mean": [0.6, 0.7, 0.8],
            "service_level_ci_low": [0.58, 0.68, 0.78],
            "service_level_ci_high": [0.62, 0.72, 0.82],
            "csat_mean_mean": [0.70, 0.71, 0.70],
            "csat_mean_ci_low": [0.65, 0.66, 0.65],
            "csat_mean_ci_high": [0.75, 0.76, 0.75],
        }
    )
    found = sweep_findings(points)
    assert [finding.kpi for finding in found] == ["service_level", "csat_mean"]
    assert found[0].text == (
        "Service level moves from 60% in share=0.2 (95% CI 58% to 62%) to "
        "80% in share=0.8 (95% CI 78% to 82%)."
    )
    assert NO_DIFFERENCE in found[1].text and not found[1].detectable


def test_each_kpi_is_one_finding_for_every_scenario_and_noise_is_said_once_per_kpi() -> None:
    rows = []
    for index, scenario in enumerate(("a", "b", "c")):
        rows.append(("csat_mean", scenario, 0.001, -0.01 * (index + 1), 0.012))
        rows.append(("service_level", scenario, 0.05, 0.03, 0.07))
        rows.append(("cost_per_contact", scenario, -1.0, -1.2, -0.8))
    rows.append(("trust_mean_end", "a", 0.0, 0.0, 0.0))
    rows.append(("abandonment_rate", "a", 0.0, 0.0, 0.0))
    rows.append(("abandonment_rate", "b", 0.0, 0.0, 0.0))
    found = comparison_findings(_comparison(rows), "base")
    assert [finding.kpi for finding in found] == [
        "service_level",
        "cost_per_contact",
        "csat_mean",
        "trust_mean_end",
        "abandonment_rate",
    ]
    assert found[0].detectable and found[0].text == (
        "Service level against base: a 5 percentage points higher (paired 95% CI 3 to 7 "
        "percentage points higher); b 5 percentage points higher (paired 95% CI 3 to 7 "
        "percentage points higher); c 5 percentage points higher (paired 95% CI 3 to 7 "
        "percentage points higher)."
    )
    assert found[0].headline == "Service level 5 percentage points higher in a than in base"
    kept = [row for row in rows if row[1] != "c" and row[0] != "cost_per_contact"]
    fewer = comparison_findings(_comparison(kept), "base")
    assert [finding.kpi for finding in fewer][1:] == [
        "csat_mean",
        "trust_mean_end",
        "abandonment_rate",
    ]
    assert fewer[-1].text == (
        "Abandonment: no detectable difference at these settings between base and a or b "
        "(identical in every replication)."
    )
    assert fewer[-3].text == (
        "CSAT: no detectable difference at these settings between base and "
        "a (paired 95% CI -0.01 to +0.01) or b (paired 95% CI -0.02 to +0.01)."
    )
    assert fewer[-2].text == (
        "Customer trust: a against base: no detectable difference at these settings "
        "(identical in every replication)."
    )


def test_a_wide_interval_of_shares_stays_within_100_points_and_names_its_unit_once() -> None:
    finding = difference_finding("service_level", "b", "a", (-0.15, -1.1, 0.8))
    assert finding.text == (
        "Service level: b against a: no detectable difference at these settings "
        "(paired 95% CI -100 to +80 percentage points)."
    )
    waits = difference_finding("asa_min", "b", "a", (0.07, -0.0002, 0.1346))
    assert waits.text.endswith("(paired 95% CI 0.00 to +0.13 min).")  # no sign on zero


def test_a_kpi_with_one_detectable_scenario_names_the_others_as_noise() -> None:
    rows = [
        ("csat_mean", "leap", -0.1, -0.13, -0.08),
        ("csat_mean", "step", -0.001, -0.004, 0.002),
    ]
    [finding] = comparison_findings(_comparison(rows), "base")
    assert finding.detectable
    assert finding.text == (
        "CSAT against base: leap 0.10 lower (paired 95% CI 0.08 to 0.13 lower); step: no "
        "detectable difference at these settings (paired 95% CI -0.004 to +0.002)."
    )
