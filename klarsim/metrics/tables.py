"""Replication records to pandas tables, and the KPI table with confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from klarsim.metrics.columns import EVENT_COLUMNS, HEADLINE_KPIS, KEY_COLUMNS
from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, t_interval
from klarsim.sim.records import ReplicationResult

__all__ = [
    "EVENT_COLUMNS",
    "HEADLINE_KPIS",
    "KEY_COLUMNS",
    "KPI_TABLE_COLUMNS",
    "contacts_table",
    "events_table",
    "kpi_table",
    "summary_table",
    "timeseries_table",
]


KPI_TABLE_COLUMNS = ["scenario", "kpi", "mean", "ci_low", "ci_high", "half_width", "replications"]
"""The columns of ``kpi_table``."""


def summary_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per scenario and replication."""
    return pd.DataFrame([result.summary for result in results])


def timeseries_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per scenario, replication and interval."""
    return _stacked(results, [result.timeseries for result in results])


def contacts_table(results: Sequence[ReplicationResult]) -> pd.DataFrame | None:
    """One row per logged contact, or ``None`` when no replication kept a contact log."""
    logs = [result.contacts for result in results]
    if all(log is None for log in logs):
        return None
    return _stacked(results, [log or {} for log in logs])


def events_table(results: Sequence[ReplicationResult]) -> pd.DataFrame:
    """One row per timeline action or guardrail firing of every replication (maybe empty)."""
    table = _stacked(results, [result.event_log or {} for result in results])
    return table if not table.empty else pd.DataFrame(columns=EVENT_COLUMNS)


def _stacked(
    results: Sequence[ReplicationResult], columns: Sequence[dict[str, list[object]]]
) -> pd.DataFrame:
    frames = []
    for result, data in zip(results, columns, strict=True):
        frame = pd.DataFrame(data)
        frame.insert(0, "scenario", result.scenario)
        frame.insert(1, "replication", result.replication)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def kpi_table(
    summary: pd.DataFrame,
    kpis: Sequence[str] = HEADLINE_KPIS,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Per scenario and KPI: mean and Student-t interval over the replications (none: empty)."""
    if "scenario" not in summary:
        return pd.DataFrame(columns=KPI_TABLE_COLUMNS)
    rows = []
    for scenario, group in summary.groupby("scenario", sort=False):
        for kpi in kpis:
            interval = t_interval(group[kpi].to_numpy(dtype=float), confidence)
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
    return pd.DataFrame(rows)
