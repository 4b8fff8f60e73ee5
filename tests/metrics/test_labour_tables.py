"""``labour_columns``: the replications' per-pool labour tables stacked under their keys."""

from __future__ import annotations

import math

import pytest

from klarsim.metrics.columns import LABOUR_COLUMNS
from klarsim.metrics.tables import labour_columns, labour_table, measured_labour
from klarsim.sim import labour_columns as engine
from klarsim.sim.records import ReplicationResult
from tests.support.labour import POOLS, labour_of, result_with_labour

pytestmark = pytest.mark.unit


def without_labour(scenario: str, replication: int) -> ReplicationResult:
    return ReplicationResult(scenario, replication, 7, {"scenario": scenario}, {})


def same(value: object, expected: object) -> bool:
    """Equal, or both NaN."""
    nan = isinstance(value, float) and isinstance(expected, float) and math.isnan(value)
    return value == expected or (nan and math.isnan(expected))  # type: ignore[arg-type]


def test_the_written_columns_are_the_keys_then_the_engines() -> None:
    assert ["scenario", "replication", *engine.LABOUR_COLUMNS] == LABOUR_COLUMNS


def test_rows_are_stacked_per_scenario_replication_and_pool_keys_first() -> None:
    results = [result_with_labour("a", 0), result_with_labour("a", 1), result_with_labour("b", 0)]
    table = labour_columns(results)
    assert list(table.columns) == LABOUR_COLUMNS
    assert table["scenario"] == ["a", "a", "a", "a", "b", "b"]
    assert table["replication"] == [0, 0, 1, 1, 0, 0]
    assert table["pool"] == [pool for pool, _ in POOLS] * 3
    for column in engine.LABOUR_COLUMNS:
        expected = [value for r in (0, 1, 0) for value in labour_of(r)[column]]
        assert all(map(same, table[column], expected)), column
    assert math.isnan(table["earnings_week_cv_median"][1])
    assert table["people"][2] == 1000  # replication 1, first pool, first number


def test_a_replication_without_labour_adds_no_rows() -> None:
    results = [without_labour("a", 0), result_with_labour("a", 1)]
    assert measured_labour(results)
    table = labour_columns(results)
    assert table["replication"] == [1, 1]
    assert list(table.columns) == LABOUR_COLUMNS


def test_no_labour_measured_gives_an_empty_table_with_the_columns() -> None:
    results = [without_labour("a", 0), without_labour("a", 1)]
    assert not measured_labour(results)
    assert not measured_labour([])
    for table in (labour_columns(results), labour_columns([])):
        assert table.empty and list(table.columns) == LABOUR_COLUMNS
    frame = labour_table(results)
    assert frame.empty and list(frame.columns) == LABOUR_COLUMNS


def test_the_dataframe_keeps_nan_and_the_integer_people() -> None:
    frame = labour_table([result_with_labour("a", 3)])
    assert frame["people"].tolist() == [3000, 3100]
    assert frame["earnings_week_cv_median"].isna().tolist() == [False, True]
    assert frame["earnings_per_online_hour_below_reference_share"].isna().tolist() == [True, False]
