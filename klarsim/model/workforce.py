"""Human pools and their agents: who is staffed, who is free, how fast they work."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from klarsim.config.schema import Pool as PoolSpec
from klarsim.metrics.integral import TimeIntegral

if TYPE_CHECKING:
    from klarsim.model.contacts import Contact


class Agent:
    """One human agent; holds the contact it is serving, if any."""

    __slots__ = ("contact", "pool")

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.contact: Contact | None = None


class Pool:
    """A named group of agents with shared skills and speed; free agents wait in a stack."""

    def __init__(self, name: str, spec: PoolSpec, skills: tuple[int, ...]) -> None:
        self.name = name
        self.spec = spec
        self.skills = skills
        self.handle_time_multiplier = spec.handle_time_multiplier
        self.resolution_probability = spec.resolution_probability
        self.cost_per_hour = spec.cost_per_hour
        self.agents = [Agent(self) for _ in range(spec.headcount)]
        self.free: list[Agent] = list(self.agents)
        self.queues: list[deque[Contact]] = []
        """The queues of the intents this pool serves; set by the router."""
        self.priority_queues: list[deque[Contact]] = []
        """Their priority counterparts (escalations), served first."""
        self.busy = TimeIntegral()
        self.staffed = TimeIntegral(level=float(spec.headcount))
