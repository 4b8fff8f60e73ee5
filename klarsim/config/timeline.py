"""The ``timeline:`` and ``guardrails:`` sections: dated actions and rules that react to metrics.

Each timeline entry happens at ``day`` (days from the start) or at a calendar ``date`` (with
``experiment.start_date``) and does one ``action``. A guardrail watches a rolling metric and,
when it crosses its threshold, does its ``then`` action after a delay, then rests for a
cooldown. Which keys may change at run time, and whether dates fall inside the horizon, is
checked in ``checks_timeline.py``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from klarsim.config.ai import Outcomes
from klarsim.config.types import (
    MAX_DAYS,
    NOT_BOOLEAN,
    Days,
    Frozen,
    Name,
    NonNegativeFloat,
    People,
    PositiveDays,
    PositiveFloat,
    PositivePeople,
    Probability,
    Real,
)
from klarsim.units import HOURS_PER_DAY, MINUTES_PER_HOUR

Period = Annotated[
    float,
    NOT_BOOLEAN,
    Field(ge=1 / MINUTES_PER_HOUR, le=MAX_DAYS * HOURS_PER_DAY, allow_inf_nan=False),
]
"""How often something repeats, in hours: from a minute (shorter would flood the event queue)
to the longest horizon."""


def days_from_start(
    day: float | None, date: datetime.date | None, start_date: datetime.date | None
) -> float:
    """A time given as days from the start or as a date (needs ``start_date``), in days."""
    if day is not None:
        return day
    if date is None or start_date is None:
        raise ValueError("a date needs experiment.start_date")
    return float((date - start_date).days)


class Dated(Frozen):
    """When a timeline action happens: ``day`` from the start, or a calendar ``date``."""

    day: Days | None = None
    date: datetime.date | None = None

    @model_validator(mode="after")
    def _one_time(self) -> Dated:
        if (self.day is None) == (self.date is None):
            raise ValueError("expected exactly one of day or date")
        return self

    def at_day(self, start_date: datetime.date | None) -> float:
        """When the action happens, in days from the start."""
        return days_from_start(self.day, self.date, start_date)


class SetValue(Frozen):
    """Set a run-time parameter (a dotted scenario key) to a value."""

    action: Literal["set"]
    key: str
    value: Any


class SetAt(Dated, SetValue):
    """``set`` on the timeline."""


class Ramp(Dated):
    """Move a numeric run-time parameter linearly from ``start_value`` to ``end_value``."""

    action: Literal["ramp"]
    key: str
    end_value: Real
    start_value: Real | None = None
    """Absent: the value in force when the ramp starts."""
    end_day: PositiveDays | None = None
    end_date: datetime.date | None = None
    step_hours: Period = 24.0
    """The value moves in steps this far apart (and reaches ``end_value`` at the end)."""

    @model_validator(mode="after")
    def _one_end(self) -> Ramp:
        if (self.end_day is None) == (self.end_date is None):
            raise ValueError("expected exactly one of end_day or end_date")
        return self

    def end_at_day(self, start_date: datetime.date | None) -> float:
        """When the ramp reaches ``end_value``, in days from the start."""
        return days_from_start(self.end_day, self.end_date, start_date)


class Layoff(Dated):
    """``count`` employees of ``pool`` leave; the pool's target headcount falls by as many."""

    action: Literal["layoff"]
    pool: Name
    count: PositivePeople
    severance_per_head: NonNegativeFloat | None = None
    """Absent: the pool's ``severance_per_head``."""


class Hire(Dated):
    """Open ``count`` positions in an employee pool, or register ``count`` gig agents."""

    action: Literal["hire"]
    pool: Name
    count: PositivePeople


class Freeze(Dated):
    """Stop replacing leavers in ``pool`` (absent: every pool); open positions are withdrawn."""

    action: Literal["freeze"]
    pool: Name | None = None


class Unfreeze(Dated):
    """Replace leavers again, up to the target headcount."""

    action: Literal["unfreeze"]
    pool: Name | None = None


class AiOutage(Dated):
    """The AI is unavailable for a while: all traffic goes to humans."""

    action: Literal["ai_outage"]
    duration_hours: PositiveFloat


class AiUpdate(Dated):
    """A model update: new outcome probabilities for the intents listed (rows sum to 1)."""

    action: Literal["ai_update"]
    outcomes: Annotated[dict[Name, Outcomes], Field(min_length=1)]


TimelineAction = Annotated[
    SetAt | Ramp | Layoff | Hire | Freeze | Unfreeze | AiOutage | AiUpdate,
    Field(discriminator="action"),
]

Metric = Literal["csat_mean", "service_level", "abandonment_rate", "queue_length", "trust_mean"]


class LowerAiShare(Frozen):
    """Step the AI routing share down, not below ``minimum`` (and stop any ramp of it)."""

    action: Literal["lower_ai_share"]
    step: Probability
    minimum: Probability = 0.0


class CallUpGig(Frozen):
    """Ask offline agents of a gig pool to come online."""

    action: Literal["call_up_gig"]
    pool: Name
    agents: PositivePeople


class OpenHiring(Frozen):
    """Lift a pool's freeze and hire up to a target headcount (a lower target stays)."""

    action: Literal["open_hiring"]
    pool: Name
    target_headcount: People


GuardrailAction = Annotated[
    LowerAiShare | CallUpGig | OpenHiring | SetValue, Field(discriminator="action")
]


class Guardrail(Frozen):
    """Watch a rolling metric; when it crosses the threshold, act after a delay, then rest."""

    name: Name
    metric: Metric
    """``csat_mean``, ``service_level`` and ``abandonment_rate`` of contacts that arrived in
    the window and finished; ``queue_length``: mean contacts waiting; ``trust_mean``: mean
    trust of active customers now."""
    below: Real | None = None
    above: Real | None = None
    window_hours: Period = 168.0
    evaluate_every_hours: Period = 24.0
    reaction_delay_hours: NonNegativeFloat = 0.0
    cooldown_days: Days = 7.0
    """After a firing, the rule is not evaluated again for this long."""
    start_day: Days = 0.0
    start_date: datetime.date | None = None
    """First evaluation, as a day or a date (a full window must have passed, too)."""
    then: GuardrailAction

    @model_validator(mode="after")
    def _one_threshold(self) -> Guardrail:
        if (self.below is None) == (self.above is None):
            raise ValueError("expected exactly one of below or above")
        return self

    def first_day(self, start_date: datetime.date | None) -> float:
        """The first day the rule may be evaluated."""
        if self.start_date is None:
            return self.start_day
        return days_from_start(None, self.start_date, start_date)

    @property
    def threshold(self) -> float:
        """The threshold, whichever side it is on."""
        value = self.below if self.below is not None else self.above
        assert value is not None
        return value
