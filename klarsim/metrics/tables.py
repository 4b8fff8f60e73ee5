"""Replication records to tables, and the KPI table with confidence intervals.

The ``*_columns`` functions build plain ``Table``s (no pandas: what a run writes); the
``*_table`` functions give the same tables as DataFrames for the Python API and the analyses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from klarsim.metrics.columns import EVENT_COLUMNS, HEADLINE_KPIS, KEY_COLUMNS, LABOUR_COLUMNS
from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, t_interval
from klarsim.metrics.plain import Table, stacked
from klarsim.sim.records import Columns, ReplicationResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EVENT_COLUMNS",
    "HEADLINE_KPIS",
    "KEY_COLUMNS",
    "KPI_TABLE_COLUMNS",
    "LABOUR_COLUMNS",
    "contacts_columns",
    "contacts_table",
    "events_columns",
    "events_table",
    "kpi_columns",
    "kpi_table",
    "labour_columns",
    "labour_table",
    "measured_labour",
    "summary_columns",
    "summary_table",
    "timeseries_columns",
    "timeseries_table",
]


KPI_TABLE_COLUMNS = ["scenario", "kpi", "mean", "ci_low", "ci_high", "half_width", "replications"]
"""The columns of ``kpi_table``."""


def summary_columns(results: Sequence[ReplicationResult]) -> Table:
    """One row per scenario and replication."""
    return Table.from_rows([result.summary for result in results])


def timeseries_columns(results: Sequence[ReplicationResult]) -> Table:
    """One row per scenario, replication and interval."""
    return _stacked(results, [result.timeseries for result in results])


def contacts_columns(results: Sequence[ReplicationResult]) -> Table | None:
    """One row per logged contact, or ``None`` when no replication kept a contact log."""
    logs = [result.contacts for result in results]
    if all(log is None for log in logs):
        return None
    return _stacked(results, [log or {} for log in logs])


def events_columns(results: Sequence[ReplicationResult]) -> Table:
    """One row per timeline action or guardrail firing of every replication (maybe empty)."""
    table = _stacked(results, [result.event_log or {} for result in results])
    return table if not table.empty else Table.empty_with(EVENT_COLUMNS)


def measured_labour(results: Sequence[ReplicationResult]) -> bool:
    """Whether any replication measured its labour (then ``labour.csv`` is written)."""
    return any(result.labour is not None for result in results)


def labour_columns(results: Sequence[ReplicationResult]) -> Table:
    """One row per scenario, replication and pool; empty with its columns when none measured."""
    table = _stacked(results, [result.labour or {} for result in results])
    return table if not table.empty else Table.empty_with(LABOUR_COLUMNS)


def _stacked(results: Sequence[ReplicationResult], columns: Sequence[Columns]) -> Table:
    keys = [{"scenario": result.scenario, "replication": result.replication} for result in results]
    return stacked(list(zip(keys, columns, strict=True)))


def kpi_columns(
    summary: Table, kpis: Sequence[str] = HEADLINE_KPIS, confidence: float = DEFAULT_CONFIDENCE
) -> Table:
    """Per scenario and KPI: mean and Student-t interval over the replications (none: empty)."""
    if "scenario" not in summary:
        return Table.empty_with(KPI_TABLE_COLUMNS)
    scenarios = summary["scenario"]
    rows: list[dict[str, Any]] = []
    for scenario in dict.fromkeys(scenarios):
        chosen = [row for row, name in enumerate(scenarios) if name == scenario]
        for kpi in kpis:
            values = [_number(summary[kpi][row]) for row in chosen]
            interval = t_interval(values, confidence)
            rows.append(
                {
                    "scenario": scenario,
                    "kpi": kpi,
                    "mean": interval.mean,
                    "ci_low": interval.low,
                    "ci_high": interval.high,
                    "half_width": interval.half_width,
                    "replications": interval.replications,
                }
            )
    return Table.from_rows(rows) if rows else Table.empty_with(KPI_TABLE_COLUMNS)


def _number(value: Any) -> float:
    """A KPI value as a float; a missing one is NaN (left out of the interval)."""
    return float("nan") if value is None else float(value)


def summary_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """``summary_columns`` as a DataFrame."""
    return summary_columns(results).to_pandas()


def timeseries_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """``timeseries_columns`` as a DataFrame."""
    return timeseries_columns(results).to_pandas()


def contacts_table(results: Sequence[ReplicationResult]) -> pd.DataFrame | None:
    """``contacts_columns`` as a DataFrame, or ``None`` when no replication kept a log."""
    table = contacts_columns(results)
    return table.to_pandas() if table is not None else None


def events_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """``events_columns`` as a DataFrame."""
    return events_columns(results).to_pandas()


def labour_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """``labour_columns`` as a DataFrame."""
    return labour_columns(results).to_pandas()


def kpi_table(
    summary: pd.DataFrame,
    kpis: Sequence[str] = HEADLINE_KPIS,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """``kpi_columns`` of a summary DataFrame, as a DataFrame."""
    return kpi_columns(Table.from_pandas(summary), kpis, confidence).to_pandas()
