"""The customer base: trust and churn of every customer, kept in numpy arrays.

Trust moves toward each contact's CSAT by a learning rate and decays exponentially back to a
baseline in between (satisfaction decay with a half-life), applied lazily when a customer is
touched. Once a day every active customer's trust is brought up to date and those below the
churn threshold leave with probability 1 - exp(-hazard x 1 day). The mean trust of active
customers is kept as a running sum so any interval can report it without a full pass.
"""

from __future__ import annotations

import math

import numpy as np

from klarsim.config.customers import Customers

MINUTES_PER_YEAR = 365.0 * 1440.0


class CustomerBase:
    """Every customer's trust, activity and churn; arrays of the population's size."""

    def __init__(self, spec: Customers, population: int, churn_stream: np.random.Generator):
        trust = spec.trust
        self.population = population
        self.trust = np.full(population, trust.initial)
        self.updated_min = np.zeros(population)
        self.active = np.arange(population, dtype=np.int64)
        """The first ``active_count`` entries are the active customers' indices."""
        self.position = np.arange(population, dtype=np.int64)
        self.is_active = np.ones(population, dtype=bool)
        self.active_count = population
        self.churned_count = 0
        self.revenue_per_min = spec.revenue_per_year / MINUTES_PER_YEAR
        self._baseline = trust.baseline
        self._learning_rate = trust.learning_rate
        self._decay_per_min = math.log(2) / (trust.half_life_days * 1440.0)
        self._churn = spec.churn
        self._churn_stream = churn_stream
        self._reference_min = 0.0
        self._deviation_sum = population * (trust.initial - trust.baseline)

    def accepts(self, uniform: float) -> bool:
        """Thinning: a contact of the full population happens only if its customer is active."""
        return uniform * self.population < self.active_count

    def pick(self, uniform: float) -> int:
        """An active customer chosen uniformly."""
        return int(self.active[int(uniform * self.active_count)])

    def update(self, customer: int, score: float, now: float) -> None:
        """Move a customer's trust toward ``score`` after decaying it to ``now``."""
        if not self.is_active[customer]:
            return
        baseline = self._baseline
        old = float(self.trust[customer])
        last = float(self.updated_min[customer])
        decayed = baseline + (old - baseline) * math.exp(-self._decay_per_min * (now - last))
        new = decayed + self._learning_rate * (score - decayed)
        self.trust[customer] = new
        self.updated_min[customer] = now
        reference = self._reference_min
        self._deviation_sum += (new - baseline) * math.exp(
            self._decay_per_min * (now - reference)
        ) - (old - baseline) * math.exp(self._decay_per_min * (last - reference))

    def trust_of(self, customer: int, now: float) -> float:
        """A customer's trust at ``now``."""
        elapsed = now - float(self.updated_min[customer])
        deviation = float(self.trust[customer]) - self._baseline
        return self._baseline + deviation * math.exp(-self._decay_per_min * elapsed)

    def mean_trust(self, now: float) -> float:
        """Mean trust of the active customers at ``now``."""
        if self.active_count == 0:
            return math.nan
        decay = math.exp(-self._decay_per_min * (now - self._reference_min))
        return self._baseline + self._deviation_sum * decay / self.active_count

    def daily_update(self, now: float, period_min: float) -> int:
        """Bring every active trust up to date, draw churn over the period; return leavers."""
        active = self.active[: self.active_count]
        elapsed = now - self.updated_min[active]
        decay = np.exp(-self._decay_per_min * elapsed)
        trust = self._baseline + (self.trust[active] - self._baseline) * decay
        self.trust[active] = trust
        self.updated_min[active] = now
        leavers = self._leavers(active, trust, period_min)
        for customer in leavers.tolist():
            self._remove(customer)
        remaining = self.active[: self.active_count]
        self._deviation_sum = float((self.trust[remaining] - self._baseline).sum())
        self._reference_min = now
        return int(leavers.size)

    def hazard_per_year(self, trust: np.ndarray) -> np.ndarray:
        """Yearly churn hazard at these trust levels (zero without a churn section)."""
        churn = self._churn
        if churn is None:
            return np.zeros_like(trust)
        gap = np.clip((churn.threshold - trust) / churn.threshold, 0.0, 1.0)
        hazard: np.ndarray = churn.max_per_year * gap**churn.shape
        return hazard

    def _leavers(self, active: np.ndarray, trust: np.ndarray, period_min: float) -> np.ndarray:
        if self._churn is None:
            return np.empty(0, dtype=np.int64)
        at_risk = trust < self._churn.threshold
        hazard = self.hazard_per_year(trust[at_risk])
        leave = -np.expm1(-hazard * period_min / MINUTES_PER_YEAR)
        chosen: np.ndarray = active[at_risk][self._churn_stream.random(hazard.size) < leave]
        return chosen

    def _remove(self, customer: int) -> None:
        last = self.active_count - 1
        slot = int(self.position[customer])
        moved = int(self.active[last])
        self.active[slot], self.position[moved] = moved, slot
        self.active[last], self.position[customer] = customer, last
        self.active_count = last
        self.is_active[customer] = False
        self.churned_count += 1
