"""Skill-based routing: one FIFO queue per intent, pools tried in their declared order.

The per-contact path runs on plain event callbacks: a contact that finds a free agent starts
service at once; otherwise it joins its intent's queue with a patience timer. A freed agent
takes the longest-waiting contact among the queues of its skills. Abandoned contacts stay in
their deque and are skipped when they reach the head (lazy deletion), so abandoning is O(1).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import simpy

from klarsim.metrics.integral import TimeIntegral
from klarsim.model.contacts import ABANDONED, COMPLETED, IN_SERVICE, QUEUED, Contact
from klarsim.model.events import Call
from klarsim.model.workforce import Agent, Pool

ContactSink = Callable[[Contact, Pool | None], None]


class Router:
    """Offers contacts to pools, keeps the queues, and reacts to patience and service ends."""

    def __init__(
        self,
        env: simpy.Environment,
        pools: list[Pool],
        intents: int,
        on_finished: ContactSink,
    ) -> None:
        self.env = env
        self.pools = pools
        self.on_finished = on_finished
        self.queues: list[deque[Contact]] = [deque() for _ in range(intents)]
        self.priority_queues: list[deque[Contact]] = [deque() for _ in range(intents)]
        self.pools_for_intent = [
            [pool for pool in pools if intent in pool.skills] for intent in range(intents)
        ]
        for pool in pools:
            pool.queues = [self.queues[intent] for intent in pool.skills]
            pool.priority_queues = [self.priority_queues[intent] for intent in pool.skills]
        self.waiting = TimeIntegral()
        self.priority_used = False
        """Set once a contact has queued with priority; until then that scan is skipped."""

    def offer(self, contact: Contact, priority: bool = False) -> None:
        """A contact asks for a human: serve it now if an agent is free, else queue it."""
        contact.human = True
        for pool in self.pools_for_intent[contact.intent]:
            free = pool.free
            if free:
                pool.busy.add(self.env.now, 1)
                self._start(contact, free.pop(), 0.0)
                return
        self._enqueue(contact, priority)

    def _enqueue(self, contact: Contact, priority: bool) -> None:
        now = self.env.now
        contact.state = QUEUED
        contact.queued_min = now
        if priority:
            self.priority_used = True
            self.priority_queues[contact.intent].append(contact)
        else:
            self.queues[contact.intent].append(contact)
        self.waiting.add(now, 1)
        if contact.patience_min < math.inf:
            Call(self.env, contact.patience_min, self._on_patience, contact)

    def _on_patience(self, event: Call) -> None:
        contact: Contact = event.subject
        if contact.state != QUEUED:
            return
        contact.state = ABANDONED
        contact.wait_min = contact.patience_min
        self.waiting.add(self.env.now, -1)
        self.on_finished(contact, None)

    def _start(self, contact: Contact, agent: Agent, wait: float) -> None:
        """Put a contact with an agent already counted as busy."""
        pool = agent.pool
        contact.state = IN_SERVICE
        contact.wait_min = wait
        contact.service_min = contact.handle_min * pool.handle_time_multiplier
        agent.contact = contact
        Call(self.env, contact.service_min, self._on_done, agent)

    def _on_done(self, event: Call) -> None:
        agent: Agent = event.subject
        contact = agent.contact
        assert contact is not None
        contact.state = COMPLETED
        self.on_finished(contact, agent.pool)
        agent.contact = None
        self._next_for(agent)

    def _next_for(self, agent: Agent) -> None:
        """Give a freed agent the longest-waiting contact it can serve, or let it idle.

        Priority queues (escalations) come first; within a class, the oldest head wins.
        """
        pool = agent.pool
        best = _oldest_head(pool.priority_queues) if self.priority_used else None
        best = best or _oldest_head(pool.queues)
        now = self.env.now
        if best is None:
            pool.busy.add(now, -1)
            pool.free.append(agent)
            return
        contact = best.popleft()
        self.waiting.add(now, -1)
        self._start(contact, agent, now - contact.queued_min)

    def in_system(self) -> list[tuple[Contact, Pool | None]]:
        """Contacts still waiting (no pool yet) or in service (with their pool) at this time."""
        queued: list[tuple[Contact, Pool | None]] = [
            (contact, None)
            for queue in (*self.queues, *self.priority_queues)
            for contact in queue
            if contact.state == QUEUED
        ]
        serving: list[tuple[Contact, Pool | None]] = [
            (agent.contact, pool)
            for pool in self.pools
            for agent in pool.agents
            if agent.contact is not None
        ]
        return queued + serving


def _oldest_head(queues: list[deque[Contact]]) -> deque[Contact] | None:
    """The queue whose first waiting contact has waited longest (skipping abandoned ones)."""
    best: deque[Contact] | None = None
    for queue in queues:
        while queue and queue[0].state != QUEUED:
            queue.popleft()
        if queue and (best is None or queue[0].queued_min < best[0].queued_min):
            best = queue
    return best
