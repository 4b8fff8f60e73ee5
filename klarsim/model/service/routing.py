"""Skill-based routing: one FIFO queue per intent, pools tried in their declared order.

The per-contact path runs on plain event callbacks: a contact that finds a free agent starts
service at once; otherwise it joins its intent's queue with a patience timer. A freed agent
takes the longest-waiting contact among the queues of its skills. Abandoned contacts stay in
their deque and are skipped when they reach the head (lazy deletion), so abandoning is O(1).
Overflow pools serve only contacts whose expected wait for the other pools passes their
threshold; pools with chat concurrency are served by ``klarsim.model.service.chats``. The clock is
read as ``env._now``, not through SimPy's ``now`` property: a function call saved on every
step of the busiest path.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence

import simpy

from klarsim.kernel.callbacks import Call
from klarsim.kernel.integral import TimeIntegral
from klarsim.model.demand.contacts import ABANDONED, COMPLETED, IN_SERVICE, QUEUED, Contact
from klarsim.model.service.chats import ChatDesk, throughput
from klarsim.model.workforce.pools import Agent, Pool

ContactSink = Callable[[Contact, Pool | None], None]


class Router:
    """Offers contacts to pools, keeps the queues, and reacts to patience and service ends."""

    def __init__(
        self,
        env: simpy.Environment,
        pools: list[Pool],
        channels: Sequence[str],
        mean_handle_min: Sequence[float],
        on_finished: ContactSink,
    ) -> None:
        intents = len(channels)
        self.env = env
        self.pools = pools
        self.on_finished = on_finished
        self.is_chat = [channel == "chat" for channel in channels]
        self.mean_handle_min = list(mean_handle_min)
        self.queues: list[deque[Contact]] = [deque() for _ in range(intents)]
        self.priority_queues: list[deque[Contact]] = [deque() for _ in range(intents)]
        self.waiting_by_intent = [0] * intents
        self.primary = [
            [p for p in pools if i in p.skills and p.overflow_wait_min is None]
            for i in range(intents)
        ]
        """Pools that serve an intent whenever they can, in declared order."""
        self.overflow = [
            [p for p in pools if i in p.skills and p.overflow_wait_min is not None]
            for i in range(intents)
        ]
        """Pools that serve an intent only when its expected wait passes their threshold."""
        self._capacity = [
            [(p.staffed, throughput(p) if self.is_chat[i] else 1.0) for p in self.primary[i]]
            for i in range(intents)
        ]
        """Per intent, each primary pool's agents on duty and the contacts each serves at once."""
        self.chats = ChatDesk(env, self)
        for pool in pools:
            pool.queues = [self.queues[intent] for intent in pool.skills]
            pool.priority_queues = [self.priority_queues[intent] for intent in pool.skills]
            chats = [intent for intent in pool.skills if self.is_chat[intent]]
            pool.chat_queues = [self.queues[intent] for intent in chats]
            pool.chat_priority_queues = [self.priority_queues[intent] for intent in chats]
            pool.on_available = self.fill
        self.waiting = TimeIntegral()
        self.priority_used = False
        """Set once a contact has queued with priority; until then that scan is skipped."""
        self.call_up_level = math.inf
        """Queue length at which ``on_queue_growth`` is called (gig call-up)."""
        self.on_queue_growth: Callable[[float, float], None] | None = None
        """Called with the time and the queue length when it reaches ``call_up_level``."""

    def offer(self, contact: Contact, priority: bool = False) -> None:
        """A contact asks for a human: serve it now if an agent can take it, else queue it."""
        contact.human = True
        intent = contact.intent
        for pool in self.primary[intent]:
            free = pool.free
            if free:
                pool.busy.add(self.env._now, 1)
                self.start(contact, free.pop(), 0.0)
                return
            if pool.with_room and self.is_chat[intent] and self.chats.join(contact, pool):
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
                expected = self.expected_wait_min(intent)
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

    def expected_wait_min(self, intent: int) -> float:
        """A new contact's expected wait for the primary pools: backlog over their capacity.

        Capacity is the agents on duty times the contacts each serves at once (chats at their
        slowed pace); service is the intent's mean handle time at the first pool's speed.
        """
        capacity = 0.0
        for staffed, slots in self._capacity[intent]:
            capacity += staffed.level * slots
        if capacity <= 0:
            return math.inf
        service = self.mean_handle_min[intent] * self.primary[intent][0].handle_time_multiplier
        return (self.waiting_by_intent[intent] + 1) * service / capacity

    def _enqueue(self, contact: Contact, priority: bool) -> None:
        now = self.env._now
        contact.state = QUEUED
        contact.queued_min = now
        if priority:
            self.priority_used = True
            self.priority_queues[contact.intent].append(contact)
        else:
            self.queues[contact.intent].append(contact)
        self.waiting_by_intent[contact.intent] += 1
        self.waiting.add(now, 1)
        if contact.patience_min < math.inf:
            Call(self.env, contact.patience_min, self._on_patience, contact)
        if self.waiting.level >= self.call_up_level and self.on_queue_growth is not None:
            self.on_queue_growth(now, self.waiting.level)

    def _on_patience(self, event: Call) -> None:
        contact: Contact = event.subject
        if contact.state != QUEUED:
            return
        contact.state = ABANDONED
        contact.wait_min = contact.patience_min
        self.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(self.env._now, -1)
        self.on_finished(contact, None)

    def start(self, contact: Contact, agent: Agent, wait: float) -> None:
        """Put a contact with an agent already counted as busy."""
        pool = agent.pool
        if pool.concurrency > 1:
            self.chats.start(contact, agent, wait)
            return
        now = self.env._now
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
        Call(self.env, contact.service_min, self._on_done, agent)

    def _on_done(self, event: Call) -> None:
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

        ``work_for``, ``take`` and ``_idle`` are inlined here: this runs once per contact.
        """
        pool = agent.pool
        now = self.env._now
        if agent.leaving:
            self._idle(agent, now)
            pool.release(agent, now)
            return
        if not self.waiting.level:  # nobody waits: no queue to scan (abandoned heads can stay)
            best = None
        elif pool.overflow_wait_min is None:
            best = _oldest_head(pool.priority_queues) if self.priority_used else None
            best = best or _oldest_head(pool.queues)
        else:
            best = self._eligible_head(pool, chat_only=False)
        if best is None:
            pool.busy.add(now, -1)
            if pool.payroll is not None:
                pool.payroll.idle(agent, now)
            pool.free.append(agent)
            return
        contact = best.popleft()
        self.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(now, -1)
        self.start(contact, agent, now - contact.queued_min)

    @staticmethod
    def _idle(agent: Agent, now: float) -> None:
        pool = agent.pool
        pool.busy.add(now, -1)
        if pool.payroll is not None:
            pool.payroll.idle(agent, now)

    def take(self, queue: deque[Contact]) -> Contact:
        """Remove the (waiting) head of a queue for service."""
        contact = queue.popleft()
        self.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(self.env._now, -1)
        return contact

    def work_for(self, pool: Pool, *, chat_only: bool) -> deque[Contact] | None:
        """The queue whose head this pool should serve next, or None.

        Priority queues (escalations, recontacts) come first; within a class, the oldest head
        wins. ``chat_only`` limits the choice to chats (an agent already holding chats).
        """
        if not self.waiting.level:  # nobody waits: no queue to scan
            return None
        if pool.overflow_wait_min is not None:
            return self._eligible_head(pool, chat_only=chat_only)
        if chat_only:
            best = _oldest_head(pool.chat_priority_queues) if self.priority_used else None
            return best or _oldest_head(pool.chat_queues)
        best = _oldest_head(pool.priority_queues) if self.priority_used else None
        return best or _oldest_head(pool.queues)

    def _eligible_head(self, pool: Pool, *, chat_only: bool) -> deque[Contact] | None:
        """Like ``work_for``, restricted to chats and/or to contacts worth an overflow."""
        best: deque[Contact] | None = None
        for queues in (
            (pool.chat_priority_queues, pool.chat_queues)
            if chat_only
            else (pool.priority_queues, pool.queues)
        ):
            for queue in queues:
                while queue and queue[0].state != QUEUED:
                    queue.popleft()
                if not queue or not self._worth_overflow(pool, queue[0]):
                    continue
                if best is None or queue[0].queued_min < best[0].queued_min:
                    best = queue
            if best is not None:
                return best
        return None

    def _worth_overflow(self, pool: Pool, contact: Contact) -> bool:
        threshold = pool.overflow_wait_min
        if threshold is None:
            return True
        waited = self.env._now - contact.queued_min
        return waited >= threshold or self.expected_wait_min(contact.intent) >= threshold

    def fill(self, agent: Agent) -> None:
        """An agent came on duty (or stayed on): give it waiting work up to its capacity."""
        pool = agent.pool
        if pool.concurrency > 1:
            self.chats.refill(agent)
            return
        if agent.contact is not None:
            return
        best = self.work_for(pool, chat_only=False)
        if best is None:
            return
        _unfree(pool, agent)
        pool.busy.add(self.env._now, 1)
        contact = self.take(best)
        self.start(contact, agent, self.env._now - contact.queued_min)

    def in_system(self) -> list[tuple[Contact, Pool | None]]:
        """Contacts still waiting (no pool yet) or in service (with their pool) at this time."""
        queued: list[tuple[Contact, Pool | None]] = [
            (contact, None)
            for queue in (*self.queues, *self.priority_queues)
            for contact in queue
            if contact.state == QUEUED
        ]
        serving: list[tuple[Contact, Pool | None]] = []
        for pool in self.pools:
            for agent in pool.duty:
                if agent.contact is not None:
                    serving.append((agent.contact, pool))
                serving.extend((chat, pool) for chat in agent.chats)
        return queued + serving


def _unfree(pool: Pool, agent: Agent) -> None:
    """Take an idle agent off the free stack (it is usually the last one pushed)."""
    if pool.free[-1] is agent:
        pool.free.pop()
    else:
        pool.free.remove(agent)


def _oldest_head(queues: list[deque[Contact]]) -> deque[Contact] | None:
    """The queue whose first waiting contact has waited longest (skipping abandoned ones)."""
    best: deque[Contact] | None = None
    for queue in queues:
        while queue and queue[0].state != QUEUED:
            queue.popleft()
        if queue and (best is None or queue[0].queued_min < best[0].queued_min):
            best = queue
    return best
