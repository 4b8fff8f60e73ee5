"""The log of timeline actions and guardrail firings of one replication (``events.csv``)."""

from __future__ import annotations

from typing import Any

from klarsim.sim.records import Columns
from klarsim.units import MINUTES_PER_DAY

EVENT_LOG_COLUMNS = ("time_days", "kind", "action", "target", "value", "detail")


class EventLog:
    """Collects events column-wise: when, timeline or guardrail, what, to what, how much."""

    def __init__(self) -> None:
        self.columns: Columns = {name: [] for name in EVENT_LOG_COLUMNS}

    def record(
        self, now: float, kind: str, action: str, *, target: str, value: Any, detail: str = ""
    ) -> None:
        """Add one event at ``now`` (minutes)."""
        row = (now / MINUTES_PER_DAY, kind, action, target, _plain(value), detail)
        for name, item in zip(EVENT_LOG_COLUMNS, row, strict=True):
            self.columns[name].append(item)


def _plain(value: Any) -> Any:
    """A value fit for one CSV cell: numbers and text as they are, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
