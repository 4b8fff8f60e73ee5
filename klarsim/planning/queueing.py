"""What a tagged arrival meets: a group's KPIs for a given staffing, from the numbers in system.

An arrival that finds ``j`` contacts in the group (in service or waiting) with ``c`` service
slots is served at once when ``j < c``; otherwise it waits behind ``q = j - c`` others. With
exponential service (rate ``m`` per slot) and patience (rate ``theta``) the wait runs through
``q + 1`` stages: with ``i`` ahead, the line moves at ``c m + i theta`` and the arrival gives
up at ``theta``, so each stage lasts Exp(``c m + (i + 1) theta``) whatever ends it. That gives
the chance of being served, the mean wait of those served, and (through a gamma matched to the
stages' mean and variance: exact without abandonment) the chance of being served within the
target. Averaged over the distribution of ``j`` seen by arrivals, these are the group's service
level, abandonment and ASA: exact Erlang C and A when ``j`` follows their stationary law.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc

from klarsim.planning.targets import Target

TAIL = 1e-12
"""Probability mass of the stationary law left beyond its last state."""


@dataclass(frozen=True)
class Service:
    """How fast a group serves: per slot (``rate_per_min``), patience (``abandon_per_min``)."""

    rate_per_min: float
    slots_per_agent: int = 1
    abandon_per_min: float = 0.0


@dataclass(frozen=True)
class Achieved:
    """A group's KPIs over its arrivals for one staffing."""

    service_level: float
    abandonment_rate: float
    asa_min: float

    def meets(self, targets: tuple[Target, ...]) -> bool:
        """Whether every target holds."""
        return all(target.met(getattr(self, target.kpi)) for target in targets)


def achieved(seen: np.ndarray, agents: int, service: Service, target_min: float) -> Achieved:
    """KPIs when arrivals find ``j`` in system with probability ``seen[j]`` (sums to 1)."""
    slots = agents * service.slots_per_agent
    if slots == 0:
        return Achieved(0.0, 1.0, math.nan) if service.abandon_per_min > 0 else _never()
    immediate = float(seen[:slots].sum())
    behind = seen[slots:]
    if behind.size == 0 or not behind.any():
        return Achieved(1.0, 0.0, 0.0)
    served, wait_sum, within = _stages(
        behind.size, slots * service.rate_per_min, service, target_min
    )
    served_share = immediate + float(behind @ served)
    return Achieved(
        service_level=immediate + float(behind @ within),
        abandonment_rate=1.0 - served_share,
        asa_min=float(behind @ wait_sum) / served_share if served_share > 0 else math.nan,
    )


def _never() -> Achieved:
    """No agent and nobody gives up: nobody is ever served."""
    return Achieved(0.0, 0.0, math.inf)


def _stages(
    queued: int, line_rate: float, service: Service, target_min: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For q = 0 .. queued - 1 ahead: P(served), E[wait; served], P(served within target)."""
    theta = service.abandon_per_min
    ahead = np.arange(queued, dtype=float)
    total = line_rate + (ahead + 1.0) * theta
    served = np.exp(np.cumsum(np.log((line_rate + ahead * theta) / total)))
    mean = np.cumsum(1.0 / total)
    variance = np.cumsum(1.0 / total**2)
    shape = mean**2 / variance
    within = gammainc(shape, target_min * mean / variance) if target_min > 0 else 0.0 * mean
    return served, served * mean, served * within


def stationary(load: float, agents: int, service: Service) -> np.ndarray | None:
    """The Erlang A (C when no one abandons) law of the number in system seen by arrivals;
    None when it has none (no abandonment and a load at or above the slots: waits grow)."""
    slots = agents * service.slots_per_agent
    rate = load * service.rate_per_min
    theta = service.abandon_per_min
    if theta == 0 and rate >= slots * service.rate_per_min:
        return None
    probabilities = [1.0]
    total = 1.0
    state = 0
    while state <= slots or probabilities[-1] >= TAIL * total:
        state += 1
        serving = min(state, slots) * service.rate_per_min
        probabilities.append(probabilities[-1] * rate / (serving + max(state - slots, 0) * theta))
        total += probabilities[-1]
    law: np.ndarray = np.asarray(probabilities)
    normalised: np.ndarray = law / law.sum()
    return normalised


def erlang_staffing(
    load: float, service: Service, targets: tuple[Target, ...], target_min: float
) -> int:
    """The fewest agents meeting every target in the stationary Erlang A (or C) queue."""
    if load <= 0:
        return 0

    def meets(agents: int) -> bool:
        law = stationary(load, agents, service)
        return law is not None and achieved(law, agents, service, target_min).meets(targets)

    return least_agents(meets)


def least_agents(meets: Callable[[int], bool], *, start: int = 0, limit: int = 100_000) -> int:
    """The smallest agent count in [start, limit] for which ``meets`` holds (it is monotone)."""
    high = max(start, 1)
    while not meets(high):
        if high >= limit:
            raise ValueError(f"no staffing up to {limit} agents meets the target")
        high = min(high * 2, limit)
    low = start
    while low < high:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return low
