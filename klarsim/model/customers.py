"""The customer base: trust and churn of every customer, kept in numpy arrays.

Trust moves toward each contact's CSAT by a learning rate and decays exponentially back to a
baseline in between (satisfaction decay with a half-life), applied lazily when a customer is
touched. Once a day customers below the churn threshold leave with probability
1 - exp(-hazard x 1 day). When the baseline (and the initial trust) are at or above the
threshold, trust can only fall below it at a contact, so the daily step looks only at the
customers a contact left below it; otherwise it looks at everyone. The mean trust of active
customers is a running sum, so no step needs a pass over the whole population.

Each array lives in an ``array.array`` buffer with a numpy view on the same memory: the
per-contact path reads and writes single customers through the buffer (a plain Python float,
no numpy scalar), the daily churn step works on the numpy view.
"""

from __future__ import annotations

import math
from array import array

import numpy as np

from klarsim.config.customers import Customers

MINUTES_PER_YEAR = 365.0 * 1440.0


class CustomerBase:
    """Every customer's trust, activity and churn; arrays of the population's size."""

    def __init__(self, spec: Customers, population: int, churn_stream: np.random.Generator):
        trust = spec.trust
        self.population = population
        self._trust = _doubles(population, trust.initial)
        self._updated_min = _doubles(population, 0.0)
        self._active = array("q", range(population))
        self._is_active = bytearray(b"\x01") * population
        self.trust = np.frombuffer(self._trust, dtype=np.float64)
        self.updated_min = np.frombuffer(self._updated_min, dtype=np.float64)
        self.active = np.frombuffer(self._active, dtype=np.int64)
        """The first ``active_count`` entries are the active customers' indices."""
        self.position = np.arange(population, dtype=np.int64)
        self.is_active = np.frombuffer(self._is_active, dtype=np.bool_)
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
        """Sum of (trust - baseline) x exp(decay x (updated - reference)) over active customers."""
        threshold = spec.churn.threshold if spec.churn is not None else 0.0
        self._threshold = threshold
        self._check_everyone = min(trust.baseline, trust.initial) < threshold
        self._at_risk: set[int] = set()
        """Customers a contact left below the churn threshold (when not checking everyone)."""

    def accepts(self, uniform: float) -> bool:
        """Thinning: a contact of the full population happens only if its customer is active."""
        return uniform * self.population < self.active_count

    def is_still_active(self, customer: int) -> bool:
        """Whether the customer has not churned."""
        return bool(self._is_active[customer])

    def pick(self, uniform: float) -> int:
        """An active customer chosen uniformly."""
        return self._active[int(uniform * self.active_count)]

    def update(self, customer: int, score: float, now: float) -> None:
        """Move a customer's trust toward ``score`` after decaying it to ``now``."""
        if not self._is_active[customer]:
            return
        baseline = self._baseline
        old = self._trust[customer]
        last = self._updated_min[customer]
        decayed = baseline + (old - baseline) * math.exp(-self._decay_per_min * (now - last))
        new = decayed + self._learning_rate * (score - decayed)
        self._trust[customer] = new
        self._updated_min[customer] = now
        if new < self._threshold:
            self._at_risk.add(customer)
        reference = self._reference_min
        self._deviation_sum += (new - baseline) * math.exp(
            self._decay_per_min * (now - reference)
        ) - (old - baseline) * math.exp(self._decay_per_min * (last - reference))

    def trust_of(self, customer: int, now: float) -> float:
        """A customer's trust at ``now``."""
        elapsed = now - self._updated_min[customer]
        deviation = self._trust[customer] - self._baseline
        return self._baseline + deviation * math.exp(-self._decay_per_min * elapsed)

    def mean_trust(self, now: float) -> float:
        """Mean trust of the active customers at ``now``."""
        if self.active_count == 0:
            return math.nan
        decay = math.exp(-self._decay_per_min * (now - self._reference_min))
        return self._baseline + self._deviation_sum * decay / self.active_count

    def daily_update(self, now: float, period_min: float) -> int:
        """Draw churn over the past period for customers below the threshold; return leavers."""
        self._rebase(now)
        if self._churn is None:
            return 0
        candidates = self._candidates()
        elapsed = now - self.updated_min[candidates]
        decay = np.exp(-self._decay_per_min * elapsed)
        trust = self._baseline + (self.trust[candidates] - self._baseline) * decay
        below = trust < self._threshold
        if not self._check_everyone:
            self._at_risk = set(candidates[below].tolist())
        leavers = self._leavers(candidates[below], trust[below], period_min)
        for customer in leavers.tolist():
            self._remove(customer)
        return int(leavers.size)

    def _candidates(self) -> np.ndarray:
        if self._check_everyone:
            return self.active[: self.active_count]
        return np.fromiter(self._at_risk, dtype=np.int64, count=len(self._at_risk))

    def _rebase(self, now: float) -> None:
        """Move the running sum's reference time to ``now`` (keeps its terms small)."""
        self._deviation_sum *= math.exp(-self._decay_per_min * (now - self._reference_min))
        self._reference_min = now

    def hazard_per_year(self, trust: np.ndarray) -> np.ndarray:
        """Yearly churn hazard at these trust levels (zero without a churn section)."""
        churn = self._churn
        if churn is None:
            return np.zeros_like(trust)
        gap = np.clip((churn.threshold - trust) / churn.threshold, 0.0, 1.0)
        hazard: np.ndarray = churn.max_per_year * gap**churn.shape
        return hazard

    def _leavers(self, customers: np.ndarray, trust: np.ndarray, period_min: float) -> np.ndarray:
        hazard = self.hazard_per_year(trust)
        leave = -np.expm1(-hazard * period_min / MINUTES_PER_YEAR)
        chosen: np.ndarray = customers[self._churn_stream.random(hazard.size) < leave]
        return chosen

    def _remove(self, customer: int) -> None:
        deviation = self._trust[customer] - self._baseline
        since = self._updated_min[customer] - self._reference_min
        self._deviation_sum -= deviation * math.exp(self._decay_per_min * since)
        last = self.active_count - 1
        slot = int(self.position[customer])
        moved = int(self.active[last])
        self.active[slot], self.position[moved] = moved, slot
        self.active[last], self.position[customer] = customer, last
        self.active_count = last
        self._is_active[customer] = 0
        self.churned_count += 1


def _doubles(size: int, value: float) -> array[float]:
    """An ``array.array`` of ``size`` doubles, all ``value``."""
    return array("d", [value]) * size
