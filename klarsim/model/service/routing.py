"""Skill-based routing: a contact that asks for a person is served at once or queued.

The per-contact path runs on plain event callbacks: a contact that finds a free agent starts
service at once; otherwise it joins its intent's queue (``klarsim.model.service.queues``) with
a patience timer. A freed agent takes the longest-waiting contact among the queues of its
skills. Overflow pools serve only contacts whose expected wait for the other pools passes
their threshold; pools with chat concurrency are served by the chat desk. The clock is read as
``env._now``, not through SimPy's ``now`` property: a function call saved on every step of the
busiest path; read into a local typed ``float`` where it takes part in arithmetic (SimPy types
it int or float, which the compiled build would add and compare as Python objects).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.demand.contacts import ABANDONED, COMPLETED, IN_SERVICE, QUEUED, Contact
from klarsim.model.service.chats import ChatDesk
from klarsim.model.service.queues import Queues, oldest_head
from klarsim.model.workforce.pools import Agent, AgentPool

ContactSink = Callable[[Contact, AgentPool | None], None]
"""Where a contact goes when a person has finished with it (or it abandoned: no pool)."""


@dataclass(frozen=True)
class CallUp:
    """Who to tell when the queue reaches a length (gig call-ups); ``level`` inf: nobody."""

    level: float = math.inf
    on_queue_growth: Callable[[float, float], None] | None = None
    """Called with the time and the queue length when it reaches ``level``."""


class Router:
    """Offers contacts to pools, queues the rest, and reacts to patience and service ends."""

    def __init__(
        self,
        env: SimulationEnvironment,
        queues: Queues,
        chats: ChatDesk,
        *,
        on_finished: ContactSink,
        call_up: CallUp,
    ) -> None:
        self.env = env
        self.queues = queues
        self.chats = chats
        self.on_finished = on_finished
        self.pools = list(queues.of_pool)
        self.is_chat = queues.is_chat
        self.primary = queues.primary
        self.overflow = queues.overflow
        self.waiting = queues.waiting
        self._of_pool = queues.of_pool
        self.call_up_level = call_up.level
        self.on_queue_growth = call_up.on_queue_growth
        self._done: Callable[[Callback], None] = self._on_done
        self._patience_over: Callable[[Callback], None] = self._on_patience
        """The two bound once: compiled, naming a method makes a bound method each time."""

    def offer(self, contact: Contact, priority: bool = False) -> None:
        """A contact asks for a human: serve it now if an agent can take it, else queue it."""
        contact.human = True
        contact.queued_min = self.env._now  # asked for a person now (its wait counts from here)
        intent = contact.intent
        for pool in self.primary[intent]:
            free = pool.free
            if free:
                pool.busy.add(self.env._now, 1)
                self.start(contact, free.pop(), 0.0)
                return
            if pool.with_room and self.is_chat[intent]:  # ChatDesk.join, inlined (every chat)
                for bucket in pool.partial:  # an agent with room is in one of the buckets
                    for agent in bucket:  # the least loaded, longest in its bucket
                        self.chats.start(contact, agent, 0.0)
                        return
        if self.overflow[intent] and self._overflow_takes(contact):
            return
        self._enqueue(contact, priority)

    def _overflow_takes(self, contact: Contact) -> bool:
        """Whether an overflow pool serves the contact now (its expected wait passes the
        pool's threshold); the expected wait is worked out only if some pool has room."""
        intent = contact.intent
        chat = self.is_chat[intent]
        expected: float | None = None
        for pool in self.overflow[intent]:
            if not pool.free and not (pool.with_room and chat):
                continue
            if expected is None:
                expected = self.queues.expected_wait_min(intent)
            threshold = pool.overflow_wait_min
            if threshold is None or expected < threshold:
                continue
            if pool.free:
                pool.busy.add(self.env._now, 1)
                self.start(contact, pool.free.pop(), 0.0)
                return True
            if self.chats.join(contact, pool):
                return True
        return False

    def _enqueue(self, contact: Contact, priority: bool) -> None:
        contact.state = QUEUED
        self.queues.add(contact, priority=priority)
        if contact.patience_min < math.inf:
            Callback(self.env, contact.patience_min, self._patience_over, contact)
        if self.waiting.level >= self.call_up_level and self.on_queue_growth is not None:
            self.on_queue_growth(self.env._now, self.waiting.level)

    def _on_patience(self, event: Callback) -> None:
        contact: Contact = event.subject
        if contact.state != QUEUED:
            return
        contact.state = ABANDONED
        contact.wait_min = contact.patience_min
        self.queues.left(contact)
        self.on_finished(contact, None)

    def start(self, contact: Contact, agent: Agent, wait: float) -> None:
        """Put a contact with an agent already counted as busy."""
        pool = agent.pool
        if pool.concurrency > 1:
            self.chats.start(contact, agent, wait)
            return
        now: float = self.env._now
        contact.state = IN_SERVICE
        contact.wait_min = wait
        speed = (
            pool.handle_time_multiplier
            if agent.ramp_until <= now
            else pool.speed_factor(agent, now)
        )
        contact.service_min = contact.handle_min * speed
        agent.contact = contact
        if pool.payroll is not None:
            pool.payroll.engage(agent, now)
        Callback(self.env, contact.service_min, self._done, agent)

    def _on_done(self, event: Callback) -> None:
        agent: Agent = event.subject
        contact = agent.contact
        assert contact is not None
        contact.state = COMPLETED
        pool = agent.pool
        if pool.payroll is not None:
            pool.payroll.served(agent, self.env._now)
        self.on_finished(contact, pool)
        agent.contact = None
        self._next_for(agent)

    def _next_for(self, agent: Agent) -> None:
        """Give a freed agent the longest-waiting contact it can serve, or let it idle.

        ``Queues.work_for``, ``Queues.take`` and ``_idle`` are inlined here: this runs once
        per contact.
        """
        pool = agent.pool
        now: float = self.env._now
        if agent.leaving:
            self._idle(agent, now)
            pool.release(agent, now)
            return
        if not self.waiting.level:  # nobody waits: no queue to scan (abandoned heads can stay)
            best = None
        else:
            views = self._of_pool[pool]
            if pool.overflow_wait_min is None:
                best = oldest_head(views.priority_queues) if self.queues.priority_used else None
                best = best or oldest_head(views.queues)
            else:
                best = self.queues.eligible_head(pool, views, chat_only=False)
        if best is None:
            pool.busy.add(now, -1)
            if pool.payroll is not None:
                pool.payroll.idle(agent, now)
            pool.free.append(agent)
            return
        contact = best.popleft()
        self.queues.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(now, -1)
        self.start(contact, agent, now - contact.queued_min)

    @staticmethod
    def _idle(agent: Agent, now: float) -> None:
        pool = agent.pool
        pool.busy.add(now, -1)
        if pool.payroll is not None:
            pool.payroll.idle(agent, now)

    def fill(self, agent: Agent) -> None:
        """An agent came on duty (or stayed on): give it waiting work up to its capacity."""
        pool = agent.pool
        if pool.concurrency > 1:
            self.chats.refill(agent)
            return
        if agent.contact is not None:
            return
        best = self.queues.work_for(pool, chat_only=False)
        if best is None:
            return
        _unfree(pool, agent)
        now: float = self.env._now
        pool.busy.add(now, 1)
        contact = self.queues.take(best)
        self.start(contact, agent, now - contact.queued_min)

    def in_system(self) -> list[tuple[Contact, AgentPool | None]]:
        """Contacts still waiting (no pool yet) or in service (with their pool) at this time."""
        queued: list[tuple[Contact, AgentPool | None]] = [
            (contact, None) for contact in self.queues.waiting_contacts()
        ]
        serving: list[tuple[Contact, AgentPool | None]] = []
        for pool in self.pools:
            for agent in pool.duty:
                if agent.contact is not None:
                    serving.append((agent.contact, pool))
                serving.extend((chat, pool) for chat in agent.chats)
        return queued + serving


def _unfree(pool: AgentPool, agent: Agent) -> None:
    """Take an idle agent off the free stack (it is usually the last one pushed)."""
    if pool.free[-1] is agent:
        pool.free.pop()
    else:
        pool.free.remove(agent)
