"""Gig pay: for engaged time and contacts, idle time unpaid, booked to the pool and the person.

Pay is per engaged minute (at least one contact) and per contact; a guaranteed minimum per
online hour is topped up per agent at the end of each block or session. Every payment also
goes to the person's weekly ledger, and going off duty closes the person's online span
(``klarsim.model.workforce.people``); who is online is ``klarsim.model.workforce.supply``'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from klarsim.config.workforce import GigPay
from klarsim.model.workforce.headcount import Book
from klarsim.model.workforce.people import Person, Weeks
from klarsim.model.workforce.pools import Agent
from klarsim.units import MINUTES_PER_HOUR

SpanObserver = Callable[[Person, float, float], None]
"""Told of each closed online span: the person, its start and its end (minutes)."""
SPAN_OBSERVERS: Final[list[SpanObserver]] = []
"""Observers of every payroll's closed spans, for tests and diagnostics (normally none): the
compiled payroll's methods cannot be patched, so this is how a test watches people's spans."""


class GigPayroll:
    """Pays gig agents for engaged minutes and contacts, topping up to the guaranteed minimum."""

    def __init__(self, pay: GigPay, book: Book, weeks: Weeks) -> None:
        self.per_engaged_min = pay.per_engaged_min
        self.per_contact = pay.per_contact
        self.guaranteed_per_online_hour = pay.guaranteed_per_online_hour
        self._book = book
        self.weeks = weeks
        self.people: dict[Agent, Person] = {}
        """The person behind each agent, kept after they leave (the labour table reads them)."""
        self.top_ups = 0.0
        """Guaranteed-minimum top-ups paid after the warm-up."""

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
        """Going offline: pay engaged time so far and any top-up; the online span ends."""
        self.settle_all((agent,), now)
        self.close_span(agent, now)

    def close_span(self, agent: Agent, now: float) -> None:
        """Count the person's online time since it came on duty (going off, or the run ends)."""
        person = self.people.get(agent)
        if person is not None:
            for observer in SPAN_OBSERVERS:
                observer(person, person.online_since, now)
            self.weeks.add_span(person.online, person.online_since, now)
            person.online_since = now

    def settle_all(self, agents: Iterable[Agent], now: float) -> None:
        """End of a block or of the run: settle every online agent, booked as one payment."""
        owed = 0.0
        for agent in agents:
            owed_agent = self._close_session(agent, now)
            if owed_agent > 0:
                self._earned(agent, now, owed_agent)
                owed += owed_agent
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
            if now >= self.weeks.origin_min:
                self.top_ups += top_up
        agent.session_start = now
        agent.session_earned = 0.0
        return owed

    def _pay(self, agent: Agent, now: float, amount: float) -> None:
        if amount > 0:
            agent.session_earned += amount
            self._book("gig_pay", now, amount)
            person = self.people.get(agent)  # _earned, inlined: this runs on every contact
            weeks = self.weeks
            if person is not None and now >= weeks.origin_min:
                week = int((now - weeks.origin_min) // weeks.length_min)
                earned = person.earned
                if week >= len(earned):
                    earned.extend([0.0] * (week + 1 - len(earned)))
                earned[week] += amount

    def _earned(self, agent: Agent, now: float, amount: float) -> None:
        """Add a payment to the person's week."""
        person = self.people.get(agent)
        if person is not None:
            self.weeks.add_amount(person.earned, now, amount)
