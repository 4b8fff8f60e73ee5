"""The timeline: dated actions that change the scenario while it runs, each logged.

Every action is scheduled as one event at its time; a ramp then steps its key linearly to the
end value (reaching it exactly at the end) unless something else sets the key meanwhile.
"""

from __future__ import annotations

import math
from typing import Any, assert_never

from klarsim.config.schema import EmployeePool, Scenario
from klarsim.config.timeline import (
    AiOutage,
    AiUpdate,
    Freeze,
    Hire,
    Layoff,
    Ramp,
    SetAt,
    TimelineAction,
    Unfreeze,
)
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.control.controls import Controls
from klarsim.model.observers import EventRecord
from klarsim.model.service.ai import AiTier
from klarsim.model.workforce.staff import Workforce
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

TIMELINE = "timeline"


class Timeline:
    """Schedules and carries out the scenario's dated actions."""

    def __init__(
        self,
        env: SimulationEnvironment,
        scenario: Scenario,
        *,
        controls: Controls,
        workforce: Workforce,
        ai: AiTier | None,
        log: EventRecord,
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.controls = controls
        self.workforce = workforce
        self.ai = ai
        self.log = log

    def start(self) -> None:
        """Schedule every action at its time."""
        start_date = self.scenario.experiment.start_date
        for action in self.scenario.timeline:
            Callback(self.env, action.at_day(start_date) * MINUTES_PER_DAY, self._on_due, action)

    def _on_due(self, event: Callback) -> None:
        action: TimelineAction = event.subject
        now = self.env.now
        match action:
            case SetAt():
                self.controls.set(action.key, action.value, now)
                self.log.record(now, TIMELINE, "set", target=action.key, value=action.value)
            case Ramp():
                self._start_ramp(action, now)
            case Layoff() | Hire() | Freeze() | Unfreeze():
                self._workforce_action(action, now)
            case AiOutage() | AiUpdate():
                self._ai_action(action, now)
            case _:
                assert_never(action)

    def _start_ramp(self, ramp: Ramp, now: float) -> None:
        start_value = ramp.start_value
        if start_value is None:
            start_value = float(self.controls.get(ramp.key))
        end_min = ramp.end_at_day(self.scenario.experiment.start_date) * MINUTES_PER_DAY
        stepper = _RampSteps(self, ramp, start_value, now, end_min)
        self.controls.ramps[ramp.key] = stepper
        detail = f"from {start_value:g} to {ramp.end_value:g} by day {end_min / MINUTES_PER_DAY:g}"
        self.log.record(now, TIMELINE, "ramp", target=ramp.key, value=start_value, detail=detail)
        stepper.step(now)

    def _workforce_action(self, action: Layoff | Hire | Freeze | Unfreeze, now: float) -> None:
        match action:
            case Layoff():
                self._layoff(action, now)
            case Hire():
                self.workforce.headcounts[action.pool].hire(action.count, now)
                self.log.record(now, TIMELINE, "hire", target=action.pool, value=action.count)
            case Freeze() | Unfreeze():
                names = [action.pool] if action.pool is not None else list(self.workforce.pools)
                for name in names:
                    self._freeze(name, freeze=isinstance(action, Freeze), now=now)
            case _:
                assert_never(action)

    def _layoff(self, action: Layoff, now: float) -> None:
        spec = self.scenario.pools[action.pool]
        severance = action.severance_per_head
        if severance is None:
            severance = spec.severance_per_head if isinstance(spec, EmployeePool) else 0.0
        left = self.workforce.headcounts[action.pool].layoff(action.count, severance, now)
        self.log.record(
            now, TIMELINE, "layoff", target=action.pool, value=left, detail=f"asked {action.count}"
        )

    def _freeze(self, name: str, *, freeze: bool, now: float) -> None:
        headcount = self.workforce.headcounts[name]
        if freeze:
            withdrawn = headcount.freeze()
            self.log.record(
                now, TIMELINE, "freeze", target=name, value=withdrawn, detail="positions withdrawn"
            )
        else:
            headcount.unfreeze(now)
            self.log.record(
                now, TIMELINE, "unfreeze", target=name, value=headcount.target, detail="target"
            )

    def _ai_action(self, action: AiOutage | AiUpdate, now: float) -> None:
        ai = self.ai
        assert ai is not None, "checked at load time: ai actions need an ai section"
        match action:
            case AiOutage():
                ai.begin_outage()
                Callback(self.env, action.duration_hours * MINUTES_PER_HOUR, _end_outage, ai)
                hours = action.duration_hours
                self.log.record(
                    now, TIMELINE, "ai_outage", target="ai", value=hours, detail="hours"
                )
            case AiUpdate():
                ai.update_outcomes(dict(action.outcomes))
                outcomes = ", ".join(action.outcomes)
                self.log.record(now, TIMELINE, "ai_update", target="ai.outcomes", value=outcomes)
            case _:
                assert_never(action)


def _end_outage(event: Callback) -> None:
    ai: AiTier = event.subject
    ai.end_outage()


class _RampSteps:
    """The steps of one ramp: the value moves linearly and lands on the end value at the end."""

    def __init__(
        self, timeline: Timeline, ramp: Ramp, start_value: float, start_min: float, end_min: float
    ) -> None:
        self.timeline = timeline
        self.ramp = ramp
        self.start_value = start_value
        self.start_min = start_min
        self.end_min = end_min
        self.step_min = ramp.step_hours * MINUTES_PER_HOUR

    def value_at(self, now: float) -> Any:
        """The ramp's value at ``now`` (the end value from the end on)."""
        if now >= self.end_min or self.end_min <= self.start_min:
            return self.ramp.end_value
        share = (now - self.start_min) / (self.end_min - self.start_min)
        return self.start_value + (self.ramp.end_value - self.start_value) * share

    def step(self, now: float) -> None:
        """Set the value for ``now`` and schedule the next step (until the end)."""
        controls = self.timeline.controls
        key = self.ramp.key
        if controls.ramps.get(key) is not self:
            return  # something else set the key: the ramp stops
        controls.set(key, self.value_at(now), now, ramp=self)
        if now >= self.end_min:
            controls.ramps.pop(key, None)
            self.timeline.log.record(
                now, TIMELINE, "ramp_end", target=key, value=self.ramp.end_value
            )
            return
        steps_done = math.floor((now - self.start_min) / self.step_min + 1e-9)
        next_min = min(self.start_min + (steps_done + 1) * self.step_min, self.end_min)
        Callback(self.timeline.env, next_min - now, self._on_step)

    def _on_step(self, event: Callback) -> None:
        self.step(self.timeline.env.now)
