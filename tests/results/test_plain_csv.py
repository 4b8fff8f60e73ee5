"""A run's tables written without pandas are the same bytes pandas writes, on every example."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import klarsim
from klarsim.metrics.plain import Table, stacked
from klarsim.metrics.tables import events_columns, kpi_columns, summary_columns
from klarsim.results.plain_csv import write_csv

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios" / "examples").glob("*.yaml"))


def same_bytes(table: Table, folder: Path) -> tuple[bytes, bytes]:
    write_csv(folder / "plain.csv", table)
    table.to_pandas().to_csv(folder / "pandas.csv", index=False)
    return (folder / "plain.csv").read_bytes(), (folder / "pandas.csv").read_bytes()


@pytest.mark.unit
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_every_example_table_is_written_as_pandas_writes_it(path: Path, tmp_path: Path) -> None:
    overrides = {"experiment.horizon_days": 2, "experiment.warmup_days": 0}
    scenario = klarsim.load_scenario(path, overrides)
    results = [klarsim.simulate(scenario, replication=index) for index in range(2)]
    summary = summary_columns(results)
    keys = [{"scenario": one.scenario, "replication": one.replication} for one in results]
    series = stacked(list(zip(keys, [one.timeseries for one in results], strict=True)))
    for table in (summary, series, kpi_columns(summary), events_columns(results)):
        plain, written_by_pandas = same_bytes(table, tmp_path)
        assert plain == written_by_pandas


@pytest.mark.unit
def test_gaps_and_kinds_are_typed_as_pandas_types_them(tmp_path: Path) -> None:
    table = Table.from_rows(
        [
            {"whole": 1, "flag": True, "text": "a,b", "mixed": 1, "tiny": 1e-7, "big": 1e16},
            {"whole": 2, "flag": False, "text": 'say "hi"', "mixed": 2.5, "tiny": math.nan},
            {"flag": None, "text": None, "mixed": None, "tiny": -0.0, "big": 123456789.125},
        ]
    )
    plain, written_by_pandas = same_bytes(table, tmp_path)
    assert plain == written_by_pandas
    assert plain.decode().splitlines()[1] == '1.0,True,"a,b",1.0,1e-07,1e+16'


@pytest.mark.unit
def test_stacking_takes_the_union_of_columns_in_order() -> None:
    table = stacked([({"scenario": "a"}, {"x": [1, 2]}), ({"scenario": "b"}, {"y": [3.0]})])
    assert table.columns == {"scenario": ["a", "a", "b"], "x": [1, 2, None], "y": [None, None, 3.0]}
    expected = pd.concat(
        [
            pd.DataFrame({"scenario": ["a"] * 2, "x": [1, 2]}),
            pd.DataFrame({"scenario": ["b"], "y": [3.0]}),
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(table.to_pandas(), expected)


@pytest.mark.unit
def test_rows_come_as_named_tuples() -> None:
    table = Table({"kpi": ["a", "b"], "mean": [1.0, 2.0]})
    assert [(row.kpi, row.mean) for row in table.itertuples(index=False)] == [
        ("a", 1.0),
        ("b", 2.0),
    ]
    assert len(table) == 2 and not table.empty and Table.empty_with(["kpi"]).empty


@pytest.mark.cli
def test_a_run_imports_neither_pandas_nor_scipy(tmp_path: Path) -> None:
    """The fixed cost of a small run: pandas and SciPy take most of a second to import."""
    script = (
        "import sys\n"
        "from klarsim.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0, stop.code\n"
        "loaded = sorted({'pandas', 'scipy', 'matplotlib', 'dask'} & set(sys.modules))\n"
        "print(','.join(loaded) or 'none')\n"
    )
    scenario = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
    arguments = [str(scenario), "--reps", "2", "--workers", "1", "--days", "0.125"]
    options = ["--set", "experiment.warmup_days=0", "--out", str(tmp_path / "out"), "--quiet"]
    completed = subprocess.run(
        [sys.executable, "-c", script, "run", *arguments, *options],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert completed.stdout.strip().splitlines()[-1] == "none"


@pytest.mark.unit
def test_mixed_and_numpy_columns_are_written_as_pandas_writes_them(tmp_path: Path) -> None:
    """Columns of built-in types take a fast path; NumPy scalars the per-value checks."""
    table = Table(
        {
            "int_and_bool": [1, True, 2],
            "bool_gap": [True, None, False],
            "text_and_float": ["a", 1.5, math.nan],
            "int_and_float": [1, 2.5, 10**17],
            "int_gap": [1, None, 3],
            "nothing": [None, None, math.nan],
            "numpy_int": [np.int64(4), np.int64(-5), np.int64(6)],
            "numpy_float": [np.float64(0.1), np.float64(math.nan), np.float64(1e300)],
            "numpy_bool": [np.bool_(True), np.bool_(False), None],
        }
    )
    plain, written_by_pandas = same_bytes(table, tmp_path)
    assert plain == written_by_pandas


@pytest.mark.unit
def test_columns_of_unequal_length_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shorter"):
        write_csv(tmp_path / "plain.csv", Table({"a": [1, 2], "b": [1]}))
