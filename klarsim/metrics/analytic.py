"""Exact steady-state figures of Erlang C (M/M/N) and Erlang A (M/M/N+M) queues.

Used to validate the engine and as a staffing first guess. Units are minutes. Erlang C uses
the closed form (through the stable Erlang B recursion); Erlang A solves the birth-death
chain numerically and follows a tagged arrival through the queue for the waits of those
who are served and for the service level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm

from klarsim.units import SECONDS_PER_MINUTE

TAIL_TOLERANCE = 1e-15


@dataclass(frozen=True)
class QueueFigures:
    """Steady-state performance of one queue (probabilities over all arrivals)."""

    agents: int
    offered_load: float
    """A = arrival rate x mean handle time, in Erlangs."""
    p_wait: float
    """P(an arrival waits > 0) = P(all agents busy), by PASTA."""
    p_abandon: float
    asa_min: float
    """Mean wait of answered (served) contacts."""
    wait_mean_min: float
    """Mean time in queue of all arrivals, abandoning ones until they leave."""
    service_level: float
    """P(served and waited at most the target)."""
    occupancy: float
    queue_length_mean: float
    target_s: float


def _check(rate_per_min: float, aht_min: float, agents: int) -> None:
    if not rate_per_min > 0:
        raise ValueError(f"rate_per_min must be positive, got {rate_per_min}")
    if not aht_min > 0:
        raise ValueError(f"aht_min must be positive, got {aht_min}")
    if agents < 1:
        raise ValueError(f"agents must be at least 1, got {agents}")


def erlang_b(offered_load: float, agents: int) -> float:
    """Blocking probability of M/M/N/N, by the numerically stable recursion."""
    blocking = 1.0
    for servers in range(1, agents + 1):
        blocking = offered_load * blocking / (servers + offered_load * blocking)
    return blocking


def erlang_c(
    *, rate_per_min: float, aht_min: float, agents: int, target_s: float = 20.0
) -> QueueFigures:
    """M/M/N with infinite patience; needs more agents than the offered load."""
    _check(rate_per_min, aht_min, agents)
    load = rate_per_min * aht_min
    if agents <= load:
        raise ValueError(
            f"unstable queue: agents ({agents}) must exceed the offered load ({load:.4g} Erlangs)"
        )
    blocking = erlang_b(load, agents)
    p_wait = agents * blocking / (agents - load * (1 - blocking))
    wait_mean = p_wait * aht_min / (agents - load)
    target_min = target_s / SECONDS_PER_MINUTE
    service_level = 1 - p_wait * math.exp(-(agents - load) * target_min / aht_min)
    return QueueFigures(
        agents=agents,
        offered_load=load,
        p_wait=p_wait,
        p_abandon=0.0,
        asa_min=wait_mean,
        wait_mean_min=wait_mean,
        service_level=service_level,
        occupancy=load / agents,
        queue_length_mean=rate_per_min * wait_mean,
        target_s=target_s,
    )


def _erlang_a_states(
    load: float, agents: int, rate: float, service: float, patience: float
) -> np.ndarray:
    """Stationary probabilities of the number in system, truncated where negligible."""
    log_terms = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents + 1)]
    peak = max(log_terms)
    weights = [math.exp(term - peak) for term in log_terms]
    level, total, waiting = weights[-1], sum(weights), 0
    while level > TAIL_TOLERANCE * total:
        waiting += 1
        level *= rate / (agents * service + waiting * patience)
        weights.append(level)
        total += level
    probabilities = np.asarray(weights)
    normalised: np.ndarray = probabilities / probabilities.sum()
    return normalised


def erlang_a(
    *,
    rate_per_min: float,
    aht_min: float,
    agents: int,
    patience_min: float,
    target_s: float = 20.0,
) -> QueueFigures:
    """M/M/N+M: exponential patience with mean ``patience_min``; stable at any load."""
    _check(rate_per_min, aht_min, agents)
    if not patience_min > 0:
        raise ValueError(f"patience_min must be positive, got {patience_min}")
    service, patience = 1 / aht_min, 1 / patience_min
    load = rate_per_min * aht_min
    states = _erlang_a_states(load, agents, rate_per_min, service, patience)
    queued = states[agents:]
    positions = np.arange(queued.size)
    queue_length = float((positions * queued).sum())
    p_served, served_wait = _tagged_served(agents * service, patience, queued.size)
    free_at_arrival = float(states[:agents].sum())
    served_share = free_at_arrival + float((queued * p_served).sum())
    target_min = target_s / SECONDS_PER_MINUTE
    within = _served_within(agents * service, patience, queued.size, target_min)
    p_abandon = patience * queue_length / rate_per_min
    return QueueFigures(
        agents=agents,
        offered_load=load,
        p_wait=float(queued.sum()),
        p_abandon=p_abandon,
        asa_min=float((queued * served_wait).sum()) / served_share,
        wait_mean_min=queue_length / rate_per_min,
        service_level=free_at_arrival + float((queued * within).sum()),
        occupancy=load * (1 - p_abandon) / agents,
        queue_length_mean=queue_length,
        target_s=target_s,
    )


def _tagged_served(
    service_rate: float, patience: float, positions: int
) -> tuple[np.ndarray, np.ndarray]:
    """For an arrival finding k waiting: P(served) and E[wait; served], k = 0..positions-1.

    At position m (m ahead of it) it moves forward at rate service_rate + m x patience and
    leaves at rate patience; holding times do not depend on which clock rings.
    """
    exits = service_rate + (np.arange(positions) + 1) * patience
    forward = (service_rate + np.arange(positions) * patience) / exits
    p_served = np.cumprod(forward)
    served_wait = p_served * np.cumsum(1 / exits)
    return p_served, served_wait


def _served_within(
    service_rate: float, patience: float, positions: int, target_min: float
) -> np.ndarray:
    """P(served with a wait of at most ``target_min``) for an arrival finding k waiting."""
    size = positions + 1
    generator = np.zeros((size, size))
    for position in range(positions):
        generator[position, position] = -(service_rate + (position + 1) * patience)
        if position > 0:
            generator[position, position - 1] = service_rate + position * patience
    generator[0, positions] = service_rate
    absorbed: np.ndarray = expm(generator * target_min)[:positions, positions]
    return absorbed


def queue_figures(
    *,
    rate_per_min: float,
    aht_min: float,
    agents: int,
    patience_min: float | None = None,
    target_s: float = 20.0,
) -> QueueFigures:
    """Erlang C without patience, Erlang A with it."""
    if patience_min is None:
        return erlang_c(
            rate_per_min=rate_per_min, aht_min=aht_min, agents=agents, target_s=target_s
        )
    return erlang_a(
        rate_per_min=rate_per_min,
        aht_min=aht_min,
        agents=agents,
        patience_min=patience_min,
        target_s=target_s,
    )


def agents_for_service_level(
    *,
    rate_per_min: float,
    aht_min: float,
    target_service_level: float,
    target_s: float = 20.0,
    patience_min: float | None = None,
    max_agents: int = 100_000,
) -> QueueFigures:
    """The fewest agents whose service level reaches the target (a staffing first guess)."""
    if not 0 < target_service_level < 1:
        raise ValueError(
            f"target service level must be between 0 and 1, got {target_service_level}"
        )
    _check(rate_per_min, aht_min, 1)
    load = rate_per_min * aht_min
    agents = math.floor(load) + 1 if patience_min is None else 1
    while agents <= max_agents:
        figures = queue_figures(
            rate_per_min=rate_per_min,
            aht_min=aht_min,
            agents=agents,
            patience_min=patience_min,
            target_s=target_s,
        )
        if figures.service_level >= target_service_level:
            return figures
        agents += 1
    raise ValueError(f"no staffing up to {max_agents} agents reaches {target_service_level}")


def square_root_staffing(offered_load: float, beta: float) -> int:
    """N = ceil(R + beta x sqrt(R)): the quality-efficiency rule of thumb."""
    return math.ceil(offered_load + beta * math.sqrt(offered_load))
