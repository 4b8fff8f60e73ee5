"""Gig personas and the labour settings: who the registered gig agents are, and the yardsticks.

A persona is a kind of person in a gig pool (students, parents, rural workers, ...): its share
of registrations, when it can be online (a weight by hour of day or of week on the pool's
``online_probability``), how long its sessions last, how often it drops out and how it answers
a call-up. A gig pool without personas is one persona with the pool's own settings: a fresh
choice every block, the pool's attrition and the call-up's no-show chance.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from klarsim.config.types import NOT_BOOLEAN, Frozen, NonNegativeFloat, Probability, RatePerYear
from klarsim.units import HOURS_PER_DAY, HOURS_PER_WEEK

MAX_AVAILABILITY = 100.0
"""A persona's weight on the pool's online chance: at most a hundredfold."""
Availability = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_AVAILABILITY, allow_inf_nan=False)]
AvailabilityByHour = Annotated[
    list[Availability], Field(min_length=HOURS_PER_DAY, max_length=HOURS_PER_WEEK)
]
SessionMinutes = Annotated[float, NOT_BOOLEAN, Field(ge=1, le=10_080, allow_inf_nan=False)]
"""A mean session: from a minute to a week."""
Share = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=1, allow_inf_nan=False)]


class Persona(Frozen):
    """One kind of gig agent: its share, hours, sessions, drop-out and call-up response."""

    share: Share
    """Share of registrations (the shares of a pool's personas sum to one)."""
    availability: Availability | AvailabilityByHour = 1.0
    """Weight on the pool's ``online_probability``: one value, 24 by hour of day (every day)
    or 168 by hour of week from Monday 00:00. 0: never online in that hour (not even when
    called up); 2: twice the pool's chance (capped at certainty)."""
    session_mean_min: SessionMinutes | None = None
    """Mean length of a session online; at least the pool's ``block_min``. Absent: a fresh
    choice every block (sessions last ``block_min / (1 - chance)`` on average)."""
    dropout_per_year: RatePerYear | None = None
    """Hazard of leaving the platform per person and year; absent: the pool's
    ``attrition_per_year``."""
    call_up_response: Probability | None = None
    """Chance a called agent of this persona comes; absent: one minus the call-up's
    ``no_show_probability``."""

    @field_validator("availability")
    @classmethod
    def _by_day_or_week(cls, value: float | list[float]) -> float | list[float]:
        if isinstance(value, list) and len(value) not in (HOURS_PER_DAY, HOURS_PER_WEEK):
            raise ValueError(f"expected one value, 24 or 168 values, got {len(value)}")
        return value

    def weight(self, hour_of_week: int) -> float:
        """The weight on the pool's online chance in ``hour_of_week`` (0 to 167)."""
        availability = self.availability
        if isinstance(availability, list):
            return availability[hour_of_week % len(availability)]
        return availability


class Labour(Frozen):
    """Yardsticks of the labour outcomes (``labour.csv``): a full-time week, a reference wage."""

    hours_per_fte_week: Annotated[float, NOT_BOOLEAN, Field(gt=0, le=168, allow_inf_nan=False)] = (
        40.0
    )
    """Hours of one full-time equivalent per week (the US 40-hour week, FLSA)."""
    reference_wage_per_hour: NonNegativeFloat = 7.25
    """Earnings per online hour below which a person counts as under the reference: the US
    federal minimum wage, $7.25 since 2009 (U.S. Department of Labor)."""
