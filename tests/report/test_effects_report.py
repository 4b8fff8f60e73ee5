"""The report's effects and savings sections, from hand-made effects and savings tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from klarsim.report import report_html
from klarsim.report.effects import effect_sentence
from klarsim.results.reader import read_folder
from tests.plots.test_effects_plot import effects_table
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit


def _service_level_rows() -> pd.DataFrame:
    """Service level 80% -> 81% (AI launch) -> 60% (freeze) -> 55% (layoff)."""
    levels = [0.80, 0.81, 0.60, 0.55]
    changes = [
        ("AI launch", "base", "ai"),
        ("freeze", "ai", "frozen"),
        ("layoff", "frozen", "leap"),
    ]
    rows = [
        {
            "kpi": "service_level",
            "change": change,
            "kind": "step",
            "effect": levels[index + 1] - levels[index],
            "ci_low": levels[index + 1] - levels[index] - 0.01,
            "ci_high": levels[index + 1] - levels[index] + 0.01,
            "start": levels[index],
            "end": levels[index + 1],
            "from_scenario": start,
            "to_scenario": end,
            "replications": 3,
        }
        for index, (change, start, end) in enumerate(changes)
    ]
    return pd.DataFrame(rows)


def test_the_sentence_names_the_largest_effects_and_sets_the_ai_beside_them() -> None:
    sentence = effect_sentence(_service_level_rows())
    assert sentence == (
        "Service level: 80.0% in base and 55.0% in leap; largest effects: the freeze -21.0 pp "
        "(95% CI -22.0 pp to -20.0 pp); the AI launch alone +1.0 pp (95% CI +0.0 pp to "
        "+2.0 pp)."
    )


def _extra(change: str, kind: str, effect: float) -> dict[str, object]:
    return {
        "kpi": "service_level",
        "change": change,
        "kind": kind,
        "effect": effect,
        "ci_low": effect - 0.02,
        "ci_high": effect + 0.02,
        "start": 0.80,
        "end": 0.55,
        "from_scenario": "base",
        "to_scenario": "leap",
        "replications": 3,
    }


def test_the_shapley_split_gives_the_verdict_and_an_interaction_is_flagged() -> None:
    extra = [
        _extra("AI (Shapley)", "shapley", 0.05),
        _extra("staff cuts (Shapley)", "shapley", -0.30),
        _extra("interaction of the AI and the staff cuts", "interaction", 0.10),
    ]
    sentence = effect_sentence(pd.concat([_service_level_rows(), pd.DataFrame(extra)]))
    assert sentence.startswith(
        "The staff cuts, not the AI, explain most of the fall in service level to leap: "
    )
    assert "split by Shapley: AI +5.0 pp (95% CI +3.0 pp to +7.0 pp), staff cuts -30.0 pp" in (
        sentence
    )
    assert sentence.endswith(
        "The AI and the staff cuts interact by +10.0 pp (95% CI +8.0 pp to +12.0 pp): the order "
        "of the chain matters, and the Shapley split is the fairer attribution."
    )


@pytest.mark.slow
def test_the_report_shows_effects_and_savings_when_the_folder_holds_them(tmp_path: Path) -> None:
    folder = tables.write_compare_folder(tmp_path / "chain")
    plain = report_html(read_folder(folder))
    assert 'id="effects"' not in plain and 'id="savings"' not in plain
    effects_table().to_csv(folder / "effects.csv", index=False)
    savings = pd.DataFrame(
        [
            {
                "scenario": "ai-first",
                "year": 2024,
                "days": 366,
                "saving": 78e6,
                "ci_low": 70e6,
                "ci_high": 86e6,
                "replications": 3,
                "published": 40e6,
            }
        ]
    )
    savings.to_csv(folder / "savings_by_year.csv", index=False)
    html = report_html(read_folder(folder))
    assert 'id="effects"' in html and 'id="effects-table"' in html
    assert "CSAT: 0.700 in base, 0.660 in leap and 0.680 in hybrid; largest effects" in html
    assert 'id="savings-table"' in html
    assert "ai-first saves $78.0M in 2024 (95% CI $70.0M to $86.0M) against the published" in html
    assert "1.9 times the published figure" in html
    assert 'id="plot-effects"' in html
