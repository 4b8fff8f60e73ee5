"""Checks that span several keys (references, sums, time grids), each tied to one dotted key."""

from __future__ import annotations

import math
from collections.abc import Iterator

from klarsim.config.schema import Scenario

MINUTES_PER_DAY = 1440.0
SHARE_TOLERANCE = 1e-6
Finding = tuple[str, str]
"""A dotted key and what is wrong there."""


def cross_checks(scenario: Scenario) -> list[Finding]:
    """Every cross-key problem of a scenario whose single keys are already valid."""
    return [*_experiment(scenario), *_demand(scenario), *_pools(scenario)]


def _experiment(scenario: Scenario) -> Iterator[Finding]:
    experiment = scenario.experiment
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
    for key in ("hourly_profile", "weekly_profile"):
        profile = getattr(demand, key)
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
