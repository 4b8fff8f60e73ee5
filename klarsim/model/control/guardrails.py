"""Guardrails: rules that watch a rolling metric and act when it crosses a threshold.

Rules are evaluated when an interval closes (every ``evaluate_every_hours``, once a full
window has passed), over the intervals of the last ``window_hours``. A rule that fires is
logged, acts after its reaction delay, and is not evaluated again until its cooldown ends.
Contact metrics use the contacts that arrived in the window and have finished.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from typing import assert_never

from klarsim.config.timeline import (
    CallUpGig,
    Guardrail,
    GuardrailAction,
    LowerAiShare,
    OpenHiring,
    SetValue,
)
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.control.controls import Controls
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.observers import EventRecord
from klarsim.model.workforce.headcount import Book
from klarsim.model.workforce.staff import Workforce
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

GUARDRAIL = "guardrail"
WindowSum = Callable[[str, int, int], float]
"""A statistic summed over the intervals from ``first`` to ``end`` (excluded)."""


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


class Rule:
    """One guardrail and when it may next be evaluated."""

    def __init__(self, spec: Guardrail, interval_min: float, first_day: float) -> None:
        self.spec = spec
        self.window = max(1, math.ceil(spec.window_hours * MINUTES_PER_HOUR / interval_min - 1e-9))
        """Intervals in the window."""
        window_min = self.window * interval_min
        self.next_min = max(first_day * MINUTES_PER_DAY, window_min)

    def crossed(self, value: float) -> bool:
        """Whether ``value`` is on the wrong side of the threshold (NaN never is)."""
        spec = self.spec
        if spec.below is not None:
            return value < spec.below
        return spec.above is not None and value > spec.above


class Guardrails:
    """Evaluates every rule at interval ends and carries out their actions."""

    def __init__(
        self,
        env: SimulationEnvironment,
        specs: Sequence[Guardrail],
        *,
        start_date: datetime.date | None,
        window_sum: WindowSum,
        interval_min: float,
        customers: CustomerBase | None,
        controls: Controls,
        workforce: Workforce,
        log: EventRecord,
        book: Book,
    ) -> None:
        self.env = env
        self.rules = [Rule(spec, interval_min, spec.first_day(start_date)) for spec in specs]
        self._sum = window_sum
        self.interval_min = interval_min
        self.customers = customers
        self.controls = controls
        self.workforce = workforce
        self.log = log
        self._book = book
        self._metrics: dict[str, Callable[[int, int], float]] = {
            "csat_mean": lambda first, end: _ratio(
                self._sum("csat_sum", first, end), self._sum("finished", first, end)
            ),
            "service_level": lambda first, end: _ratio(
                self._sum("answered_in_target", first, end), self._sum("offered_human", first, end)
            ),
            "abandonment_rate": lambda first, end: _ratio(
                self._sum("abandoned", first, end), self._sum("offered_human", first, end)
            ),
            "queue_length": lambda first, end: (
                self._sum("queue_contact_min", first, end) / ((end - first) * interval_min)
            ),
            "trust_mean": lambda first, end: (
                self.customers.mean_trust(self.env.now) if self.customers is not None else math.nan
            ),
        }

    def interval_closed(self, index: int, now: float) -> None:
        """Interval ``index`` just closed at ``now``: evaluate the rules that are due."""
        for rule in self.rules:
            if now + 1e-9 >= rule.next_min:
                self._evaluate(rule, index, now)

    def _evaluate(self, rule: Rule, index: int, now: float) -> None:
        spec = rule.spec
        end = index + 1
        value = self._metrics[spec.metric](max(0, end - rule.window), end)
        every_min = spec.evaluate_every_hours * MINUTES_PER_HOUR
        if not rule.crossed(value):
            rule.next_min = now + every_min
            return
        rule.next_min = now + max(every_min, spec.cooldown_days * MINUTES_PER_DAY)
        side = "below" if spec.below is not None else "above"
        detail = f"{spec.metric} {value:.4g} {side} {spec.threshold:g} over {spec.window_hours:g} h"
        self.log.record(now, GUARDRAIL, "fired", target=spec.name, value=value, detail=detail)
        self._book("guardrail_firings", now, 1)
        Callback(self.env, spec.reaction_delay_hours * MINUTES_PER_HOUR, self._on_react, spec)

    def _on_react(self, event: Callback) -> None:
        spec: Guardrail = event.subject
        self._act(spec.then, spec.name, self.env.now)

    def _act(self, action: GuardrailAction, name: str, now: float) -> None:
        match action:
            case LowerAiShare():
                current = float(self.controls.get("ai.share"))
                share = min(current, max(action.minimum, current - action.step))
                self.controls.set("ai.share", share, now)
                self._log(now, "lower_ai_share", "ai.share", share, name)
            case CallUpGig():
                coming = self.workforce.supplies[action.pool].call_up(action.agents)
                self._log(now, "call_up_gig", action.pool, coming, f"{name}: asked {action.agents}")
            case OpenHiring():
                target = self.workforce.headcounts[action.pool].open_hiring(
                    action.target_headcount, now
                )
                self._log(now, "open_hiring", action.pool, target, name)
            case SetValue():
                self.controls.set(action.key, action.value, now)
                self._log(now, "set", action.key, action.value, name)
            case _:
                assert_never(action)

    def _log(self, now: float, action: str, target: str, value: object, detail: str) -> None:
        self.log.record(now, GUARDRAIL, action, target=target, value=value, detail=detail)
