"""Scaled-down scenarios for fast what-ifs: ``experiment.scale`` multiplies the centre's size.

Demand, the customer population, headcounts (employees, registered gig agents, targets,
rosters and the headcount they are drawn for), hires, layoffs, call-ups, the AI's concurrency
cap and its monthly platform fee are multiplied by the scale (counts rounded, never below one
where they were at least one). Volume and cost results are then reported extrapolated to full
scale as ``*_full_scale`` columns.

Queue lengths do not grow in proportion to a centre: in a centre staffed by the square-root
rule (load plus a multiple of its square root), the queue is of the order of the square root
of the load. Thresholds on a queue's length (gig call-ups, guardrails on ``queue_length``)
are therefore multiplied by the square root of the scale, so a scaled centre calls for help at
the same point of its queueing as the full one. Queueing results still do not scale exactly
(a small pool at the same occupancy waits longer than a large one), so waits, service levels
and abandonment from a strongly scaled run are pessimistic for the full-size centre.
"""

from __future__ import annotations

import math
from typing import Any

from klarsim.config.schema import Scenario

SCALED_AMOUNTS = (
    "demand.contacts_per_day",
    "ai.pricing.platform_cost_per_month",
    "pools.*.roster.hours_of_week.*",
    "pools.*.roster.shifts.*.agents",
    "pools.*.roster.for_headcount",
)
"""Dotted paths multiplied by the scale (``*``: every entry of a mapping or list)."""
SCALED_COUNTS = (
    "customers.population",
    "ai.concurrency",
    "pools.*.headcount",
    "pools.*.registered",
    "pools.*.target_headcount",
    "pools.*.call_up.agents",
    "timeline.*.count",
    "guardrails.*.then.agents",
    "guardrails.*.then.target_headcount",
)
"""Dotted paths multiplied and rounded."""
SCALED_QUEUE_LENGTHS = ("pools.*.call_up.queue_threshold",)
"""Dotted paths multiplied by the square root of the scale and rounded (queue lengths)."""


def scaled(scenario: Scenario) -> Scenario:
    """The scenario at its ``experiment.scale`` (itself when the scale is 1)."""
    scale = scenario.experiment.scale
    if scale == 1:
        return scenario
    data = scenario.model_dump()
    for path in SCALED_AMOUNTS:
        _apply(data, path.split("."), lambda value: value * scale)
    for path in SCALED_COUNTS:
        _apply(data, path.split("."), lambda value: _count(value, scale))
    queue_scale = math.sqrt(scale)
    for path in SCALED_QUEUE_LENGTHS:
        _apply(data, path.split("."), lambda value: _count(value, queue_scale))
    for rule in data.get("guardrails") or []:
        if rule["metric"] == "queue_length":  # a queue's length: it grows as the square root
            for side in ("below", "above"):
                if rule.get(side) is not None:
                    rule[side] *= queue_scale
    data["experiment"]["scale"] = scale
    return Scenario.model_validate(data)


def _count(value: int, scale: float) -> int:
    rounded = int(value * scale + 0.5)
    return max(rounded, 1) if value >= 1 else rounded


def _apply(node: Any, parts: list[str], change: Any) -> None:
    if not isinstance(node, dict | list):
        return
    head, *rest = parts
    keys: list[Any] = list(range(len(node)) if isinstance(node, list) else node)
    if head != "*":
        keys = [head] if isinstance(node, dict) and head in node else []
    for key in keys:
        if node[key] is None:
            continue
        if rest:
            _apply(node[key], rest, change)
        else:
            node[key] = change(node[key])
