"""The customer base: trust and churn of every customer, kept in numpy arrays.

Trust moves toward each contact's CSAT by a learning rate and decays exponentially back to a
baseline in between (satisfaction decay with a half-life). Each customer's deviation from
the baseline is stored scaled to a common reference time: ``scaled = (trust - baseline) x
exp(decay x (t - reference))`` is constant while nobody touches the customer, so decay costs
nothing until a contact, one ``exp`` per contact gives the trust now, and the mean trust of
active customers is a running sum of the scaled values. The reference moves forward only
before the scale factor could overflow.

Once a day customers below the churn threshold leave with probability
1 - exp(-hazard x 1 day). When the baseline (and the initial trust) are at or above the
threshold, trust can only fall below it at a contact, so the daily step looks only at the
customers a contact left below it; otherwise it looks at everyone.

The arrays are numpy's (large ones are backed by huge pages, so random access to a million
customers rarely misses the TLB); the per-contact path reads and writes single customers
through a memoryview of the same memory (a plain Python float, no numpy scalar). A churned
customer's scaled deviation is NaN: one array, and one cache line per customer, tells both
whether a customer is active and how much it trusts.
"""

from __future__ import annotations

import math
from collections.abc import MutableSequence
from math import exp, isnan
from typing import Final, cast

import numpy as np

from klarsim.config.customers import Customers
from klarsim.kernel.reuse import give_back, take
from klarsim.model.demand.contacts import NO_CUSTOMER
from klarsim.units import MINUTES_PER_YEAR

REBASE_EXPONENT: Final = 50.0
"""Move the reference time once decay x (now - reference) passes this (a factor of 5e21)."""
TRUST_KIND: Final = "customer trust"
"""The trust array, as ``kernel.reuse`` keeps it between replications."""
ORDER_KIND: Final = "customer order"
"""The active-customer and position arrays, likewise (kept only once someone churned)."""


def annuity_years(years: float, rate_per_year: float) -> float:
    """Present value of one unit a year paid continuously for ``years``, discounted at ``rate``.

    (1 - (1 + rate) ^ -years) / ln(1 + rate): ``years`` itself at rate 0.
    """
    if rate_per_year == 0:
        return years
    force = math.log1p(rate_per_year)
    return -math.expm1(-force * years) / force


def _trust_array(population: int) -> np.ndarray:
    """An array for every customer's trust, to be filled: a released customer base's if there
    is one (``kernel.reuse``), or a new one."""
    kept = take(TRUST_KIND, population)
    return kept[0] if kept is not None else np.empty(population)


def _identity_order(population: int) -> tuple[np.ndarray, np.ndarray]:
    """Active customers and their positions, both 0, 1, 2, ...: a released customer base's
    arrays overwritten in place if there are any (a new arange would be new memory again)."""
    kept = take(ORDER_KIND, population)
    if kept is None:
        identity = np.arange(population, dtype=np.int64)
        return identity, identity.copy()
    active, position = kept
    active.fill(1)
    active[:1] = 0
    np.cumsum(active, out=active)
    np.copyto(position, active)
    return active, position


