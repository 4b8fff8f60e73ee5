"""The gig pool: who is online, call-ups when the queue grows, and pay for engaged time.

At the start of every block each registered agent is online with the block's probability
(a binomial draw of the count; agents already online stay on first). A call-up asks offline
agents to come: each may not show, the others log on after a delay and stay a while. Pay is
per engaged minute (at least one contact) and per contact, idle time unpaid; a guaranteed
minimum per online hour is topped up per agent at the end of each block or session.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable

import simpy
from simpy.events import Event, Timeout

from klarsim.config.workforce import GigPay, GigPool
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.streams import BinomialDraws
from klarsim.model.workforce.headcount import Book
from klarsim.model.workforce.pools import Agent, AgentPool
from klarsim.units import HOURS_PER_WEEK, MINUTES_PER_HOUR


class GigPayroll:
    """Pays gig agents for engaged minutes and contacts, topping up to the guaranteed minimum."""

    def __init__(self, pay: GigPay, book: Book) -> None:
        self.per_engaged_min = pay.per_engaged_min
        self.per_contact = pay.per_contact
        self.guaranteed_per_online_hour = pay.guaranteed_per_online_hour
        self._book = book

    def engage(self, agent: Agent, now: float) -> None:
        """The agent took work after being idle."""
        agent.engaged_since = now

    def served(self, agent: Agent, now: float) -> None:
        """A finished contact: pay the engaged time so far and the per-contact fee."""
        self._pay(agent, now, (now - agent.engaged_since) * self.per_engaged_min + self.per_contact)
        agent.engaged_since = now

    def idle(self, agent: Agent, now: float) -> None:
        """No work left: pay the engaged time since the last payment (often none: just paid)."""
        if now > agent.engaged_since:
            self._pay(agent, now, (now - agent.engaged_since) * self.per_engaged_min)
            agent.engaged_since = now

    def settle(self, agent: Agent, now: float) -> None:
        """Going offline: pay engaged time so far and any top-up."""
        self.settle_all((agent,), now)

    def settle_all(self, agents: Iterable[Agent], now: float) -> None:
        """End of a block or of the run: settle every online agent, booked as one payment."""
        owed = 0.0
        for agent in agents:
            owed += self._close_session(agent, now)
        if owed > 0:
            self._book("gig_pay", now, owed)

    def _close_session(self, agent: Agent, now: float) -> float:
        """What the agent is owed for engaged time so far and the top-up; a new session starts."""
        owed = 0.0
        if agent.working:
            owed = (now - agent.engaged_since) * self.per_engaged_min
            agent.engaged_since = now
        online_hours = (now - agent.session_start) / MINUTES_PER_HOUR
        top_up = self.guaranteed_per_online_hour * online_hours - agent.session_earned - owed
        if top_up > 0:
            owed += top_up
        agent.session_start = now
        agent.session_earned = 0.0
        return owed

    def _pay(self, agent: Agent, now: float, amount: float) -> None:
        if amount > 0:
            agent.session_earned += amount
            self._book("gig_pay", now, amount)


class GigSupply:
    """Brings a gig pool's agents online block by block and on call."""

    def __init__(
        self,
        env: simpy.Environment,
        pool: AgentPool,
        spec: GigPool,
        *,
        online_counts: BinomialDraws,
        log_on_delays: Callable[[], float],
        uniforms: Callable[[], float],
        payroll: GigPayroll,
    ) -> None:
        self.env = env
        self.pool = pool
        self.spec = spec
        self.online_probability = spec.online_probability
        """One probability, or 168 by hour of the week (the timeline may change it)."""
        self.payroll = payroll
        self._online_counts = online_counts
        """Agents online in a block: binomial in the members and the block's chance."""
        self._log_on_delays = log_on_delays
        self._uniforms = uniforms
        """Batched uniforms for the no-show of each called agent."""
        self.scheduled = 0
        """Agents online by their own choice this block."""
        self.called = 0
        """Agents online because they were called up."""
        self.pending = 0
        """Called agents on their way."""
        self._next_call_min = 0.0

    def start(self) -> None:
        """Start the block clock."""
        self.env.process(self._blocks())

    def _blocks(self) -> Generator[Event, None, None]:
        guaranteed = self.payroll.guaranteed_per_online_hour > 0
        while True:
            now = self.env.now
            if guaranteed:  # without a minimum, pay is booked as contacts end: nothing to settle
                self.payroll.settle_all(self.pool.duty, now)
            chance = self.probability(now)
            members = len(self.pool.members)
            self.scheduled = self._online_counts(members, chance) if members else 0
            self.apply(now)
            yield Timeout(self.env, self.spec.block_min)

    def probability(self, now: float) -> float:
        """The chance an agent is online in the block starting at ``now``."""
        chance = self.online_probability
        if isinstance(chance, list):
            return chance[int(now // MINUTES_PER_HOUR) % HOURS_PER_WEEK]
        return chance

    def apply(self, now: float) -> None:
        """Put the scheduled and called agents on duty (no more than are registered)."""
        self.pool.set_on_duty(self.scheduled + self.called, now)

    def offline(self) -> int:
        """Registered agents neither online nor on their way."""
        return len(self.pool.members) - self.pool.effective_on_duty() - self.pending

    def on_queue(self, now: float, waiting: float) -> None:
        """The queue grew: call agents up if it passed the threshold and the cooldown is over."""
        call_up = self.spec.call_up
        if call_up is None or waiting < call_up.queue_threshold or now < self._next_call_min:
            return
        self._next_call_min = now + call_up.cooldown_min
        self.call_up(call_up.agents)

    def call_up(self, agents: int) -> int:
        """Ask up to ``agents`` offline agents to come; return how many will show."""
        call_up = self.spec.call_up
        no_show = call_up.no_show_probability if call_up is not None else 0.0
        asked = min(agents, max(0, self.offline()))
        coming = sum(1 for _ in range(asked) if self._uniforms() >= no_show)
        for _ in range(coming):
            self.pending += 1
            Callback(self.env, self._log_on_delays(), self._on_logged_on)
        return coming

    def _on_logged_on(self, event: Callback) -> None:
        self.pending -= 1
        self.called += 1
        self.apply(self.env.now)
        stay = self.spec.call_up.stay_min if self.spec.call_up is not None else self.spec.block_min
        Callback(self.env, stay, self._on_stay_over)

    def _on_stay_over(self, event: Callback) -> None:
        self.called -= 1
        self.apply(self.env.now)
