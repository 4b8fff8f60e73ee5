"""Which scenario keys may change while a model runs (timeline ``set``/``ramp``, guardrails).

Each entry is a dotted pattern (``*`` stands for a pool name) and what the key needs to exist:
an AI tier, any pool, an employee pool or a gig pool. ``numeric`` keys may also be ramped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from klarsim.config.schema import Scenario
from klarsim.config.workforce import EmployeePool, GigPool

Needs = Literal["ai", "pool", "employee", "gig", "nothing"]


@dataclass(frozen=True)
class RuntimeKey:
    """A key the model can change at run time."""

    pattern: str
    needs: Needs
    numeric: bool


RUNTIME_KEYS = (
    RuntimeKey("ai.share", "ai", numeric=True),
    RuntimeKey("ai.human_on_request", "ai", numeric=False),
    RuntimeKey("ai.excluded_intents", "ai", numeric=False),
    RuntimeKey("ai.handoff.with_context", "ai", numeric=False),
    RuntimeKey("ai.handoff.priority", "ai", numeric=False),
    RuntimeKey("pools.*.handle_time_multiplier", "pool", numeric=True),
    RuntimeKey("pools.*.resolution_probability", "pool", numeric=True),
    RuntimeKey("pools.*.target_headcount", "pool", numeric=True),
    RuntimeKey("pools.*.attrition_per_year", "pool", numeric=True),
    RuntimeKey("pools.*.cost_per_hour", "employee", numeric=True),
    RuntimeKey("pools.*.shrinkage", "employee", numeric=True),
    RuntimeKey("pools.*.online_probability", "gig", numeric=True),
    RuntimeKey("pools.*.pay.per_engaged_min", "gig", numeric=True),
    RuntimeKey("pools.*.pay.per_contact", "gig", numeric=True),
    RuntimeKey("pools.*.pay.guaranteed_per_online_hour", "gig", numeric=True),
    RuntimeKey("routing.recontact_priority", "nothing", numeric=False),
)


def runtime_key(key: str, scenario: Scenario) -> RuntimeKey | str:
    """The runtime key ``key`` matches in this scenario, or why it cannot change at run time."""
    parts = key.split(".")
    for entry in RUNTIME_KEYS:
        pattern = entry.pattern.split(".")
        if len(pattern) != len(parts):
            continue
        if all(want in ("*", part) for want, part in zip(pattern, parts, strict=True)):
            problem = _unmet(entry, parts, scenario)
            return entry if problem is None else problem
    keys = ", ".join(entry.pattern.replace("*", "POOL") for entry in RUNTIME_KEYS)
    return f"{key!r} cannot change while the model runs; expected one of: {keys}"


def _unmet(entry: RuntimeKey, parts: list[str], scenario: Scenario) -> str | None:
    """Why the scenario lacks what the key needs (None: nothing lacking)."""
    if entry.needs == "ai":
        return None if scenario.ai is not None else "the scenario has no ai section"
    if entry.needs == "nothing":
        return None
    pool = scenario.pools.get(parts[1])
    if pool is None:
        return f"unknown pool {parts[1]!r}; expected one of: {', '.join(scenario.pools)}"
    kinds: dict[str, type[EmployeePool] | type[GigPool]] = {
        "employee": EmployeePool,
        "gig": GigPool,
    }
    wanted = kinds.get(entry.needs)
    if wanted is not None and not isinstance(pool, wanted):
        return f"{'.'.join(parts)} needs a pool of kind {entry.needs}"
    return None
