"""What one replication returns: plain records, no pandas (the engine's side of the contract)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]
Columns = dict[str, list[Any]]


@dataclass(frozen=True)
class ReplicationResult:
    """Summary row, per-interval columns and (when asked) the per-contact log of one replication."""

    scenario: str
    replication: int
    seed: int
    summary: Row
    timeseries: Columns
    contacts: Columns | None = None
    events: int = 0
    """Simulation events scheduled, for the benchmarks."""
    event_log: Columns | None = None
    """Timeline actions and guardrail firings with their times (``events.csv``); None: none."""
    labour: Columns | None = None
    """Per pool: people, hours, earnings and their spread (``labour.csv``, columns
    ``klarsim.sim.labour_columns.LABOUR_COLUMNS``); None: not measured."""
