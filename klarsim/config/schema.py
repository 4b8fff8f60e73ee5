"""The scenario schema: frozen pydantic models that forbid unknown keys.

A feature whose section is absent is off, so a file with demand, one pool and patience is
exactly an M/M/c+M queue. Every key carries its unit in its name; the engine works in minutes.
Cross-references (skills naming intents, shares summing to one) are checked in ``checks.py``.
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from klarsim.config.ai import AI
from klarsim.config.customers import Customers
from klarsim.config.distributions import Distribution
from klarsim.config.personas import Labour
from klarsim.config.timeline import Guardrail, TimelineAction
from klarsim.config.types import (
    MAX_CONTACTS,
    MAX_WEIGHT,
    NOT_BOOLEAN,
    Channel,
    Days,
    Frozen,
    Name,
    NonNegativeVariation,
    PositiveDays,
    Probability,
    Weight,
)
from klarsim.config.uncertain import Uncertain
from klarsim.config.workforce import EmployeePool, GigPool, PoolSpec, Routing
from klarsim.limits import MAX_REPLICATIONS, MAX_SEED
from klarsim.units import DAYS_PER_WEEK, HOURS_PER_DAY, MINUTES_PER_DAY, SECONDS_PER_MINUTE

MAX_GROWTH_PER_YEAR = 10.0
"""Demand may grow elevenfold a year at most."""
Replications = Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_REPLICATIONS)]
Seed = Annotated[int, NOT_BOOLEAN, Field(ge=0, le=MAX_SEED)]
IntervalMinutes = Annotated[
    float, NOT_BOOLEAN, Field(ge=1, le=MINUTES_PER_DAY, allow_inf_nan=False)
]
"""A timeseries row: from a minute to a day."""
TargetSeconds = Annotated[
    float, NOT_BOOLEAN, Field(gt=0, le=MINUTES_PER_DAY * SECONDS_PER_MINUTE, allow_inf_nan=False)
]
Scale = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=1, allow_inf_nan=False)]
"""A fraction of the centre: scaling scales down only."""
ContactsPerDay = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_CONTACTS, allow_inf_nan=False)]
Growth = Annotated[float, NOT_BOOLEAN, Field(gt=-1, le=MAX_GROWTH_PER_YEAR, allow_inf_nan=False)]


class Experiment(Frozen):
    """How one replication is run and measured (not what is modelled)."""

    horizon_days: PositiveDays = 30.0
    warmup_days: Days = 0.0
    replications: Replications = 5
    seed: Seed = 0
    interval_min: IntervalMinutes = 60.0
    service_level_target_s: TargetSeconds = 20.0
    scale: Scale = 1.0
    """Multiplies the centre's size for fast what-ifs (see ``klarsim.config.scale``)."""
    start_date: datetime.date | None = None
    """Calendar date of time zero, a Monday; lets timeline entries use dates."""


HourlyProfile = (
    Literal["flat"]
    | Annotated[list[Weight], Field(min_length=HOURS_PER_DAY, max_length=HOURS_PER_DAY)]
)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The weekdays in order, Monday (day 0 of the week) first."""
WeeklyProfile = (
    Literal["flat"]
    | Annotated[list[Weight], Field(min_length=DAYS_PER_WEEK, max_length=DAYS_PER_WEEK)]
)


class Intent(Frozen):
    """A reason for contact: its share of demand, its channel and its human handle time."""

    share: Probability
    channel: Channel = "chat"
    handle_time_min: Distribution
    empathy_need: Probability = 0.0
    """How much the contact needs a human touch; an AI answer loses CSAT in proportion."""


class Demand(Frozen):
    """Non-homogeneous Poisson arrivals shaped by day, week, trend and daily noise."""

    contacts_per_day: ContactsPerDay
    hourly_profile: HourlyProfile = "flat"
    """Relative weights of the 24 hours (Monday 00:00 is time zero); ``flat`` spreads evenly."""
    hourly_profile_by_weekday: dict[Weekday, HourlyProfile] = Field(default_factory=dict)
    """A weekday's own 24-hour shape (``mon`` to ``sun``), where it differs from
    ``hourly_profile``; a weekday not listed uses ``hourly_profile``."""
    weekly_profile: WeeklyProfile = "flat"
    """Relative weights of the 7 days, Monday first; ``contacts_per_day`` is the mean day."""
    growth_per_year: Growth = 0.0
    """Compound yearly trend: 0.1 means 10 % more contacts a year later."""
    day_to_day_cv: NonNegativeVariation = 0.0
    """Coefficient of variation of a gamma multiplier (mean 1) drawn for each day."""
    intents: Annotated[dict[Name, Intent], Field(min_length=1)]

    @field_validator("hourly_profile", "weekly_profile", mode="before")
    @classmethod
    def _profile_shape(cls, value: Any, info: ValidationInfo) -> Any:
        length = HOURS_PER_DAY if info.field_name == "hourly_profile" else DAYS_PER_WEEK
        if value == "flat" or (
            isinstance(value, list) and len(value) == length and all(map(_is_weight, value))
        ):
            return value
        raise ValueError(
            f"expected 'flat' or a list of {length} non-negative numbers up to {MAX_WEIGHT:g}"
        )


def _is_weight(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value) and 0 <= value <= MAX_WEIGHT


class Scenario(Frozen):
    """A whole scenario: what is modelled (demand, customers, pools) and how it is run."""

    name: Name
    description: str = ""
    experiment: Experiment = Field(default_factory=Experiment)
    demand: Demand
    customers: Customers = Field(default_factory=Customers)
    ai: AI | None = None
    """Absent: no AI tier, every contact goes to the human queues."""
    pools: Annotated[dict[Name, PoolSpec], Field(min_length=1)]
    """Pools in the order they are tried for a contact."""
    routing: Routing = Field(default_factory=Routing)
    timeline: list[TimelineAction] = Field(default_factory=list)
    """Dated actions that change the scenario while it runs."""
    guardrails: list[Guardrail] = Field(default_factory=list)
    """Rules that watch a rolling metric and act when it crosses a threshold."""
    labour: Labour = Field(default_factory=Labour)
    """Yardsticks for the labour outcomes: a full-time week and a reference wage."""
    uncertain: Uncertain = Field(default_factory=list)
    """Assumption ranges for ``klarsim sensitivity`` and ``robustness``; they change no run."""


__all__ = [
    "DAYS_PER_WEEK",
    "HOURS_PER_DAY",
    "WEEKDAYS",
    "Demand",
    "EmployeePool",
    "Experiment",
    "GigPool",
    "Intent",
    "PoolSpec",
    "Scenario",
]
