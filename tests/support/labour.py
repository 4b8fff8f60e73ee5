"""Hand-made labour tables (``ReplicationResult.labour``) with known values, NaN included.

Until the engine measures labour, tests of the writers and readers build results with these.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from klarsim.sim.labour_columns import LABOUR_COLUMNS
from klarsim.sim.records import Columns, ReplicationResult

POOLS = (("staff", "employee"), ("gig", "gig"))
"""The hand-made table's pools and their kinds."""


def labour_of(replication: int, pools: tuple[tuple[str, str], ...] = POOLS) -> Columns:
    """One row per pool; each number tells its replication, pool and column apart.

    The ``c``-th number (from 0: ``people``, an integer) of the ``p``-th pool in replication
    ``r`` is ``r * 1000 + p * 100 + c``, except the gig pool's ``earnings_week_cv_median`` and the employees'
    ``earnings_per_online_hour_below_reference_share``, which are NaN.
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
