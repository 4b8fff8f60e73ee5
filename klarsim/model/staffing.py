"""Employee staffing: the weekly roster, scaled by trained headcount, less shrinkage.

The roster gives agents per moment of the week at the pool's configured ``headcount``; with
more or fewer trained employees every count scales in proportion. Rostered time is paid at
``cost_per_hour``; a share ``shrinkage`` of it is lost to breaks, training and absence, so
round(rostered x (1 - shrinkage)) agents are on duty.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy
from simpy.events import Event, Timeout

from klarsim.config.roster import WeeklySchedule
from klarsim.config.workforce import EmployeePool, Roster
from klarsim.metrics.integral import TimeIntegral
from klarsim.model.workforce import Pool

MINUTES_PER_HOUR = 60.0


class Staffing:
    """Keeps an employee pool's on-duty count at its roster and pays for rostered time."""

    def __init__(self, env: simpy.Environment, pool: Pool, spec: EmployeePool) -> None:
        self.env = env
        self.pool = pool
        self.schedule = WeeklySchedule.of(spec.roster) if isinstance(spec.roster, Roster) else None
        self.reference = spec.headcount
        self.shrinkage = spec.shrinkage
        self.cost_per_hour = spec.cost_per_hour
        self.rostered = 0.0
        """Rostered agents at the configured headcount, now."""
        self.paid = TimeIntegral()
        """Rostered agents (paid, before shrinkage)."""
        self.cost = TimeIntegral()
        """Cost per minute of rostered time."""

    def start(self) -> None:
        """Staff the pool now and follow the roster from here on."""
        if self.schedule is not None:
            self.env.process(self._follow_roster(self.schedule))
        else:
            self.update(self.env.now)

    def _follow_roster(self, schedule: WeeklySchedule) -> Generator[Event, None, None]:
        while True:
            now = self.env.now
            self.rostered = schedule.at(now)
            self.update(now)
            yield Timeout(self.env, schedule.next_change(now) - now)

    def scheduled(self) -> float:
        """Agents rostered now, scaled to the trained headcount (paid time)."""
        trained = len(self.pool.members)
        if self.schedule is None:
            return float(trained)
        return self.rostered * trained / self.reference if self.reference else 0.0

    def update(self, now: float) -> None:
        """Re-staff after a roster change or a change of headcount, shrinkage or pay."""
        scheduled = self.scheduled()
        self.paid.set(now, scheduled)
        self.cost.set(now, scheduled * self.cost_per_hour / MINUTES_PER_HOUR)
        self.pool.set_on_duty(int(scheduled * (1.0 - self.shrinkage) + 0.5), now)
