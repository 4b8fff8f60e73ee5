"""Sweep designs (grid, Latin hypercube) and the sweep runner, from Python and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.config import ScenarioError
from klarsim.experiments.designs import grid_points, lhs_points
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = ["--days", "1", "--set", "experiment.warmup_days=0.25", "--quiet"]


def test_grid_is_the_full_factorial_of_listed_and_spaced_values() -> None:
    points = grid_points(["a=1,2", "b=0:1:3", "c=flat"])
    assert len(points) == 2 * 3 * 1
    assert points[0] == {"a": 1, "b": 0.0, "c": "flat"}
    assert sorted({p["b"] for p in points}) == [0.0, 0.5, 1.0]
    assert [p["n"] for p in grid_points(["n=40:50:3"])] == [40, 45, 50]


def test_grid_values_are_read_strictly_not_as_yaml() -> None:
    values = [p["k"] for p in grid_points(["k=7,-3,0.5,1e3,true,False,yes,2024-01-01,flat"])]
    assert values == [7, -3, 0.5, 1000.0, True, False, "yes", "2024-01-01", "flat"]
    assert [type(v) for v in values[:4]] == [int, int, float, float]


def test_a_design_too_big_is_refused_before_it_is_made() -> None:
    with pytest.raises(ScenarioError, match=r"1,000,000,000 points \(1,000,000,000\)"):
        grid_points(["k=1:2:1000000000"])  # would be 8 GB of floats if allocated
    with pytest.raises(ScenarioError, match=r"10,100 points \(100 x 101\); expected at most"):
        grid_points(["a=1:2:100", "b=1:2:101"])
    assert len(grid_points(["a=1:2:100", "b=1:2:100"])) == 10_000


def test_latin_hypercube_puts_one_sample_in_each_stratum() -> None:
    points = lhs_points(["x=0:10", "y=100:200"], samples=8, seed=3)
    for key, low, high in (("x", 0, 10), ("y", 100, 200)):
        values = np.array([p[key] for p in points])
        strata = np.floor((values - low) / (high - low) * 8).astype(int)
        assert sorted(strata) == list(range(8))
    assert lhs_points(["x=0:10"], 4, 3) == lhs_points(["x=0:10"], 4, 3)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: grid_points(["novalues"]), "KEY=VALUES"),
        (lambda: grid_points(["a=1:2:0"]), "whole number"),
        (lambda: grid_points(["a=1:x:3"]), "a finite number"),
        (lambda: grid_points(["a=nan:1:3"]), "a finite number"),
        (lambda: grid_points(["a=1:2"]), "expected LOW:HIGH:N or comma-separated"),
        (lambda: grid_points(["a=1,1:30"]), "expected LOW:HIGH:N or comma-separated"),
        (lambda: grid_points(["a=1_000"]), "without underscores"),
        (lambda: grid_points(["a=1,nan"]), "a finite number"),
        (lambda: grid_points(["a=-inf"]), "a finite number"),
        (lambda: grid_points(["a=1e400"]), "too large"),
        (lambda: grid_points(["a=1,2", "b=3", "a=4"]), "a: given more than once"),
        (lambda: lhs_points(["a=0:1", "a=2:3"], 4, 0), "a: given more than once"),
        (lambda: lhs_points(["a=0:inf"], 4, 0), "a finite number"),
        (lambda: lhs_points(["a=0:1"], 10_001, 0), "at most 10,000 samples"),
        (lambda: grid_points(["a=1,,2"]), "comma-separated"),
        (lambda: lhs_points(["a=5:1"], 4, 0), "LOW < HIGH"),
        (lambda: lhs_points(["a=1"], 4, 0), "LOW:HIGH"),
        (lambda: lhs_points(["a=0:1"], 0, 0), "at least 1"),
    ],
)
def test_bad_design_specs_are_clear(call: object, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        call()  # type: ignore[operator]


def test_sweep_runs_every_point_with_the_same_luck() -> None:
    points = grid_points(["pools.staff.headcount=46,50"])
    result = klarsim.sweep(
        ERLANG_A,
        points=points,
        reps=2,
        overrides={"experiment.horizon_days": 1, "experiment.warmup_days": 0.25},
    )
    runs = result.runs
    assert len(runs) == 4 and list(runs["point"]) == [0, 0, 1, 1]
    assert list(runs["pools.staff.headcount"]) == [46, 46, 50, 50]
    by_point = runs.pivot(index="replication", columns="point", values="contacts")
    assert (by_point[0] == by_point[1]).all(), "same seeds: same arrivals at every point"
    summary = result.summary.set_index("point")
    assert summary.loc[1, "asa_min_mean"] < summary.loc[0, "asa_min_mean"]
    assert {"asa_min_ci_low", "asa_min_ci_high"} <= set(summary.columns)


@pytest.mark.cli
def test_sweep_cli_writes_csv_and_parquet(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    arguments = [
        "sweep",
        str(ERLANG_A),
        "--design",
        "lhs",
        "--samples",
        "3",
        "--range",
        "pools.staff.headcount=46:52",
    ]
    # A headcount must be whole: the LHS gives floats, which the schema refuses (exit 2).
    refused = CliRunner().invoke(app, [*arguments, "--out", str(out), *SHORT])
    assert refused.exit_code == 2 and "sweep point 0" in refused.output
    assert not out.exists()
    grid = [
        "sweep",
        str(ERLANG_A),
        "--grid",
        "customers.patience_min.chat.mean=1:3:3",
        "--reps",
        "2",
    ]
    result = CliRunner().invoke(app, [*grid, "--out", str(out), *SHORT])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "scenario.yaml",
        "manifest.json",
        "sweep.csv",
        "sweep.parquet",
        "sweep_summary.csv",
        "labour.csv",
        "runs",
        ".klarsim.lock",
    }
    assert len(list((out / "runs").rglob("rep-*.zip"))) == 6
    rows = pd.read_parquet(out / "sweep.parquet")
    assert len(rows) == 6 and "customers.patience_min.chat.mean" in rows
    assert pd.read_csv(out / "sweep.csv").shape == rows.shape
    assert len(pd.read_csv(out / "sweep_summary.csv")) == 3


@pytest.mark.cli
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--grid", "pools.staff.headcount=46,-1"], "sweep point 1"),
        (["--grid", "pools.staff.nonsense=1,2"], "unknown key"),
        (["--grid", "nothing"], "KEY=VALUES"),
        (["--design", "lhs", "--range", "a=0:1"], "--samples"),
        (["--design", "cube"], "'grid' or 'lhs'"),
        ([], "at least one --grid"),
        (["--grid", "a=1", "--set", "broken"], "KEY=VALUE"),
    ],
)
def test_sweep_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    result = CliRunner().invoke(
        app, ["sweep", str(ERLANG_A), *arguments, "--out", str(tmp_path / "s"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert list(tmp_path.iterdir()) == []
