"""Paired scenario comparisons under common random numbers, from Python and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.experiments.compare import comparison_table
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
ERLANG_C = ROOT / "scenarios" / "validation" / "erlang_c.yaml"
SHORT = {"experiment.horizon_days": 1.5, "experiment.warmup_days": 0.5}


def staffing(agents: int) -> klarsim.Scenario:
    return klarsim.load_scenario(
        ERLANG_A, {**SHORT, "name": f"n{agents}", "pools.staff.headcount": agents}
    )


def test_comparison_table_has_every_kpi_and_scenario() -> None:
    result = klarsim.compare([staffing(46), staffing(50)], reps=3)
    table = result.comparison
    assert result.baseline == "n46"
    assert len(table) == 2 * len(set(table["kpi"]))
    base = table[table["scenario"] == "n46"]
    assert (base["difference"].dropna() == 0).all()  # NaN: trust without a customer base
    better = table[(table["scenario"] == "n50") & (table["kpi"] == "asa_min")].iloc[0]
    assert better["difference_ci_high"] < 0 < better["ci_low"]


@pytest.mark.slow
def test_common_random_numbers_shrink_paired_variance_at_least_5x() -> None:
    """Two scenarios differing only in headcount: paired differences vs independent seeds."""
    few, many = staffing(46), staffing(50)
    paired = klarsim.compare([few, many], reps=10).summary
    low = paired[paired["scenario"] == "n46"]["wait_mean_min"].to_numpy()
    high = paired[paired["scenario"] == "n50"]["wait_mean_min"].to_numpy()
    independent = np.array(
        [klarsim.simulate(few, r + 100).summary["wait_mean_min"] for r in range(10)]
    )
    assert np.var(high - low, ddof=1) * 5 < np.var(high - independent, ddof=1)


def test_paired_interval_matches_a_hand_computation() -> None:
    summary = pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "b", "b", "b"],
            "replication": [0, 1, 2, 0, 1, 2],
            "asa_min": [1.0, 2.0, 3.0, 1.5, 2.1, 3.7],
        }
    )
    row = comparison_table(summary, "a", ["asa_min"]).set_index("scenario").loc["b"]
    differences = np.array([0.5, 0.1, 0.7])
    half = 4.302652729911275 * differences.std(ddof=1) / np.sqrt(3)
    assert row["difference"] == pytest.approx(differences.mean())
    assert row["difference_ci_high"] - row["difference"] == pytest.approx(half)


@pytest.mark.cli
def test_compare_cli_writes_the_folder(tmp_path: Path) -> None:
    examples = sorted(str(p) for p in (ROOT / "scenarios" / "examples").glob("*.yaml"))
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            *examples,
            "--reps",
            "2",
            "--days",
            "8",
            "--out",
            str(out),
            "--quiet",
            "--baseline",
            "human-only",
        ],
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "scenarios",
        "manifest.json",
        "summary.csv",
        "timeseries.csv",
        "comparison.csv",
        "events.csv",
        "labour.csv",
        "runs",
        ".klarsim.lock",
    }
    assert len(list((out / "runs").rglob("rep-*.zip"))) == 3 * 2
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison["scenario"]) == {"human-only", "ai-first", "hybrid"}
    assert {"difference_ci_low", "difference_ci_high"} <= set(comparison)
    assert "difference from human-only" in result.stdout


@pytest.mark.cli
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([str(ERLANG_A), str(ERLANG_A)], "distinct scenario names"),
        ([str(ERLANG_A), str(ERLANG_C), "--baseline", "nobody"], "unknown baseline"),
        ([str(ERLANG_A), "missing.yaml"], "file not found"),
        (
            [str(ERLANG_A), str(ERLANG_C), "--set", "pools.staff.headcount=-2"],
            "pools.staff.headcount",
        ),
        ([str(ERLANG_A)], "expected two or more scenarios, got 1"),
    ],
)
def test_compare_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    result = CliRunner().invoke(
        app, ["compare", *arguments, "--out", str(tmp_path / "x"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert list(tmp_path.iterdir()) == []


def test_tables_of_missing_runs_pair_only_finished_replications() -> None:
    """Failed runs leave holes: differences pair the replications both scenarios finished,
    a baseline with no run gives NaN differences, and no run at all gives empty tables."""
    from klarsim.metrics.columns import COMPARISON_COLUMNS
    from klarsim.metrics.tables import KPI_TABLE_COLUMNS, kpi_table

    summary = pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "b", "b"],
            "replication": [0, 1, 2, 0, 2],
            "asa_min": [1.0, 2.0, 3.0, 2.0, 5.0],
        }
    )
    rows = comparison_table(summary, "a", ["asa_min"]).set_index("scenario")
    assert rows.loc["b", "replications"] == 2 and rows.loc["b", "mean"] == 3.5
    assert rows.loc["b", "difference"] == pytest.approx(((2 - 1) + (5 - 3)) / 2)
    alone = comparison_table(summary[summary["scenario"] == "b"], "a", ["asa_min"])
    assert alone["mean"].tolist() == [3.5] and alone["difference"].isna().all()
    assert list(comparison_table(pd.DataFrame(), "a")) == COMPARISON_COLUMNS
    assert list(kpi_table(pd.DataFrame())) == KPI_TABLE_COLUMNS
    assert kpi_table(pd.DataFrame()).empty