class CustomerBase:
    """Every customer's trust, activity and churn; arrays of the population's size."""

    def __init__(self, spec: Customers, population: int, churn_stream: np.random.Generator):
        trust = spec.trust
        self.population = population
        self.scaled = _trust_array(population)
        """Each customer's (trust - baseline) x exp(decay x (t - reference)); NaN once churned."""
        self.scaled.fill(trust.initial - trust.baseline)
        self.active: np.ndarray | None = None
        """The first ``active_count`` entries are the active customers' indices; None until the
        first customer churns (everyone, in order: most short runs never need the arrays)."""
        self.position: np.ndarray | None = None
        """Where each customer is in ``active``; None with it."""
        # Memoryviews of the same memory: single items as plain Python numbers (typeshed types
        # a memoryview's items as int; these hold floats and ints, read and written by index).
        self._scaled = cast("MutableSequence[float]", self.scaled.data)
        self._active: MutableSequence[int] | None = None
        self.active_count = population
        self.churned_count = 0
        self.revenue_per_min = spec.revenue_per_year / MINUTES_PER_YEAR
        churn_revenue = spec.churn_revenue
        self.lifetime_revenue = spec.revenue_per_year * annuity_years(
            churn_revenue.lifetime_years, churn_revenue.discount_rate_per_year
        )
        """Present value, on the day a customer leaves, of the revenue it takes with it."""
        self._baseline = trust.baseline
        self._learning_rate = trust.learning_rate
        self._decay_per_min = math.log(2) / (trust.half_life_days * 1440.0)
        self._churn = spec.churn
        self._churn_stream = churn_stream
        self._reference_min = 0.0
        self._scaled_sum = population * (trust.initial - trust.baseline)
        """Sum of the scaled deviations of the active customers."""
        threshold = spec.churn.threshold if spec.churn is not None else 0.0
        self._threshold = threshold
        self._check_everyone = min(trust.baseline, trust.initial) < threshold
        self._at_risk = bytearray(b"\x01" * population if self._check_everyone else population)
        """1 for each customer a contact left below the churn threshold: a flag per customer,
        so a contact marks a customer once (all 1 when every day checks everyone)."""
        self._at_risk_flags = np.frombuffer(self._at_risk, dtype=np.uint8)
        self._newly_at_risk: list[int] = []
        """Customers flagged since the last daily update, in the order their contacts ended."""
        self._still_at_risk = np.empty(0, dtype=np.int64)
        """Flagged customers the last daily update left below the threshold, in order."""
        self._released = False

    def release(self) -> None:
        """Give the arrays back for the next replication's customer base (``kernel.reuse``):
        this one must not be used afterwards. Once only: a second call gives nothing."""
        if self._released:
            return
        self._released = True
        give_back(TRUST_KIND, self.population, (self.scaled,))
        if self.active is not None and self.position is not None:
            give_back(ORDER_KIND, self.population, (self.active, self.position))

    def draw(self, thinning: float, choice: float) -> int:
        """The active customer behind an arriving contact, or ``NO_CUSTOMER`` if it is dropped.

        Arrivals are drawn for the whole starting population and thinned: a contact happens
        only if ``thinning`` falls within the active share; its customer is chosen uniformly
        among the active ones by ``choice``: the customer at ``choice`` in the whole
        population if still active, else the one at the same uniform's fractional remainder
        among the active (each active customer then has probability 1 / active). Most picks
        thus touch only the customer's own trust (not NaN: active), not the list of the active.
        """
        active = self.active_count
        population = self.population
        if thinning * population >= active:
            return NO_CUSTOMER
        position = choice * population
        customer = int(position)
        order = self._active
        if order is None or not isnan(self._scaled[customer]):  # NaN marks a churned customer
            return customer
        return order[int((position - customer) * active)]

    @property
    def is_active(self) -> np.ndarray:
        """Whether each customer is still active (has not churned)."""
        active: np.ndarray = ~np.isnan(self.scaled)
        return active

    def is_still_active(self, customer: int) -> bool:
        """Whether the customer has not churned."""
        return not isnan(self._scaled[customer])

    def pick(self, uniform: float) -> int:
        """An active customer chosen uniformly."""
        index = int(uniform * self.active_count)
        order = self._active
        return index if order is None else order[index]

    def _decay_factor(self, now: float) -> float:
        """exp(-decay x (now - reference)): turns a scaled deviation into today's."""
        return math.exp(-self._decay_per_min * (now - self._reference_min))

    def update(self, customer: int, score: float, now: float) -> None:
        """Move a customer's trust toward ``score`` (its decay up to ``now`` included)."""
        old = self._scaled[customer]
        if isnan(old):  # the customer churned while the contact was under way
            return
        factor = exp(-self._decay_per_min * (now - self._reference_min))  # _decay_factor
        deviation = old * factor
        deviation += self._learning_rate * (score - self._baseline - deviation)
        new = deviation / factor
        self._scaled[customer] = new
        self._scaled_sum += new - old
        if deviation + self._baseline < self._threshold and not self._at_risk[customer]:
            self._at_risk[customer] = 1
            self._newly_at_risk.append(customer)

    def trust_of(self, customer: int, now: float) -> float:
        """A customer's trust at ``now``."""
        return self._baseline + self._scaled[customer] * self._decay_factor(now)

    def mean_trust(self, now: float) -> float:
        """Mean trust of the active customers at ``now``."""
        if self.active_count == 0:
            return math.nan
        return self._baseline + self._scaled_sum * self._decay_factor(now) / self.active_count

    def daily_update(self, now: float, period_min: float) -> int:
        """Draw churn over the past period for customers below the threshold; return leavers."""
        self._rebase_if_needed(now)
        if self._churn is None:
            return 0
        candidates = self._candidates()
        trust = self._baseline + self.scaled[candidates] * self._decay_factor(now)
        below = trust < self._threshold
        at_risk = candidates[below]
        leaving = self._leaving(trust[below], period_min)
        leavers = at_risk[leaving]
        for customer in leavers.tolist():
            self._remove(customer)
        if not self._check_everyone:  # back above the threshold, or gone: no longer at risk
            self._at_risk_flags[candidates[~below]] = 0
            self._at_risk_flags[leavers] = 0
            self._still_at_risk = at_risk[~leaving]
            self._newly_at_risk = []
        return int(leavers.size)

    def _candidates(self) -> np.ndarray:
        """The customers whose churn a day draws, in customer order (the stream's order).

        Without checking everyone: the flagged ones, the day's new flags merged into those
        still at risk, never a scan of the whole population.
        """
        if self._check_everyone:
            return self.active_customers()
        if not self._newly_at_risk:
            return self._still_at_risk
        newly = np.asarray(self._newly_at_risk, dtype=np.int64)
        return np.sort(np.concatenate((self._still_at_risk, newly)))

    def _rebase_if_needed(self, now: float) -> None:
        """Move the reference time to ``now`` before the scale factor grows too large."""
        if self._decay_per_min * (now - self._reference_min) < REBASE_EXPONENT:
            return
        factor = self._decay_factor(now)
        self.scaled *= factor
        self._scaled_sum = math.fsum(self.scaled[self.active_customers()].tolist())
        self._reference_min = now

    def hazard_per_year(self, trust: np.ndarray) -> np.ndarray:
        """Yearly churn hazard at these trust levels (zero without a churn section)."""
        churn = self._churn
        if churn is None:
            return np.zeros_like(trust)
        gap = np.clip((churn.threshold - trust) / churn.threshold, 0.0, 1.0)
        hazard: np.ndarray = churn.max_per_year * gap**churn.shape
        return hazard

    def _leaving(self, trust: np.ndarray, period_min: float) -> np.ndarray:
        """Which of the customers at these trust levels churn over the period (one draw each)."""
        hazard = self.hazard_per_year(trust)
        leave = -np.expm1(-hazard * period_min / MINUTES_PER_YEAR)
        leaving: np.ndarray = self._churn_stream.random(hazard.size) < leave
        return leaving

    def active_customers(self) -> np.ndarray:
        """The active customers' indices (in the order of ``active``)."""
        if self.active is None:
            return np.arange(self.active_count, dtype=np.int64)
        return self.active[: self.active_count]

    def _order(self) -> tuple[np.ndarray, np.ndarray]:
        """``active`` and ``position``, made (everyone, in order) when first needed."""
        if self.active is None or self.position is None:
            self.active, self.position = _identity_order(self.population)
            self._active = cast("MutableSequence[int]", self.active.data)
        return self.active, self.position

    def _remove(self, customer: int) -> None:
        self._scaled_sum -= self._scaled[customer]
        active, position = self._order()
        last = self.active_count - 1
        slot = int(position[customer])
        moved = int(active[last])
        active[slot], position[moved] = moved, slot
        active[last], position[customer] = customer, last
        self.active_count = last
        self._scaled[customer] = math.nan
        self.churned_count += 1
