"""A contact's journey: AI or human, the outcome, its CSAT, trust, and the issue's return.

Arrivals of the full population are thinned by the share of customers still active, so
churn lowers demand. A contact the AI escalates, or whose request for a person is honoured,
joins a human queue (with priority and a longer handle time without context, as set). A
contact that ends unresolved may come back later as the same customer with the same issue.
A false resolution costs the customer's trust when it is found out: when the issue comes
back, or at once if it never does.
"""

from __future__ import annotations

from collections.abc import Callable

from klarsim.config.schema import Scenario
from klarsim.kernel.calendar import Calendar
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.streams import Draws, Streams
from klarsim.model.demand.contacts import NO_CUSTOMER, AwayIssue, Contact, ContactFactory
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.demand.luck import CUSTOMER, HUMAN_RESOLUTION, RECONTACT, THINNING
from klarsim.model.observers import ContactObserver, ContactRecord
from klarsim.model.sampling import sampler
from klarsim.model.service.ai import ASK_HUMAN, FALSE_RESOLVE, RESOLVE, AiTier
from klarsim.model.service.outcomes import (
    ABANDONED,
    FALSE_RESOLVED,
    OUTCOMES,
    REFUSED_HUMAN,
    RESOLVED_AFTER_ESCALATION,
    RESOLVED_BY_AI,
    RESOLVED_BY_HUMAN,
    UNRESOLVED_BY_HUMAN,
    ContactOutcome,
    CsatScorer,
)
from klarsim.model.service.routing import Router
from klarsim.model.workforce.pools import AgentPool
from klarsim.units import MINUTES_PER_HOUR

FALSE_RESOLVED_CODE = FALSE_RESOLVED.code


