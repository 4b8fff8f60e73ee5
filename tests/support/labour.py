"""Hand-made labour tables (``ReplicationResult.labour``) with known values, NaN included.

Until the engine measures labour, tests of the writers and readers build results with these.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import pytest

from klarsim.experiments import tasks
from klarsim.sim.labour_columns import LABOUR_COLUMNS
from klarsim.sim.records import Columns, ReplicationResult

POOLS = (("staff", "employee"), ("gig", "gig"))
"""The hand-made table's pools and their kinds."""


def labour_of(replication: int, pools: tuple[tuple[str, str], ...] = POOLS) -> Columns:
    """One row per pool; each number tells its replication, pool and column apart.

    The ``c``-th number (from 0: ``people``, an integer) of the ``p``-th pool in replication
    ``r`` is ``r * 1000 + p * 100 + c``, except two NaN: the gig pool's
    ``earnings_week_cv_median`` and the employees'
    ``earnings_per_online_hour_below_reference_share``.
    """
    numbers = LABOUR_COLUMNS[2:]
    rows: list[dict[str, Any]] = []
    for index, (pool, kind) in enumerate(pools):
        row: dict[str, Any] = {"pool": pool, "kind": kind}
        for column, name in enumerate(numbers):
            row[name] = float(replication * 1000 + index * 100 + column)
        row["people"] = int(row["people"])
        missing = (
            "earnings_week_cv_median"
            if kind == "gig"
            else "earnings_per_online_hour_below_reference_share"
        )
        row[missing] = math.nan
        rows.append(row)
    return {name: [row[name] for row in rows] for name in LABOUR_COLUMNS}


def with_labour(result: ReplicationResult) -> ReplicationResult:
    """``result`` with the hand-made labour table of its replication."""
    return dataclasses.replace(result, labour=labour_of(result.replication))


def result_with_labour(scenario: str, replication: int) -> ReplicationResult:
    """A minimal result (one summary value, no timeseries) carrying a labour table."""
    result = ReplicationResult(scenario, replication, 7, {"scenario": scenario}, {})
    return with_labour(result)


def patch_engine(
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[ReplicationResult], ReplicationResult] = with_labour,
) -> list[int]:
    """Every task the executors run returns ``change`` of its result (by default: with the
    hand-made labour table); the replications simulated are listed in the list returned."""
    simulated: list[int] = []
    real = tasks.run_task

    def changed(task: tasks.Task) -> ReplicationResult:
        simulated.append(task.replication)
        return change(real(task))

    monkeypatch.setattr(tasks, "run_task", changed)
    return simulated


def without_labour(result: ReplicationResult) -> ReplicationResult:
    """``result`` as an engine that does not measure labour returns it."""
    return dataclasses.replace(result, labour=None)
