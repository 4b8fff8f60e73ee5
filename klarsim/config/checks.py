"""Checks that span several keys (references, sums, time grids), each tied to one dotted key.

These are the checks of the scenario as it starts; the timeline and guardrails, which change
it while it runs, are checked by ``klarsim.config.checks_timeline`` against these.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from klarsim.config.ai import DEFAULT_OUTCOME
from klarsim.config.schema import Scenario
from klarsim.config.uncertain import uncertain_checks
from klarsim.units import MINUTES_PER_DAY

SHARE_TOLERANCE = 1e-6
MAX_INTERVALS = 200_000
"""Timeseries rows of one replication: the engine keeps about 60 sums per row (some 350 MB
at this bound); ten years of 30-minute rows fit."""
Finding = tuple[str, str]
"""A dotted key and what is wrong there."""


def starting_checks(scenario: Scenario) -> list[Finding]:
    """Every cross-key problem of a scenario's starting values (single keys already valid)."""
    return [
        *_experiment(scenario),
        *_demand(scenario),
        *_pools(scenario),
        *_ai(scenario),
        *_uncertain(scenario),
    ]


def _uncertain(scenario: Scenario) -> Iterator[Finding]:
    if scenario.uncertain:
        yield from uncertain_checks(scenario.model_dump(mode="json"), scenario.uncertain)


def _experiment(scenario: Scenario) -> Iterator[Finding]:
    experiment = scenario.experiment
    intervals = experiment.horizon_days * MINUTES_PER_DAY / experiment.interval_min
    if intervals > MAX_INTERVALS:
        yield (
            "experiment.interval_min",
            f"expected at most {MAX_INTERVALS:,} intervals in the horizon "
            f"({experiment.horizon_days:g} days), got {intervals:,.0f}; "
            "widen interval_min or shorten horizon_days",
        )
    if experiment.warmup_days >= experiment.horizon_days:
        yield (
            "experiment.warmup_days",
            f"expected less than horizon_days ({experiment.horizon_days:g}), "
            f"got {experiment.warmup_days:g}",
        )
    for key in ("horizon_days", "warmup_days"):
        minutes = getattr(experiment, key) * MINUTES_PER_DAY
        if not _is_multiple(minutes, experiment.interval_min):
            yield (
                f"experiment.{key}",
                f"expected a whole number of intervals of interval_min "
                f"({experiment.interval_min:g} min), got {minutes:g} min",
            )


def _demand(scenario: Scenario) -> Iterator[Finding]:
    demand = scenario.demand
    total = math.fsum(intent.share for intent in demand.intents.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        yield "demand.intents", f"expected intent shares that sum to 1, got {total:.6g}"
    profiles = {key: getattr(demand, key) for key in ("hourly_profile", "weekly_profile")}
    for weekday, shape in demand.hourly_profile_by_weekday.items():
        profiles[f"hourly_profile_by_weekday.{weekday}"] = shape
    for key, profile in profiles.items():
        if profile != "flat" and math.fsum(profile) <= 0:
            yield f"demand.{key}", "expected at least one positive weight, got all zeros"


def _pools(scenario: Scenario) -> Iterator[Finding]:
    intents = scenario.demand.intents
    for pool_name, pool in scenario.pools.items():
        for index, skill in enumerate(pool.skills):
            if skill not in intents:
                yield (
                    f"pools.{pool_name}.skills.{index}",
                    f"unknown intent {skill!r}; expected one of: {', '.join(intents)}",
                )
    served = {skill for pool in scenario.pools.values() for skill in pool.skills}
    for intent_name in intents:
        if intent_name not in served:
            yield f"demand.intents.{intent_name}", "no pool has this intent in its skills"


def _is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-9 * max(1.0, ratio)


def _ai(scenario: Scenario) -> Iterator[Finding]:
    ai = scenario.ai
    if ai is None:
        return
    intents = scenario.demand.intents
    known = ", ".join(intents)
    for name, outcomes in ai.outcomes.items():
        if name != DEFAULT_OUTCOME and name not in intents:
            yield f"ai.outcomes.{name}", f"unknown intent; expected 'default' or one of: {known}"
        if abs(outcomes.total() - 1.0) > SHARE_TOLERANCE:
            yield (
                f"ai.outcomes.{name}",
                f"expected probabilities that sum to 1, got {outcomes.total():.6g}",
            )
    for index, name in enumerate(ai.excluded_intents):
        if name not in intents:
            yield (
                f"ai.excluded_intents.{index}",
                f"unknown intent {name!r}; expected one of: {known}",
            )
    uncovered = [
        name for name in intents if name not in ai.outcomes and name not in ai.excluded_intents
    ]
    if uncovered and DEFAULT_OUTCOME not in ai.outcomes:
        yield "ai.outcomes", f"expected a 'default' row or rows for: {', '.join(uncovered)}"
    horizon = scenario.experiment.horizon_days
    for index, outage in enumerate(ai.outages):
        if outage.start_day >= horizon:
            yield (
                f"ai.outages.{index}.start_day",
                f"expected a day within the horizon (< {horizon:g}), got {outage.start_day:g}",
            )
