"""run, compare and sweep carry each replication's labour table to their results and folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import klarsim
from klarsim.metrics.columns import LABOUR_COLUMNS
from klarsim.results.reader import read_folder
from tests.support import ERLANG_A, SCENARIOS
from tests.support.labour import POOLS, labour_of, patch_engine, without_labour

pytestmark = pytest.mark.unit

ERLANG_C = SCENARIOS / "validation" / "erlang_c.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}
SWEPT = "pools.staff.headcount"


def expected(scenarios: list[str], replications: int) -> pd.DataFrame:
    """The hand-made labour rows of every scenario and replication, keys first."""
    frames = [
        pd.DataFrame({"scenario": name, "replication": r, **labour_of(r)})
        for name in scenarios
        for r in range(replications)
    ]
    return pd.concat(frames, ignore_index=True)[LABOUR_COLUMNS]


def test_run_keeps_the_labour_table_and_writes_labour_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_engine(monkeypatch)
    result = klarsim.run(ERLANG_A, reps=2, overrides=SHORT, out=tmp_path / "run")
    assert result.labour is not None
    pd.testing.assert_frame_equal(result.labour, expected(["erlang-a-check"], 2))
    written = read_folder(tmp_path / "run").labour
    pd.testing.assert_frame_equal(written, expected(["erlang-a-check"], 2), check_dtype=False)


def test_compare_writes_every_scenarios_labour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_engine(monkeypatch)
    result = klarsim.compare([ERLANG_A, ERLANG_C], reps=2, overrides=SHORT, out=tmp_path / "c")
    names = ["erlang-a-check", "erlang-c-check"]
    assert result.labour is not None
    pd.testing.assert_frame_equal(result.labour, expected(names, 2))
    written = read_folder(tmp_path / "c").labour
    pd.testing.assert_frame_equal(written, expected(names, 2), check_dtype=False)


def test_a_sweeps_labour_is_led_by_its_point_columns_as_its_runs_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_engine(monkeypatch)
    points = klarsim.design_points(grid=[f"{SWEPT}=48,52"])
    result = klarsim.sweep(ERLANG_A, points=points, reps=2, overrides=SHORT, out=tmp_path / "s")
    labour = result.labour
    assert labour is not None
    assert list(labour.columns) == ["point", SWEPT, *LABOUR_COLUMNS]
    assert list(result.runs.columns[:2]) == ["point", SWEPT]
    assert labour["point"].tolist() == [0] * 4 + [1] * 4
    assert labour[SWEPT].tolist() == [48] * 4 + [52] * 4
    assert labour["replication"].tolist() == [0, 0, 1, 1] * 2
    assert labour["pool"].tolist() == [pool for pool, _ in POOLS] * 4
    each_point = expected(["erlang-a-check"], 2)
    for point in (0, 1):
        rows = labour[labour["point"] == point][LABOUR_COLUMNS].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, each_point)
    written = read_folder(tmp_path / "s").labour
    pd.testing.assert_frame_equal(written, labour, check_dtype=False)


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_no_labour_csv_when_no_replication_measured_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    patch_engine(monkeypatch, without_labour)
    out = tmp_path / command
    if command == "run":
        assert klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=out).labour is None
    elif command == "compare":
        compared = klarsim.compare([ERLANG_A, ERLANG_C], reps=1, overrides=SHORT, out=out)
        assert compared.labour is None
    else:
        points = klarsim.design_points(grid=[f"{SWEPT}=48"])
        assert (
            klarsim.sweep(ERLANG_A, points=points, reps=1, overrides=SHORT, out=out).labour is None
        )
    assert not (out / "labour.csv").exists()
    labour = read_folder(out).labour
    assert labour.empty and list(labour.columns) == LABOUR_COLUMNS