class Journey:
    """Routes every contact and settles how it ends.

    Built before the router and the AI tier it hands contacts to (they call back into it), it
    is ``connect``-ed to them once they exist: typed attributes, which the compiled build calls
    directly.
    """

    _router: Router
    _ai: AiTier | None

    def __init__(
        self,
        env: SimulationEnvironment,
        scenario: Scenario,
        *,
        factory: ContactFactory,
        recorder: ContactObserver,
        streams: Streams,
        customers: CustomerBase | None = None,
        log: ContactRecord | None = None,
    ) -> None:
        self.env = env
        self.factory = factory
        self.recorder = recorder
        self.customers = customers
        self.log = log
        self._ai = None
        self.human_on_request = scenario.ai is None or scenario.ai.human_on_request
        handoff = scenario.ai.handoff if scenario.ai is not None else None
        self.escalation_priority = handoff is not None and handoff.priority
        self.lost_context = handoff is not None and not handoff.with_context
        self.recontact_priority = scenario.routing.recontact_priority
        self._context_factor = handoff.lost_context_factor if handoff is not None else 1.0
        self._context_extra = handoff.lost_context_extra_min if handoff is not None else 0.0
        needs = [intent.empathy_need for intent in scenario.demand.intents.values()]
        self.scorer = CsatScorer(scenario.customers.csat, needs)
        self._discovered_score = scenario.customers.csat.false_resolution_discovered
        recontact = scenario.customers.recontact
        delays_hours = {
            cause: streams.draws(f"recontact.delay.{cause}", sampler(spec.delay_hours))
            for cause, spec in recontact.items()
        }
        self._comebacks: list[tuple[float, Draws] | None] = [
            (recontact[cause].probability, delays_hours[cause])
            if cause is not None and cause in recontact
            else None
            for cause in (outcome.recontact_cause for outcome in OUTCOMES)
        ]
        """By outcome code: the probability the issue comes back and its delay (hours)."""
        self._returns = Calendar(env) if recontact else None
        """Where issues due back wait (hours or days ahead: off the busy event queue)."""
        self._return: Callable[[Callback], None] = self._on_return
        """``_on_return`` bound once: compiled, naming a method makes a bound method each time."""

    def connect(self, router: Router, ai: AiTier | None) -> None:
        """Hand contacts to this router and, if there is one, this AI tier."""
        self._router = router
        self._ai = ai

    def arrive(self, contact: Contact) -> None:
        """A first contact arrives (dropped if its customer would have churned)."""
        customers = self.customers
        if customers is not None:
            luck = contact.luck
            customer = customers.draw(luck[THINNING], luck[CUSTOMER])
            if customer == NO_CUSTOMER:
                return
            contact.customer = customer
        ai = self._ai  # _route_recontact without priority, inlined on the busiest path
        if ai is None or not ai.take(contact):
            self._router.offer(contact, False)

    def _route_recontact(self, contact: Contact) -> None:
        ai = self._ai
        if ai is None or not ai.take(contact):
            self._router.offer(contact, self.recontact_priority)

    def after_ai(self) -> list[Callable[[Contact], None]]:
        """What ends a conversation with the AI, by its outcome (the AI tier's ``Finished``)."""
        after: list[Callable[[Contact], None]] = [self._to_human] * 4
        after[RESOLVE] = lambda contact: self._finish(contact, RESOLVED_BY_AI, None)
        after[FALSE_RESOLVE] = lambda contact: self._finish(contact, FALSE_RESOLVED, None)
        after[ASK_HUMAN] = self._asked_for_human
        return after

    def _asked_for_human(self, contact: Contact) -> None:
        if self.human_on_request:
            self._to_human(contact)
        else:
            self._finish(contact, REFUSED_HUMAN, None)

    def _to_human(self, contact: Contact) -> None:
        contact.escalated = True
        if self.lost_context:
            contact.handle_min = contact.handle_min * self._context_factor + self._context_extra
        priority = self.escalation_priority or (self.recontact_priority and contact.attempt > 1)
        self._router.offer(contact, priority)

    def human_finished(self, contact: Contact, pool: AgentPool | None) -> None:
        """A person finished with the contact (``pool``), or it abandoned the queue (None)."""
        if pool is None:
            outcome = ABANDONED
        elif contact.luck[HUMAN_RESOLUTION] < pool.resolution_probability:
            escalated = contact.escalated
            outcome = RESOLVED_AFTER_ESCALATION if escalated else RESOLVED_BY_HUMAN
        else:
            outcome = UNRESOLVED_BY_HUMAN
        self._finish(contact, outcome, pool)

    def _finish(self, contact: Contact, outcome: ContactOutcome, pool: AgentPool | None) -> None:
        score = self.scorer.score(outcome, contact.intent, contact.wait_min, contact.attempt)
        contact.outcome = outcome.code
        self.recorder.finished(contact, outcome.resolved, score)
        customers = self.customers  # the customer's trust moves; the log, if kept, records
        if customers is not None and contact.customer != NO_CUSTOMER:
            customers.update(contact.customer, score, self.env._now)
        if self.log is not None:
            self.log.record(contact, pool)
        if not outcome.resolved:
            self._maybe_return(contact, outcome)

    def _maybe_return(self, contact: Contact, outcome: ContactOutcome) -> None:
        comeback = self._comebacks[outcome.code]
        if comeback is None or contact.luck[RECONTACT] >= comeback[0]:
            self.recorder.issue_lost(contact)
            if outcome.code == FALSE_RESOLVED_CODE:
                self._discovered_silently(contact)
            return
        delay_min = comeback[1]() * MINUTES_PER_HOUR
        assert self._returns is not None  # a recontact cause is configured
        self._returns.call(delay_min, self._return, AwayIssue(contact, outcome.code))

    def _discovered_silently(self, contact: Contact) -> None:
        """A false resolution that never comes back still costs trust, at once.

        The customer finds out the issue is not solved (the refund never arrives) and does
        not get in touch again: trust moves toward ``false_resolution_discovered`` now, as it
        does when a false resolution comes back (then at the return).
        """
        customers = self.customers
        if customers is not None and contact.customer != NO_CUSTOMER:
            customers.update(contact.customer, self._discovered_score, self.env._now)

    def returning(self) -> list[AwayIssue]:
        """Issues due to come back (as their last contact left them)."""
        if self._returns is None:
            return []
        away: list[AwayIssue] = self._returns.pending(self._return)
        return away

    def _on_return(self, event: Callback) -> None:
        previous: AwayIssue = event.subject
        customers = self.customers
        if customers is not None and previous.customer != NO_CUSTOMER:
            if not customers.is_still_active(previous.customer):
                self.recorder.issue_lost(previous)
                return
            if previous.outcome == FALSE_RESOLVED_CODE:
                customers.update(previous.customer, self._discovered_score, self.env._now)
        if previous.outcome == FALSE_RESOLVED_CODE:
            self.recorder.false_resolution_returned(previous)
        self._route_recontact(self.factory.recontact(previous, self.env._now))
