"""Who waits for a person: one FIFO queue per intent (and a priority twin), and how long.

Abandoned contacts stay in their deque and are skipped when they reach the head (lazy
deletion), so abandoning is O(1). The queues answer the questions both desks ask: which queue
a pool should serve next, how many wait, and how long a new contact can expect to wait for the
pools that serve its intent first (which decides whether an overflow pool steps in).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.integral import TimeIntegral
from klarsim.model.demand.contacts import QUEUED, Contact
from klarsim.model.workforce.pools import AgentPool

Queue = deque[Contact]


def throughput(pool: AgentPool) -> float:
    """Chats an agent of the pool completes, relative to one at a time, when full."""
    return pool.concurrency * pool.paces[pool.concurrency]


class PoolQueues:
    """The queues one pool serves: all its intents, and the chat intents among them."""

    __slots__ = ("chat_priority_queues", "chat_queues", "priority_queues", "queues")

    def __init__(self, pool: AgentPool, queues: Queues) -> None:
        chats = [intent for intent in pool.skills if queues.is_chat[intent]]
        self.queues = [queues.queues[intent] for intent in pool.skills]
        self.priority_queues = [queues.priority_queues[intent] for intent in pool.skills]
        self.chat_queues = [queues.queues[intent] for intent in chats]
        self.chat_priority_queues = [queues.priority_queues[intent] for intent in chats]


class Queues:
    """The intent queues, the count of contacts waiting, and the expected wait of a newcomer."""

    def __init__(
        self,
        env: SimulationEnvironment,
        pools: Sequence[AgentPool],
        channels: Sequence[str],
        mean_handle_min: Sequence[float],
    ) -> None:
        intents = len(channels)
        self.env = env
        self.is_chat = [channel == "chat" for channel in channels]
        self.mean_handle_min = list(mean_handle_min)
        self.queues: list[Queue] = [deque() for _ in range(intents)]
        self.priority_queues: list[Queue] = [deque() for _ in range(intents)]
        self.waiting_by_intent = [0] * intents
        self.waiting = TimeIntegral()
        """Contacts waiting in any queue (its level) and their time-integral."""
        self.priority_used = False
        """Set once a contact has queued with priority; until then that scan is skipped."""
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
        self.of_pool: dict[AgentPool, PoolQueues] = {p: PoolQueues(p, self) for p in pools}
        """Each pool's views over the queues it serves."""

    def add(self, contact: Contact, *, priority: bool) -> None:
        """Put a contact at the back of its intent's queue (or the priority twin)."""
        if priority:
            self.priority_used = True
            self.priority_queues[contact.intent].append(contact)
        else:
            self.queues[contact.intent].append(contact)
        self.waiting_by_intent[contact.intent] += 1
        self.waiting.add(self.env._now, 1)

    def left(self, contact: Contact) -> None:
        """A waiting contact gave up (it stays in its deque until it reaches the head)."""
        self.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(self.env._now, -1)

    def take(self, queue: Queue) -> Contact:
        """Remove the (waiting) head of a queue for service."""
        contact = queue.popleft()
        self.waiting_by_intent[contact.intent] -= 1
        self.waiting.add(self.env._now, -1)
        return contact

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

    def work_for(self, pool: AgentPool, *, chat_only: bool) -> Queue | None:
        """The queue whose head this pool should serve next, or None.

        Priority queues (escalations, recontacts) come first; within a class, the oldest head
        wins. ``chat_only`` limits the choice to chats (an agent already holding chats).
        """
        if not self.waiting.level:  # nobody waits: no queue to scan
            return None
        views = self.of_pool[pool]
        if pool.overflow_wait_min is not None:
            return self.eligible_head(pool, views, chat_only=chat_only)
        if chat_only:
            best = oldest_head(views.chat_priority_queues) if self.priority_used else None
            return best or oldest_head(views.chat_queues)
        best = oldest_head(views.priority_queues) if self.priority_used else None
        return best or oldest_head(views.queues)

    def eligible_head(self, pool: AgentPool, views: PoolQueues, *, chat_only: bool) -> Queue | None:
        """Like ``work_for``, restricted to chats and/or to contacts worth an overflow."""
        best: Queue | None = None
        for queues in (
            (views.chat_priority_queues, views.chat_queues)
            if chat_only
            else (views.priority_queues, views.queues)
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

    def _worth_overflow(self, pool: AgentPool, contact: Contact) -> bool:
        threshold = pool.overflow_wait_min
        if threshold is None:
            return True
        now: float = self.env._now
        waited = now - contact.queued_min
        return waited >= threshold or self.expected_wait_min(contact.intent) >= threshold

    def waiting_contacts(self) -> list[Contact]:
        """Contacts still waiting (for end-of-run counts)."""
        return [
            contact
            for queue in (*self.queues, *self.priority_queues)
            for contact in queue
            if contact.state == QUEUED
        ]


def oldest_head(queues: list[Queue]) -> Queue | None:
    """The queue whose first waiting contact has waited longest (skipping abandoned ones)."""
    best: Queue | None = None
    for queue in queues:
        while queue and queue[0].state != QUEUED:
            queue.popleft()
        if queue and (best is None or queue[0].queued_min < best[0].queued_min):
            best = queue
    return best
