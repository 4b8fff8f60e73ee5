"""Employee staffing: the weekly roster, scaled by trained headcount, less shrinkage.

The roster gives the shape of the week, drawn for its reference headcount (``for_headcount``,
else the people its paid hours imply); the trained employees give the level: every count is
multiplied by trained / reference, so a larger ``headcount`` staffs more agents. Rostered
time is paid at ``cost_per_hour``; a share ``shrinkage`` of it is lost to breaks, training
and absence, so rostered x (1 - shrinkage) agents are on duty on average. A fractional count
is rounded up with probability equal to its fraction (and down otherwise), so a small or
scaled-down pool keeps its staffing on average instead of losing every fraction to rounding;
whole counts (an ``always`` pool without shrinkage: an exact M/M/c server) draw nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

from simpy.events import Event, Timeout

from klarsim.config.roster import WeeklySchedule, reference_headcount
from klarsim.config.workforce import EmployeePool, Roster
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.integral import TimeIntegral
from klarsim.model.workforce.pools import AgentPool
from klarsim.units import HOURS_PER_WEEK, MINUTES_PER_HOUR, MINUTES_PER_WEEK


class Staffing:
    """Keeps an employee pool's on-duty count at its roster and pays for rostered time."""

    def __init__(
        self,
        env: SimulationEnvironment,
        pool: AgentPool,
        spec: EmployeePool,
        rounding: Callable[[], float],
    ) -> None:
        self.env = env
        self._rounding = rounding
        """Uniforms that round fractional on-duty counts up or down."""
        self._on_duty_target = (-1.0, 0)
        """The last fractional target and the whole count it was rounded to."""
        self.pool = pool
        self.schedule = WeeklySchedule.of(spec.roster) if isinstance(spec.roster, Roster) else None
        roster = spec.roster if isinstance(spec.roster, Roster) else None
        self.reference = reference_headcount(roster) if roster is not None else spec.headcount
        """The headcount the roster's counts are drawn for."""
        self.shrinkage = spec.shrinkage
        self.cost_per_hour = spec.cost_per_hour
        self.rostered = 0.0
        """Rostered agents at the roster's reference headcount, now."""
        self.paid = TimeIntegral()
        """Rostered agents (paid, before shrinkage)."""
        self.cost = TimeIntegral()
        """Cost per minute of rostered time."""

    def start(self) -> None:
        """Staff the pool now and follow the roster (or, without one, the hours) from here on."""
        if self.schedule is not None:
            self.env.process(self._follow_roster(self.schedule))
        else:
            self.env.process(self._every_hour())

    def _follow_roster(self, schedule: WeeklySchedule) -> Generator[Event, None, None]:
        while True:
            now = self.env.now
            self.rostered = schedule.at(now)
            self.update(now, redraw=True)
            yield Timeout(self.env, min(schedule.next_change(now), now + MINUTES_PER_HOUR) - now)

    def _every_hour(self) -> Generator[Event, None, None]:
        """Without a roster: re-staff every hour (a fractional count is rounded anew)."""
        while True:
            self.update(self.env.now, redraw=True)
            yield Timeout(self.env, MINUTES_PER_HOUR)

    def paid_hours_per_person_week(self) -> float:
        """Paid hours a week per employee: the roster's hours over its reference headcount
        (``always``: every hour of the week); one person's share of a full-time job."""
        schedule = self.schedule
        if schedule is None:
            return float(HOURS_PER_WEEK)
        ends = [*schedule.starts[1:], MINUTES_PER_WEEK]
        agent_min = sum(
            value * (end - start)
            for start, end, value in zip(schedule.starts, ends, schedule.values, strict=True)
        )
        return agent_min / MINUTES_PER_HOUR / self.reference if self.reference else 0.0

    def scheduled(self) -> float:
        """Agents rostered now, scaled to the trained headcount (paid time)."""
        trained = len(self.pool.members)
        if self.schedule is None:
            return float(trained)
        return self.rostered * trained / self.reference if self.reference else 0.0

    def update(self, now: float, *, redraw: bool = False) -> None:
        """Re-staff after a roster change, an hour, or a change of headcount, shrinkage or pay."""
        scheduled = self.scheduled()
        self.paid.set(now, scheduled)
        self.cost.set(now, scheduled * self.cost_per_hour / MINUTES_PER_HOUR)
        self.pool.set_on_duty(self._whole(scheduled * (1.0 - self.shrinkage), redraw), now)

    def _whole(self, target: float, redraw: bool) -> int:
        """Round ``target`` up with probability its fraction (kept until the hour or it changes)."""
        last_target, last_count = self._on_duty_target
        if target == last_target and not redraw:
            return last_count
        whole = math.floor(target)
        fraction = target - whole
        count = whole + 1 if fraction > 1e-9 and self._rounding() < fraction else whole
        self._on_duty_target = (target, count)
        return count
