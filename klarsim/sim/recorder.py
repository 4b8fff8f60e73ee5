"""Per-interval accumulators filled while the engine runs; memory depends on intervals only.

Contact counts and waits go to the interval in which the contact arrived (as contact-centre
reports do); agent time, costs and churn to the interval in which they happened. Issue
counts include only issues whose first contact arrived after the warm-up.
"""

from __future__ import annotations

import math

from klarsim.kernel.integral import TimeIntegral
from klarsim.model.demand.contacts import ABANDONED, COMPLETED, QUEUED, AwayIssue, Contact
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.service.ai import ASK_HUMAN, ESCALATE, FALSE_RESOLVE, NO_AI, RESOLVE
from klarsim.model.service.outcomes import REFUSED_HUMAN
from klarsim.model.workforce.staff import Workforce

CONTACT_COUNTERS = (
    "contacts",
    "recontacts",
    "offered_human",
    "waited",
    "answered",
    "answered_in_target",
    "wait_answered_min",
    "abandoned",
    "wait_abandoned_min",
    "completed",
    "handle_min",
    "ai_contacts",
    "ai_resolved",
    "ai_false_resolved",
    "ai_false_resolved_returned",
    "escalated",
    "asked_human",
    "refused_human",
    "finished",
    "csat_sum",
    "issues_created",
    "issues_resolved",
    "issues_resolved_first",
    "issues_lost",
)
"""Sums by arrival interval (issue counts: by the interval of the contact that settled them)."""

TIME_COUNTERS = (
    "busy_agent_min",
    "staffed_agent_min",
    "busy_slot_min",
    "staffed_slot_min",
    "ai_live_min",
    "queue_contact_min",
    "employee_paid_min",
    "employee_staffed_min",
    "employee_busy_min",
    "gig_online_min",
    "gig_busy_min",
    "cost_employee",
    "cost_training_wages",
)
"""Sums by the interval in which the time passed."""

EVENT_COUNTERS = (
    "hires",
    "quits",
    "laid_off",
    "gig_registrations",
    "gig_dropouts",
    "guardrail_firings",
    "cost_hiring_fees",
    "cost_severance",
    "gig_pay",
    "gig_onboarding",
)
"""Sums by the interval in which the event happened (``Recorder.book_at``)."""

CUSTOMER_COUNTERS = ("churned", "revenue_lost", "revenue_lost_lifetime")
"""Sums by the interval in which customers left or revenue was lost (the lifetime's revenue:
all of it in the interval the customer left)."""

END_VALUES = (
    "queue_end",
    "trust_mean_end",
    "active_customers_end",
    "employees_end",
    "ai_share_setting",
)
"""Levels at an interval's end; the totals keep the last one."""

ALL_SUMS = CONTACT_COUNTERS + TIME_COUNTERS + EVENT_COUNTERS + CUSTOMER_COUNTERS + END_VALUES
Totals = dict[str, float]
POOL_SUMS = ("staffed_min", "busy_min", "paid_min", "training_wages", "headcount", "engaged")
"""Per pool and interval: agent minutes on duty and busy, paid minutes (employees), trainee
wages, headcount at the end and distinct gig people online in the interval."""


class ContactCounts:
    """The ``CONTACT_COUNTERS`` of one interval, as fields (a test checks the two agree)."""

    contacts: float = 0.0
    recontacts: float = 0.0
    offered_human: float = 0.0
    waited: float = 0.0
    answered: float = 0.0
    answered_in_target: float = 0.0
    wait_answered_min: float = 0.0
    abandoned: float = 0.0
    wait_abandoned_min: float = 0.0
    completed: float = 0.0
    handle_min: float = 0.0
    ai_contacts: float = 0.0
    ai_resolved: float = 0.0
    ai_false_resolved: float = 0.0
    ai_false_resolved_returned: float = 0.0
    escalated: float = 0.0
    asked_human: float = 0.0
    refused_human: float = 0.0
    finished: float = 0.0
    csat_sum: float = 0.0
    issues_created: float = 0.0
    issues_resolved: float = 0.0
    issues_resolved_first: float = 0.0
    issues_lost: float = 0.0


