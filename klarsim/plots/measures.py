"""What each plotted column means: its label, unit, display factor and how to average it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd


class MissingDataError(ValueError):
    """The tables lack what a plot needs (an old folder, a human-only run): skip that plot."""


@dataclass(frozen=True)
class Measure:
    """A column's label and unit; ``weight`` makes period means ratios of sums, not of rates.

    ``bounds`` is the range a value can take (in the column's own units, before ``factor``):
    confidence bands and whiskers are clipped to it, so a small sample never shows a CSAT
    above 1 or a negative cost.
    """

    label: str
    unit: str
    factor: float = 1.0
    weight: str | None = None
    per_day: bool = False
    bounds: tuple[float, float] = (0.0, math.inf)

    def clip(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Values within ``bounds``, scaled by ``factor`` for display (NaN stays NaN)."""
        low, high = self.bounds
        clipped: np.ndarray = np.clip(np.asarray(values, dtype=float), low, high) * self.factor
        return clipped

    @property
    def axis_label(self) -> str:
        """The label with its unit, as an axis shows it."""
        return f"{self.label} ({self.unit})"

    @property
    def difference_unit(self) -> str:
        """The unit of a difference: shares in percent differ in percentage points."""
        return "percentage points" if self.unit == "%" else self.unit


SHARE = (0.0, 1.0)
UNBOUNDED = (-math.inf, math.inf)
MEASURES: dict[str, Measure] = {
    "csat_mean": Measure("CSAT", "score 0-1", bounds=SHARE, weight="contacts"),
    "trust_mean_end": Measure("customer trust", "score 0-1", bounds=SHARE),
    "service_level": Measure("service level", "%", 100.0, bounds=SHARE, weight="offered_human"),
    "abandonment_rate": Measure("abandonment", "%", 100.0, bounds=SHARE, weight="offered_human"),
    "p_wait": Measure("contacts that waited", "%", 100.0, bounds=SHARE, weight="offered_human"),
    "asa_min": Measure("average speed of answer", "min", weight="answered"),
    "wait_mean_min": Measure("mean wait", "min"),
    "aht_min": Measure("handle time", "min", weight="completed"),
    "occupancy": Measure("occupancy", "%", 100.0, bounds=SHARE, weight="staffed_agents"),
    "ai_share": Measure("contacts sent to the AI", "%", 100.0, bounds=SHARE, weight="contacts"),
    "ai_share_setting": Measure("AI routing share in force", "%", 100.0, bounds=SHARE),
    "fcr": Measure("first contact resolution", "%", 100.0, bounds=SHARE, weight="issues_created"),
    "churned": Measure("customers churned", "customers"),
    "contacts": Measure("contacts", "contacts"),
    "cost_per_contact": Measure("cost per contact", "$", weight="contacts"),
    "cost_per_resolution": Measure("cost per resolution", "$", weight="issues_resolved"),
    "cost_total": Measure("total cost incl. revenue lost", "$"),
    "cost_operating": Measure("operating cost", "$"),
    "revenue_lost": Measure("revenue lost to churn", "$"),
    "cost_ai": Measure("AI cost", "$"),
    "cost_human": Measure("human cost", "$"),
    "cost_employee": Measure("employee cost", "$"),
    "cost_gig": Measure("gig cost", "$"),
    "cost_hiring": Measure("rehiring and training", "$"),
    "cost_severance": Measure("severance", "$"),
    "hires": Measure("hires", "people"),
    "quits": Measure("quits", "people"),
    "laid_off": Measure("laid off", "people"),
    "guardrail_firings": Measure("guardrail firings", "count"),
    "active_customers_end": Measure("active customers", "customers"),
    "staffed_agents": Measure("agents staffed", "agents"),
    "employees_end": Measure("employees", "headcount"),
    "employee_hours": Measure("employee hours", "hours per day", per_day=True),
    "gig_hours_online": Measure("gig hours online", "hours per day", per_day=True),
    "gig_hours_engaged": Measure("gig hours engaged", "hours per day", per_day=True),
    "gig_share_of_human_work": Measure("gig share of human work", "%", 100.0, bounds=SHARE),
    "gig_earnings_per_online_hour": Measure(
        "gig pay per online hour", "$ per hour", weight="gig_hours_online"
    ),
    "occupancy_employee": Measure("employee occupancy", "%", 100.0, bounds=SHARE),
    "occupancy_gig": Measure("gig occupancy", "%", 100.0, bounds=SHARE),
}
"""Columns the plots and the report know; any other column is shown under its own name."""


FULL_SCALE = "_full_scale"


def measure(column: str) -> Measure:
    """The column's measure; full-scale, pool and unknown columns get a derived label."""
    if column in MEASURES:
        return MEASURES[column]
    if column.endswith(FULL_SCALE):
        base = measure(column.removesuffix(FULL_SCALE))
        return Measure(f"{base.label}, full scale", base.unit, base.factor, bounds=base.bounds)
    for prefix, label, unit in (
        ("headcount_", "headcount", "agents"),
        ("staffed_agents_", "agents staffed", "agents"),
    ):
        if column.startswith(prefix):
            return Measure(f"{label}: {column.removeprefix(prefix)}", unit)
    return Measure(column.replace("_", " "), "as recorded", bounds=UNBOUNDED)


def require(table: pd.DataFrame, columns: Iterable[str], *, plot: str) -> None:
    """Raise MissingDataError naming the columns ``plot`` needs and the table lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise MissingDataError(f"{plot}: the table has no column {', '.join(missing)}")


def has_values(table: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` exists and holds at least one number."""
    return column in table.columns and bool(table[column].notna().any())


def has_activity(table: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` exists and holds a number other than zero."""
    return column in table.columns and bool((table[column].fillna(0.0) != 0.0).any())
