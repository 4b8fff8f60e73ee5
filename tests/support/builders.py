"""Small scenarios for the workforce, timeline and guardrail tests, built as plain data."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from klarsim import simulate
from klarsim.config import Scenario, parse_scenario
from klarsim.sim.records import ReplicationResult

CHAT = {"share": 1.0, "channel": "chat", "handle_time_min": {"dist": "exponential", "mean": 5.0}}


def centre(
    pools: dict[str, Any],
    *,
    days: float = 7,
    warmup_days: float = 0,
    volume: float = 1000,
    patience_min: float | None = None,
    seed: int = 1,
    **sections: Any,
) -> dict[str, Any]:
    """A one-intent chat centre with the given pools and any extra top-level sections."""
    data: dict[str, Any] = {
        "name": "workforce-test",
        "experiment": {"horizon_days": days, "warmup_days": warmup_days, "seed": seed},
        "demand": {"contacts_per_day": volume, "intents": {"general": copy.deepcopy(CHAT)}},
        "pools": pools,
        **sections,
    }
    if patience_min is not None:
        data["customers"] = {
            "patience_min": {"chat": {"dist": "exponential", "mean": patience_min}}
        }
    return data


def employees(headcount: int, **fields: Any) -> dict[str, Any]:
    """An employee pool serving the one intent."""
    return {"kind": "employee", "headcount": headcount, "skills": ["general"], **fields}


def gig(registered: int, online_probability: Any, **fields: Any) -> dict[str, Any]:
    """A gig pool serving the one intent."""
    return {
        "kind": "gig",
        "registered": registered,
        "online_probability": online_probability,
        "skills": ["general"],
        **fields,
    }


def scenario(data: dict[str, Any]) -> Scenario:
    """Validate scenario data."""
    return parse_scenario(data)


def run(data: dict[str, Any], *, contacts: bool = False) -> ReplicationResult:
    """Simulate one replication of scenario data."""
    return simulate(parse_scenario(data), record_contacts=contacts)


def timeseries(result: ReplicationResult) -> pd.DataFrame:
    """The replication's per-interval table."""
    return pd.DataFrame(result.timeseries)


def events(result: ReplicationResult) -> pd.DataFrame:
    """The replication's timeline and guardrail events."""
    return pd.DataFrame(result.event_log or {})