def _book_ai(row: ContactCounts, contact: Contact) -> None:
    """The AI's part of a contact: taken, its result (none when it was busy), refusals."""
    row.ai_contacts += 1.0
    result = contact.ai_result
    if result == RESOLVE:
        row.ai_resolved += 1.0
    elif result == FALSE_RESOLVE:
        row.ai_false_resolved += 1.0
    elif result == ESCALATE:
        row.escalated += 1.0
    elif result == ASK_HUMAN:
        row.asked_human += 1.0
    if contact.outcome == REFUSED_HUMAN.code:
        row.refused_human += 1.0


class Recorder:
    """Streams the statistics of one replication into fixed-size per-interval lists.

    Each contact is booked once, when it finishes (``finished``) or, if it is still in the
    system when the run ends, then (``unfinished``), from the fields it carries.
    """

    def __init__(
        self,
        intervals: int,
        interval_min: float,
        service_level_target_min: float,
        warmup_min: float,
        ai_launch_min: float = math.inf,
    ) -> None:
        self.intervals = intervals
        self.interval_min = interval_min
        self.target_min = service_level_target_min
        self.warmup_min = warmup_min
        self.ai_launch_min = ai_launch_min
        """From here on the AI platform is live (its fee accrues); inf: never."""
        self.sums: dict[str, list[float]] = {
            name: [0.0] * intervals for name in ALL_SUMS if name not in CONTACT_COUNTERS
        }
        """The sums other than the contact counters, by name and interval."""
        self.pool_sums: dict[str, dict[str, list[float]]] = {}
        """Per pool, per interval: the ``POOL_SUMS``."""
        self.contact_rows = [ContactCounts() for _ in range(intervals)]
        """Per interval, the ``CONTACT_COUNTERS``: the fields of one native object each, which
        the per-contact path adds to without boxing a float (see ``columns``)."""

    def unfinished(self, contact: Contact) -> None:
        """Book a contact still waiting, in service or with the AI when the run ends."""
        self._book(contact, False, 0.0, False)

    def finished(self, contact: Contact, resolved: bool, csat: float) -> None:
        """Book a contact that ended, resolved or not, with its CSAT score."""
        self._book(contact, resolved, csat, True)

    def _book(self, contact: Contact, resolved: bool, csat: float, ended: bool) -> None:
        """Book a contact that ended (or, ``ended`` false, is still in the system at the end).

        It goes to the counts of the interval in which it arrived: arrival, journey, CSAT,
        issue. Counts add ``1.0``: compiled, a float plus a float literal is C arithmetic.
        """
        row = self.contact_rows[contact.interval]
        row.contacts += 1.0
        if contact.attempt > 1:
            row.recontacts += 1.0
        elif contact.arrival_min >= self.warmup_min:
            row.issues_created += 1.0
        if contact.ai_result != NO_AI:
            _book_ai(row, contact)
        if contact.human:
            row.offered_human += 1.0
            state, wait = contact.state, contact.wait_min
            if wait > 0 or state == QUEUED:
                row.waited += 1.0
            if state == ABANDONED:
                row.abandoned += 1.0
                row.wait_abandoned_min += wait
            elif state != QUEUED:
                row.answered += 1.0
                row.wait_answered_min += wait
                if wait <= self.target_min:
                    row.answered_in_target += 1.0
                if state == COMPLETED:
                    row.completed += 1.0
                    row.handle_min += contact.service_min
        if ended:
            row.finished += 1.0
            row.csat_sum += csat
            if resolved and contact.issue_start_min >= self.warmup_min:
                row.issues_resolved += 1.0
                if contact.attempt == 1:
                    row.issues_resolved_first += 1.0

    def false_resolution_returned(self, issue: AwayIssue) -> None:
        """A falsely resolved issue came back: counted in the interval of its false resolution."""
        self.contact_rows[issue.interval].ai_false_resolved_returned += 1.0

    def issue_lost(self, contact: Contact | AwayIssue) -> None:
        """An issue ended unresolved for good (no recontact, or the customer churned)."""
        if contact.issue_start_min >= self.warmup_min:
            self.contact_rows[contact.interval].issues_lost += 1.0

    def window_sum(self, name: str, first: int, end: int) -> float:
        """Statistic ``name`` summed over intervals ``first`` to ``end`` (excluded), exactly."""
        if name in CONTACT_COUNTERS:
            return math.fsum(getattr(row, name) for row in self.contact_rows[first:end])
        return math.fsum(self.sums[name][first:end])

    def columns(self) -> dict[str, list[float]]:
        """Every statistic by interval, in the order of ``ALL_SUMS``."""
        rows = self.contact_rows
        counts = {name: [getattr(row, name) for row in rows] for name in CONTACT_COUNTERS}
        return {name: counts[name] if name in counts else self.sums[name] for name in ALL_SUMS}

    def close_interval(
        self,
        index: int,
        now: float,
        *,
        workforce: Workforce,
        waiting: TimeIntegral,
        customers: CustomerBase | None,
        ai_share: float,
    ) -> None:
        """Book the agent, queue and customer figures of interval ``index``, ending at ``now``."""
        sums = self.sums
        self._close_pools(index, now, workforce)
        sums["queue_contact_min"][index] = waiting.take(now)
        sums["queue_end"][index] = waiting.level
        sums["ai_share_setting"][index] = ai_share
        live_from = max(index * self.interval_min, self.ai_launch_min)
        sums["ai_live_min"][index] = max(0.0, now - live_from)
        if customers is not None:
            lost_per_min = customers.churned_count * customers.revenue_per_min
            sums["revenue_lost"][index] = lost_per_min * self.interval_min
            sums["trust_mean_end"][index] = customers.mean_trust(now)
            sums["active_customers_end"][index] = customers.active_count

    def _close_pools(self, index: int, now: float, workforce: Workforce) -> None:
        """Agent time, pay and headcount of every pool, in total and per pool."""
        sums = self.sums
        for name, pool in workforce.pools.items():
            staffed, busy = pool.staffed.take(now), pool.busy.take(now)
            sums["staffed_slot_min"][index] += staffed * pool.concurrency
            sums["busy_slot_min"][index] += (
                pool.busy_slots.take(now) if pool.concurrency > 1 else busy
            )
            per_pool = self.pool_sums.get(name)
            if per_pool is None:
                per_pool = self.pool_sums[name] = _pool_lists(self.intervals)
            per_pool["staffed_min"][index] = staffed
            per_pool["busy_min"][index] = busy
            per_pool["headcount"][index] = workforce.headcounts[name].people
            sums["staffed_agent_min"][index] += staffed
            sums["busy_agent_min"][index] += busy
            training_wages = workforce.headcounts[name].wages.take(now)
            per_pool["training_wages"][index] = training_wages
            sums["cost_training_wages"][index] += training_wages
            staffing = workforce.staffing.get(name)
            if staffing is not None:
                paid = staffing.paid.take(now)
                per_pool["paid_min"][index] = paid
                sums["employee_staffed_min"][index] += staffed
                sums["employee_busy_min"][index] += busy
                sums["employee_paid_min"][index] += paid
                sums["cost_employee"][index] += staffing.cost.take(now)
            else:
                per_pool["engaged"][index] = workforce.supplies[name].take_engaged()
                sums["gig_online_min"][index] += staffed
                sums["gig_busy_min"][index] += busy
        sums["employees_end"][index] = workforce.employees()

    def book_at(self, name: str, now: float, amount: float) -> None:
        """Add ``amount`` to statistic ``name`` in the interval holding time ``now``."""
        index = int(now // self.interval_min)
        if index >= self.intervals:  # the horizon's very end belongs to the last interval
            index = self.intervals - 1
        self.sums[name][index] += amount

    def churned(self, now: float, count: int, lifetime_revenue: float = 0.0) -> None:
        """``count`` customers left at ``now``, each taking ``lifetime_revenue`` with them."""
        self.book_at("churned", now, count)
        self.book_at("revenue_lost_lifetime", now, count * lifetime_revenue)

    def totals(self, first_interval: int) -> Totals:
        """Sums from ``first_interval`` (the end of the warm-up) on; levels at the end."""
        return {
            name: values[-1] if name in END_VALUES else sum(values[first_interval:])
            for name, values in self.columns().items()
        }


def _pool_lists(intervals: int) -> dict[str, list[float]]:
    return {name: [0.0] * intervals for name in POOL_SUMS}
