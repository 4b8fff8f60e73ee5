"""Printed results fit an 80-column or non-terminal output without cutting a name or number."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.metrics.text import TERMINAL_KPIS, comparison_view, interval
from tests.support import EXAMPLES

pytestmark = pytest.mark.cli

LONG_NAMES = {
    "human_only": "human-centre-with-a-long-name-2023",
    "ai_first": "ai-first-with-a-long-name-2024",
    "hybrid": "hybrid-gig-with-a-long-name-2025",
}


def renamed_examples(folder: Path) -> list[str]:
    """The example scenarios under long names, so the view must make room for them."""
    paths = []
    for stem, name in LONG_NAMES.items():
        text = (EXAMPLES / f"{stem}.yaml").read_text(encoding="utf-8")
        short = next(line for line in text.splitlines() if line.startswith("name:"))
        path = folder / f"{stem}.yaml"
        path.write_text(text.replace(short, f"name: {name}", 1), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_compare_prints_whole_names_and_numbers_in_80_columns(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    arguments = ["compare", *renamed_examples(tmp_path), "--reps", "2", "--days", "2"]
    arguments += ["--set", "experiment.warmup_days=0.5", "--workers", "1", "--quiet"]
    result = CliRunner().invoke(app, [*arguments, "--out", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    printed = result.stdout
    assert "…" not in printed
    view, _, rest = printed.partition("Full table, every KPI:")
    assert str(out / "comparison.csv") in rest
    assert all(len(line) <= 80 for line in view.splitlines()), view
    comparison = pd.read_csv(out / "comparison.csv")
    baseline = LONG_NAMES["human_only"]
    assert f"difference from {baseline}" in printed
    for name in LONG_NAMES.values():
        assert name in printed
    shown = comparison[comparison["kpi"].isin(TERMINAL_KPIS)]
    assert set(shown["kpi"]) == set(TERMINAL_KPIS)
    for row in shown.itertuples(index=False):
        assert interval(row.mean, row.ci_low, row.ci_high) in printed, (row.kpi, row.scenario)
        if row.scenario != baseline:
            difference = interval(row.difference, row.difference_ci_low, row.difference_ci_high)
            assert difference in printed, (row.kpi, row.scenario)


def test_a_line_too_wide_is_split_not_cut() -> None:
    name = "a-scenario-name-far-too-long-for-any-column-of-an-eighty-column-terminal"
    comparison = pd.DataFrame(
        [
            [kpi, scenario, 123456789.0, 123000000.0, 123913578.0, difference, -1.0e6, 1.0e6]
            for kpi in ("cost_total", "cost_total_full_scale")
            for scenario, difference in (("base", 0.0), (name, -98765432.1))
        ],
        columns=[
            "kpi",
            "scenario",
            "mean",
            "ci_low",
            "ci_high",
            "difference",
            "difference_ci_low",
            "difference_ci_high",
        ],
    )
    lines = comparison_view(comparison, "base", width=80)
    text = "\n".join(lines)
    assert "cost_total_full_scale" in lines and "cost_total" not in lines  # full scale shown
    assert name in text and "123,456,789 ± 456,789" in text and "-98,765,432 ± 1,000,000" in text
    assert "…" not in text
