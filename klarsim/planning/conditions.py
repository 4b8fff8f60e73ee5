"""The conditions in force on a day of a scenario, and the months a capacity plan covers.

A month is planned under the conditions at its middle: every timeline ``set`` and ``ramp``
dated before then (a ramp at the value its last step set), every ``ai_update``, the gig supply
onboarded by then and demand grown to then (see ``klarsim.planning.capacity``).
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from klarsim.config import Scenario
from klarsim.config.overrides import apply_overrides
from klarsim.config.timeline import AiUpdate, Hire, Ramp, SetAt, TimelineAction
from klarsim.config.workforce import GigPool
from klarsim.units import DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR, HOURS_PER_DAY


@dataclass(frozen=True)
class Month:
    """One month of the horizon: its label and the days from the start it covers."""

    index: int
    label: str
    start_day: float
    end_day: float

    @property
    def middle_day(self) -> float:
        """The day whose conditions the month is planned for."""
        return (self.start_day + self.end_day) / 2

    @property
    def weeks(self) -> float:
        """The month's length in weeks (the part within the horizon)."""
        return (self.end_day - self.start_day) / DAYS_PER_WEEK


def months(scenario: Scenario) -> tuple[Month, ...]:
    """The months of the horizon: calendar months with a start date, else 30.4-day blocks."""
    horizon = scenario.experiment.horizon_days
    start_date = scenario.experiment.start_date
    if start_date is None:
        count = math.ceil(horizon / DAYS_PER_MONTH - 1e-9)
        return tuple(
            Month(i, str(i + 1), i * DAYS_PER_MONTH, min((i + 1) * DAYS_PER_MONTH, horizon))
            for i in range(count)
        )
    found: list[Month] = []
    first = start_date.replace(day=1)
    while (start := max((first - start_date).days, 0)) < horizon:
        following = _next_month(first)
        end = min(float((following - start_date).days), horizon)
        found.append(Month(len(found), first.strftime("%Y-%m"), float(start), end))
        first = following
    return tuple(found)


def _next_month(first: datetime.date) -> datetime.date:
    days = calendar.monthrange(first.year, first.month)[1]
    return first + datetime.timedelta(days=days)


def conditions_at(scenario: Scenario, day: float) -> Scenario:
    """The scenario as it stands on ``day``: timeline changes so far applied, demand grown to
    ``day``, gig supply onboarded; no timeline or guardrails left (employee headcounts are
    the starting ones)."""
    data = scenario.model_dump(mode="json")
    start_date = scenario.experiment.start_date
    values = _values_at(scenario, day)
    data = apply_overrides(data, list(values.items()))
    for action in _due(scenario.timeline, day, start_date):
        if isinstance(action, AiUpdate) and data.get("ai") is not None:
            for intent, outcome in action.outcomes.items():
                data["ai"]["outcomes"][intent] = outcome.model_dump(mode="json")
    for name, registered in _gig_supply(scenario, day).items():
        data["pools"][name]["registered"] = registered
    demand = data["demand"]
    demand["contacts_per_day"] *= (1.0 + demand["growth_per_year"]) ** (day / DAYS_PER_YEAR)
    demand["growth_per_year"] = 0.0
    data["timeline"] = []
    data["guardrails"] = []
    return Scenario.model_validate(data)


def _due(
    timeline: Sequence[TimelineAction], day: float, start_date: datetime.date | None
) -> list[TimelineAction]:
    """Actions dated up to ``day``, in the order they happen (ties in listed order)."""
    due = [action for action in timeline if action.at_day(start_date) <= day]
    return sorted(due, key=lambda action: action.at_day(start_date))


def _values_at(scenario: Scenario, day: float) -> dict[str, Any]:
    """Each key a ``set`` or ``ramp`` changed by ``day``, with its value then."""
    start_date = scenario.experiment.start_date
    values: dict[str, Any] = {}
    ramps: dict[str, tuple[Ramp, float, float]] = {}
    for action in _due(scenario.timeline, day, start_date):
        if isinstance(action, SetAt):
            ramps.pop(action.key, None)
            values[action.key] = action.value
        elif isinstance(action, Ramp):
            began = action.at_day(start_date)
            current = _current(scenario, action.key, values, ramps, began)
            start_value = action.start_value if action.start_value is not None else current
            ramps[action.key] = (action, float(start_value), began)
    for key, (ramp, start_value, began) in ramps.items():
        values[key] = ramp_value(ramp, start_value, began, day, start_date)
    return values


def _current(
    scenario: Scenario,
    key: str,
    values: dict[str, Any],
    ramps: dict[str, tuple[Ramp, float, float]],
    day: float,
) -> Any:
    """The value of ``key`` on ``day``: a running ramp's, the last set, or the scenario's."""
    if key in ramps:
        ramp, start_value, began = ramps[key]
        return ramp_value(ramp, start_value, began, day, scenario.experiment.start_date)
    if key in values:
        return values[key]
    node: Any = scenario.model_dump(mode="json")
    for part in key.split("."):
        node = node[part]
    return node


def ramp_value(
    ramp: Ramp, start_value: float, began: float, day: float, start_date: datetime.date | None
) -> float:
    """The value a ramp's last step before ``day`` set: it moves in steps of ``step_hours``
    from ``start_value`` on ``began`` to ``end_value`` at its end (as the model steps it)."""
    end = ramp.end_at_day(start_date)
    if day >= end or end <= began:
        return ramp.end_value
    step_days = ramp.step_hours / HOURS_PER_DAY
    stepped = began + math.floor((day - began) / step_days + 1e-9) * step_days
    return start_value + (ramp.end_value - start_value) * (stepped - began) / (end - began)


def _gig_supply(scenario: Scenario, day: float) -> dict[str, int]:
    """Registered agents of each gig pool on ``day``: the starting ones and those hired and
    onboarded by then (gig pools have no layoffs; their attrition is not followed)."""
    start_date = scenario.experiment.start_date
    supply: dict[str, int] = {}
    for name, pool in scenario.pools.items():
        if not isinstance(pool, GigPool):
            continue
        onboarded = [
            action.count
            for action in scenario.timeline
            if isinstance(action, Hire)
            and action.pool == name
            and action.at_day(start_date) + pool.onboarding_days <= day
        ]
        supply[name] = pool.registered + sum(onboarded)
    return supply
