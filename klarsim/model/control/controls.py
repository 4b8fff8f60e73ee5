"""The model's run-time parameters by dotted key: read and changed by the timeline and guardrails.

Every key of ``klarsim.config.runtime_keys.RUNTIME_KEYS`` that exists in the scenario is
bound here to the live object that holds it, so a change takes effect at once (a new pay
rate from now on, a new roster scale at the next re-staffing, a new AI share for the next
arrival). A ramp in progress on a key stops when anything else sets that key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from klarsim.config.workforce import EmployeePool
from klarsim.model.service.ai import AiTier
from klarsim.model.service.journey import Journey
from klarsim.model.workforce.staff import Workforce

Getter = Callable[[], Any]
Setter = Callable[[Any, float], None]


@dataclass(frozen=True)
class Control:
    """How to read and change one run-time parameter."""

    get: Getter
    set: Setter


class Controls:
    """Run-time parameters by dotted key, bound to the live model."""

    def __init__(self, journey: Journey, ai: AiTier | None, workforce: Workforce) -> None:
        self._controls: dict[str, Control] = {}
        self.ramps: dict[str, object] = {}
        """The ramp currently driving each key (a ramp checks it is still the owner)."""
        if ai is not None:
            self._bind_ai(ai, journey)
        self._bind(
            "routing.recontact_priority",
            lambda: journey.recontact_priority,
            lambda value, now: setattr(journey, "recontact_priority", bool(value)),
        )
        for name in workforce.pools:
            self._bind_pool(workforce, name)

    def _bind(self, key: str, get: Getter, set_: Setter) -> None:
        self._controls[key] = Control(get, set_)

    def _bind_ai(self, ai: AiTier, journey: Journey) -> None:
        self._bind("ai.share", lambda: ai.share, lambda v, now: setattr(ai, "share", float(v)))
        self._bind(
            "ai.human_on_request",
            lambda: journey.human_on_request,
            lambda v, now: setattr(journey, "human_on_request", bool(v)),
        )
        self._bind(
            "ai.excluded_intents",
            lambda: [name for name, out in zip(ai.intent_names, ai.excluded, strict=True) if out],
            lambda v, now: ai.exclude(list(v)),
        )
        self._bind(
            "ai.handoff.with_context",
            lambda: not journey.lost_context,
            lambda v, now: setattr(journey, "lost_context", not v),
        )
        self._bind(
            "ai.handoff.priority",
            lambda: journey.escalation_priority,
            lambda v, now: setattr(journey, "escalation_priority", bool(v)),
        )

    def _bind_pool(self, workforce: Workforce, name: str) -> None:
        pool, headcount = workforce.pools[name], workforce.headcounts[name]
        prefix = f"pools.{name}."
        self._bind(
            prefix + "handle_time_multiplier",
            lambda: pool.handle_time_multiplier,
            lambda v, now: setattr(pool, "handle_time_multiplier", float(v)),
        )
        self._bind(
            prefix + "resolution_probability",
            lambda: pool.resolution_probability,
            lambda v, now: setattr(pool, "resolution_probability", float(v)),
        )
        self._bind(
            prefix + "target_headcount",
            lambda: headcount.target,
            lambda v, now: headcount.set_target(round(v), now),
        )
        self._bind(
            prefix + "attrition_per_year",
            lambda: headcount.attrition_per_year,
            lambda v, now: headcount.set_attrition(float(v)),
        )
        if isinstance(pool.spec, EmployeePool):
            self._bind_staffing(workforce, name)
        else:
            self._bind_gig(workforce, name)

    def _bind_staffing(self, workforce: Workforce, name: str) -> None:
        staffing = workforce.staffing[name]
        prefix = f"pools.{name}."

        def restaffed(attribute: str) -> Setter:
            def change(value: Any, now: float) -> None:
                setattr(staffing, attribute, float(value))
                staffing.update(now)

            return change

        for attribute in ("cost_per_hour", "shrinkage"):
            self._bind(
                prefix + attribute,
                lambda attribute=attribute: getattr(staffing, attribute),  # type: ignore[misc]
                restaffed(attribute),
            )

    def _bind_gig(self, workforce: Workforce, name: str) -> None:
        supply = workforce.supplies[name]
        payroll = supply.payroll
        prefix = f"pools.{name}."
        self._bind(
            prefix + "online_probability",
            lambda: supply.online_probability,
            lambda v, now: setattr(supply, "online_probability", v),
        )
        for key in ("per_engaged_min", "per_contact", "guaranteed_per_online_hour"):
            self._bind(
                f"{prefix}pay.{key}",
                lambda key=key: getattr(payroll, key),  # type: ignore[misc]
                lambda v, now, key=key: setattr(payroll, key, float(v)),  # type: ignore[misc]
            )

    def keys(self) -> list[str]:
        """Every key that can change in this model."""
        return list(self._controls)

    def get(self, key: str) -> Any:
        """The value in force now."""
        return self._controls[key].get()

    def set(self, key: str, value: Any, now: float, *, ramp: object | None = None) -> None:
        """Change a parameter now; a change by anything but the owning ramp stops that ramp."""
        if self.ramps.get(key) is not ramp:
            self.ramps.pop(key, None)
        self._controls[key].set(value, now)
