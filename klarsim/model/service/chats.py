"""Chat concurrency: an agent holds up to K chats, each slowed by the others.

With n chats at once every chat progresses at pace 1 / (1 + slowdown x (n - 1)) of its solo
handle time, so an agent's throughput n / (1 + slowdown x (n - 1)) grows sub-linearly with n.
All of an agent's chats share one pace, so each agent keeps one work clock: the work each of
its chats has received since the agent last had none. A chat is done when that clock reaches
its due mark (the clock at its start plus its work), so a change of pace updates one number,
not every chat. An agent keeps its chats in order of their marks, and only the first can finish
next: each agent has one pending completion event, replaced whenever its set of chats changes.
A voice or email contact takes all of an agent's slots. The pool's ``busy_slots`` integral
follows every change of an agent's load (slot utilisation).
"""

from __future__ import annotations

from collections.abc import Callable

from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.demand.contacts import COMPLETED, IN_SERVICE, Contact
from klarsim.model.service.queues import Queues
from klarsim.model.workforce.pools import Agent, AgentPool

Finished = Callable[[Contact, AgentPool], None]
"""Where a contact goes when its agent has finished with it."""


class ChatDesk:
    """Serves the contacts of pools whose agents may hold several chats at once."""

    def __init__(self, env: SimulationEnvironment, queues: Queues, on_finished: Finished) -> None:
        self.env = env
        self.queues = queues
        self.on_finished = on_finished
        self._on_chat_done = self._chat_done  # bound once: one per completion scheduled
        self._on_exclusive_done = self._exclusive_done
        self._is_chat = queues.is_chat

    def join(self, contact: Contact, pool: AgentPool) -> bool:
        """Give a chat to the least-loaded agent with a free slot; False if none has one."""
        for bucket in pool.partial:  # bucket 0 is always empty: agents there are free
            for agent in bucket:  # the first: the longest in this bucket
                self.start(contact, agent, 0.0)
                return True
        return False

    def start(self, contact: Contact, agent: Agent, wait: float, *, schedule: bool = True) -> None:
        """Start serving a contact on an agent (already counted busy if it was idle).

        ``schedule=False`` leaves the agent's next completion to be scheduled by the caller,
        which is about to add more work.
        """
        pool = agent.pool
        now: float = self.env._now
        contact.state = IN_SERVICE
        contact.wait_min = wait
        contact.started_min = now
        speed = (  # pool.speed_factor, inlined for the common case (no ramp): once per contact
            pool.handle_time_multiplier
            if agent.ramp_until <= now
            else pool.speed_factor(agent, now)
        )
        work = contact.handle_min * speed
        if agent.load == 0 and pool.payroll is not None:
            pool.payroll.engage(agent, now)
        if not self._is_chat[contact.intent]:
            agent.contact = contact
            agent.load = pool.concurrency  # it had no chat, so it was in no bucket
            pool.busy_slots.add(now, pool.concurrency)
            contact.service_min = work
            Callback(self.env, work, self._on_exclusive_done, agent)
            return
        chats = agent.chats
        if chats:  # the clock moves at the pace of the chats so far
            agent.work_done_min += (now - agent.progress_since) * pool.paces[len(chats)]
        else:  # a fresh clock: its marks stay small, so precise
            agent.work_done_min = 0.0
        agent.progress_since = now
        due = contact.work_due_min = agent.work_done_min + work
        position = len(chats)  # after any equal mark, so the first of ties stays first
        while position and chats[position - 1].work_due_min > due:
            position -= 1
        chats.insert(position, contact)
        agent.load += 1
        pool.busy_slots.add(now, 1)
        if schedule:
            pool.place(agent)
            self._schedule(agent)

    def refill(self, agent: Agent) -> None:
        """An agent came on duty or stayed on: fill its free slots from the queues."""
        pool = agent.pool
        held = agent.load
        if held == 0:
            if self.queues.work_for(pool, chat_only=False) is None:
                return
            pool.free.remove(agent)
            pool.busy.add(self.env._now, 1)
        self._take_work(agent)
        if agent.load != held:  # otherwise its chats and their pending completion stand
            pool.place(agent)
            self._schedule(agent)

    def _take_work(self, agent: Agent) -> None:
        """Fill the agent's free slots from the queues; the caller schedules the completion."""
        pool, queues = agent.pool, self.queues
        now: float = self.env._now
        while agent.load < pool.concurrency and queues.waiting.level:
            queue = queues.work_for(pool, chat_only=agent.load > 0)
            if queue is None:
                return
            contact = queues.take(queue)
            self.start(contact, agent, now - contact.queued_min, schedule=False)

    def _schedule(self, agent: Agent) -> None:
        """Replace the agent's pending completion by one for its first chat (lowest mark).

        Called just after the agent's chats changed, so its work clock reads now.
        """
        chats = agent.chats
        if not chats:
            agent.completion = None
            return
        left = chats[0].work_due_min - agent.work_done_min
        delay = (left if left > 0.0 else 0.0) / agent.pool.paces[len(chats)]
        agent.completion = Callback(self.env, delay, self._on_chat_done, agent)

    def _chat_done(self, event: Callback) -> None:
        agent: Agent = event.subject
        if event is not agent.completion:
            return  # the agent's chats changed since this was scheduled
        now: float = self.env._now
        chats = agent.chats
        agent.work_done_min += (now - agent.progress_since) * agent.pool.paces[len(chats)]
        agent.progress_since = now
        chat = chats.pop(0)
        agent.load -= 1
        agent.pool.busy_slots.add(now, -1)
        chat.state = COMPLETED
        chat.service_min = now - chat.started_min
        self._finish(chat, agent)

    def _exclusive_done(self, event: Callback) -> None:
        agent: Agent = event.subject
        contact = agent.contact
        assert contact is not None
        contact.state = COMPLETED
        agent.contact = None
        agent.load = 0
        agent.pool.busy_slots.add(self.env._now, -agent.pool.concurrency)
        self._finish(contact, agent)

    def _finish(self, contact: Contact, agent: Agent) -> None:
        pool = agent.pool
        now: float = self.env._now
        if pool.payroll is not None:
            pool.payroll.served(agent, now)
        self.on_finished(contact, pool)
        if not agent.leaving and self.queues.waiting.level:  # else there is no work to take
            self._take_work(agent)
        if agent.load == 0:
            pool.unplace(agent)
            pool.busy.add(now, -1)
            if pool.payroll is not None:
                pool.payroll.idle(agent, now)
            if agent.leaving:
                pool.release(agent, now)
            else:
                pool.free.append(agent)
            return
        pool.place(agent)
        self._schedule(agent)
