"""Who belongs to a pool over time: attrition, the hiring pipeline, freezes and layoffs.

Employees quit at random (a yearly hazard, drawn day by day); while the pool is below its
target headcount and not frozen, a position opens for each missing person. A position is
filled after the time to hire; the hire trains (paid, not serving), then serves with a
proficiency ramp. For a gig pool the same pipeline registers agents: no recruiting delay,
unpaid onboarding, an onboarding fee. Layoffs remove people at once and lower the target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
from simpy.events import Event, Timeout

from klarsim.config.workforce import EmployeePool, GigPool
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.integral import TimeIntegral
from klarsim.model.workforce.pools import Agent, AgentPool
from klarsim.units import DAYS_PER_YEAR, MINUTES_PER_DAY, MINUTES_PER_WEEK

Book = Callable[[str, float, float], None]
"""Adds an amount to a named statistic at a time: (name, now, amount)."""


class Position:
    """An open position or a hire in training; cancelled lazily (its event checks ``active``)."""

    __slots__ = ("active",)

    def __init__(self) -> None:
        self.active = True


class Headcount:
    """The members of one pool over time and what hiring and leaving cost."""

    def __init__(
        self,
        env: SimulationEnvironment,
        pool: AgentPool,
        spec: EmployeePool | GigPool,
        *,
        generator: np.random.Generator,
        book: Book,
        on_change: Callable[[float], None],
        on_join: Callable[[Agent, float], None] | None = None,
        on_leave: Callable[[Agent, float], None] | None = None,
    ) -> None:
        self.env = env
        self.pool = pool
        self.employee = isinstance(spec, EmployeePool)
        initial = spec.headcount if isinstance(spec, EmployeePool) else spec.registered
        self.target = spec.target_headcount if spec.target_headcount is not None else initial
        self.frozen = spec.frozen
        self.replace_leavers = spec.replace_leavers
        self.attrition_per_year = spec.attrition_per_year
        self._generator = generator
        self._book = book
        self.on_change = on_change
        self.on_join = on_join
        """Told of every new member (a gig pool gives it a persona)."""
        self.on_leave = on_leave
        """Told of every member who left (a gig pool closes the person's record)."""
        self.hire_times: list[float] = []
        """When each hire (or registration) started: new people, for the labour table."""
        self.fees: list[tuple[float, float]] = []
        """Hiring, training and onboarding fees paid: (time, amount), for the labour table."""
        self._set_pipeline(spec)
        self.recruiting: list[Position] = []
        self.training: list[Position] = []
        self.wages = TimeIntegral()
        """Trainees' wages per minute."""
        self._attrition_running = False
        for _ in range(initial):
            self._join(Agent(pool), env.now)

    def _set_pipeline(self, spec: EmployeePool | GigPool) -> None:
        if isinstance(spec, EmployeePool):
            hiring = spec.hiring
            self._hire_delay = hiring.time_to_hire_days * MINUTES_PER_DAY
            self._training_min = hiring.training_days * MINUTES_PER_DAY
            self._fee = hiring.cost_per_hire + hiring.training_cost
            paid_share = hiring.trainee_paid_hours_per_week / (MINUTES_PER_WEEK / 60.0)
            self._wage_per_min = spec.cost_per_hour / 60.0 * paid_share
        else:
            self._hire_delay = 0.0
            self._training_min = spec.onboarding_days * MINUTES_PER_DAY
            self._fee = spec.onboarding_cost
            self._wage_per_min = 0.0

    @property
    def people(self) -> int:
        """Members and people in training (the headcount)."""
        return len(self.pool.members) + len(self.training)

    def start(self) -> None:
        """Start attrition and fill the positions the target calls for."""
        self.set_attrition(self.attrition_per_year)
        self.refill(self.env.now)

    def set_attrition(self, per_year: float) -> None:
        """A new yearly quit hazard, in force from the next day's draw (a gig pool's people
        drop out through its supply, which reads the hazard day by day)."""
        self.attrition_per_year = per_year
        if per_year > 0 and self.employee and not self._attrition_running:
            self._attrition_running = True
            self.env.process(self._attrition())

    def _attrition(self) -> Generator[Event, None, None]:
        while True:
            daily = -math.expm1(-self.attrition_per_year / DAYS_PER_YEAR)
            people = self.people
            quits = int(self._generator.binomial(people, daily)) if people else 0
            for offset in np.sort(self._generator.uniform(0.0, MINUTES_PER_DAY, quits)):
                Callback(self.env, float(offset), self._on_quit)
            yield Timeout(self.env, MINUTES_PER_DAY)

    def _on_quit(self, event: Callback) -> None:
        now = self.env.now
        if self.people == 0 or not self._remove_someone(now, members_first=False):
            return
        self._left(now)

    def quit(self, agent: Agent, now: float) -> None:
        """One given member leaves of their own accord (a gig person dropping out)."""
        self._remove(agent, now)
        self._left(now)

    def _left(self, now: float) -> None:
        """Book a leaver and replace them if the pool does."""
        self._book("quits" if self.employee else "gig_dropouts", now, 1)
        if not self.replace_leavers:
            self.target = max(0, self.target - 1)
        self.on_change(now)
        self.refill(now)

    def _remove_someone(self, now: float, *, members_first: bool) -> bool:
        """Remove one person chosen at random (members before trainees if asked)."""
        members = self.pool.members
        pick_from = len(members) if members_first and members else self.people
        if pick_from == 0:
            return False
        index = int(self._generator.integers(pick_from))
        if index < len(members):
            self._remove(members[index], now)
        else:
            trainee = self.training.pop(index - len(members))
            trainee.active = False
            self.wages.add(now, -self._wage_per_min)
        return True

    def _remove(self, agent: Agent, now: float) -> None:
        self.pool.remove_member(agent, now)
        if self.on_leave is not None:
            self.on_leave(agent, now)

    def _join(self, agent: Agent, now: float) -> None:
        self.pool.add_member(agent)
        if self.on_join is not None:
            self.on_join(agent, now)

    def refill(self, now: float) -> None:
        """Open positions up to the target headcount, unless hiring is frozen."""
        if self.frozen:
            return
        for _ in range(self.target - self.people - len(self.recruiting)):
            self._open_position()

    def _open_position(self) -> None:
        position = Position()
        self.recruiting.append(position)
        Callback(self.env, self._hire_delay, self._on_hired, position)

    def _on_hired(self, event: Callback) -> None:
        position: Position = event.subject
        if not position.active:
            return
        now = self.env.now
        self.recruiting.remove(position)
        self.hire_times.append(now)
        self._book("hires" if self.employee else "gig_registrations", now, 1)
        self._book("cost_hiring_fees" if self.employee else "gig_onboarding", now, self._fee)
        if self._fee > 0:
            self.fees.append((now, self._fee))
        self.training.append(position)
        self.wages.add(now, self._wage_per_min)
        Callback(self.env, self._training_min, self._on_trained, position)

    def _on_trained(self, event: Callback) -> None:
        trainee: Position = event.subject
        if not trainee.active:
            return
        now = self.env.now
        self.training.remove(trainee)
        self.wages.add(now, -self._wage_per_min)
        ramp = self.pool.ramp_min
        self._join(Agent(self.pool, ramp_until=now + ramp if ramp > 0 else -1.0), now)
        self.on_change(now)

    def layoff(self, count: int, severance_per_head: float, now: float) -> int:
        """Lay off up to ``count`` people (trained ones first); return how many left."""
        leavers = 0
        while leavers < count and self._remove_someone(now, members_first=True):
            leavers += 1
        self._book("laid_off", now, leavers)
        self._book("cost_severance", now, leavers * severance_per_head)
        self.set_target(max(0, self.target - count), now)
        self.on_change(now)
        return leavers

    def hire(self, count: int, now: float) -> None:
        """Open ``count`` positions now (even under a freeze) and raise the target as much."""
        self.target += count
        for _ in range(count):
            self._open_position()

    def freeze(self) -> int:
        """Stop hiring: open positions are withdrawn; return how many."""
        self.frozen = True
        withdrawn = len(self.recruiting)
        for position in self.recruiting:
            position.active = False
        self.recruiting.clear()
        return withdrawn

    def unfreeze(self, now: float) -> None:
        """Hire again up to the target."""
        self.frozen = False
        self.refill(now)

    def open_hiring(self, at_least: int, now: float) -> int:
        """Lift a freeze and raise the target to ``at_least`` (never lower it); the target."""
        self.frozen = False
        self.set_target(max(self.target, at_least), now)
        return self.target

    def set_target(self, target: int, now: float) -> None:
        """A new target headcount: withdraw surplus open positions, open missing ones."""
        self.target = target
        while self.recruiting and self.people + len(self.recruiting) > target:
            self.recruiting.pop().active = False
        self.refill(now)
