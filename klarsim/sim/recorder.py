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
from klarsim.model.service.ai import AI_BUSY, ASK_HUMAN, ESCALATE, FALSE_RESOLVE, NO_AI, RESOLVE
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
AI_RESULT_COUNTERS = {  # in the order of the AI's result codes
    RESOLVE: "ai_resolved",
    FALSE_RESOLVE: "ai_false_resolved",
    ESCALATE: "escalated",
    ASK_HUMAN: "asked_human",
}


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
        self.sums: dict[str, list[float]] = {name: [0.0] * intervals for name in ALL_SUMS}
        self.pool_sums: dict[str, dict[str, list[float]]] = {}
        """Per pool, per interval: the ``POOL_SUMS``."""
        sums = self.sums
        self._finished, self._csat = sums["finished"], sums["csat_sum"]
        self._contacts, self._recontacts = sums["contacts"], sums["recontacts"]
        self._issues_created, self._issues_resolved = (
            sums["issues_created"],
            sums["issues_resolved"],
        )
        self._issues_resolved_first = sums["issues_resolved_first"]
        self._ai_contacts, self._refused = sums["ai_contacts"], sums["refused_human"]
        self._ai_results = [sums[name] for name in AI_RESULT_COUNTERS.values()]
        self._offered, self._waited = sums["offered_human"], sums["waited"]
        self._answered, self._in_target = sums["answered"], sums["answered_in_target"]
        self._wait_answered = sums["wait_answered_min"]
        self._abandoned, self._wait_abandoned = sums["abandoned"], sums["wait_abandoned_min"]
        self._completed, self._handle = sums["completed"], sums["handle_min"]

    def unfinished(self, contact: Contact) -> None:
        """Book a contact still waiting, in service or with the AI when the run ends."""
        self.finished(contact, False, 0.0, ended=False)

    def finished(
        self, contact: Contact, resolved: bool, csat: float, *, ended: bool = True
    ) -> None:
        """Book a contact that ended (or, ``ended=False``, is still in the system at the end).

        It goes to the sums of the interval in which it arrived: arrival, journey, CSAT, issue.
        Counts add ``1.0``: compiled, a float plus a float literal is C arithmetic, while a
        float plus ``1`` goes through Python's generic mixed-type addition.
        """
        index = contact.interval
        self._contacts[index] += 1.0
        if contact.attempt > 1:
            self._recontacts[index] += 1.0
        elif contact.arrival_min >= self.warmup_min:
            self._issues_created[index] += 1.0
        if contact.ai_result != NO_AI:
            self._book_ai(contact, index)
        if contact.human:
            self._offered[index] += 1.0
            state, wait = contact.state, contact.wait_min
            if wait > 0 or state == QUEUED:
                self._waited[index] += 1.0
            if state == ABANDONED:
                self._abandoned[index] += 1.0
                self._wait_abandoned[index] += wait
            elif state != QUEUED:
                self._answered[index] += 1.0
                self._wait_answered[index] += wait
                if wait <= self.target_min:
                    self._in_target[index] += 1.0
                if state == COMPLETED:
                    self._completed[index] += 1.0
                    self._handle[index] += contact.service_min
        if ended:
            self._finished[index] += 1.0
            self._csat[index] += csat
            if resolved and contact.issue_start_min >= self.warmup_min:
                self._issues_resolved[index] += 1.0
                if contact.attempt == 1:
                    self._issues_resolved_first[index] += 1.0

    def _book_ai(self, contact: Contact, index: int) -> None:
        self._ai_contacts[index] += 1.0
        if contact.ai_result != AI_BUSY:
            self._ai_results[contact.ai_result][index] += 1.0
        if contact.outcome == REFUSED_HUMAN.code:
            self._refused[index] += 1.0

    def false_resolution_returned(self, issue: AwayIssue) -> None:
        """A falsely resolved issue came back: counted in the interval of its false resolution."""
        self.sums["ai_false_resolved_returned"][issue.interval] += 1.0

    def issue_lost(self, contact: Contact | AwayIssue) -> None:
        """An issue ended unresolved for good (no recontact, or the customer churned)."""
        if contact.issue_start_min >= self.warmup_min:
            self.sums["issues_lost"][contact.interval] += 1.0

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
            for name, values in self.sums.items()
        }


def _pool_lists(intervals: int) -> dict[str, list[float]]:
    return {name: [0.0] * intervals for name in POOL_SUMS}
