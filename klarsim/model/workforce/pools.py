"""Human pools and their agents: who is on duty, who is free, how fast they work.

An agent is a member of its pool (a trained employee or a registered gig agent) and is
either on duty (staffed: serving or ready to) or off duty (on the bench). Going off duty while
busy waits for the agent's current work to end (``leaving``). Members who quit or are laid
off while busy finish their contacts first (``departed``). Agents kept in lists and ordered
dicts, never sets, so every replication walks them in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from klarsim.config.workforce import EmployeePool, PoolSpec
from klarsim.kernel.integral import TimeIntegral
from klarsim.units import MINUTES_PER_DAY

if TYPE_CHECKING:
    from klarsim.kernel.callbacks import Callback
    from klarsim.model.demand.contacts import Contact


class Agent:
    """One human agent: its current contact (or chats), duty state and proficiency ramp."""

    __slots__ = (
        "bucket",
        "chats",
        "completion",
        "contact",
        "departed",
        "engaged_since",
        "leaving",
        "load",
        "on_duty",
        "pool",
        "progress_since",
        "ramp_until",
        "session_earned",
        "session_start",
        "work_done_min",
    )

    def __init__(self, pool: AgentPool, ramp_until: float = -1.0) -> None:
        self.pool = pool
        self.contact: Contact | None = None
        """The contact being served (one-at-a-time pools)."""
        self.chats: list[Contact] = []
        """Contacts being served at once, the first due first (pools with chat concurrency)."""
        self.load = 0
        """Slots in use: chats held, or the pool's concurrency while on a voice or email."""
        self.on_duty = False
        self.leaving = False
        """Goes off duty as soon as its current work ends."""
        self.departed = False
        """Left the pool (quit, laid off); still finishing its work."""
        self.ramp_until = ramp_until
        """Until this time the agent is slower than the pool's norm (a new hire's ramp)."""
        self.bucket = 0
        """Index of the ``AgentPool.partial`` bucket holding the agent; 0: in none."""
        self.progress_since = 0.0
        """When the agent's chats last changed pace (concurrency)."""
        self.work_done_min = 0.0
        """Work each of the agent's chats had received at ``progress_since``, counted from
        when the agent last had no chat (concurrency)."""
        self.completion: Callback | None = None
        """The agent's pending chat completion; any other is stale."""
        self.engaged_since = 0.0
        self.session_start = 0.0
        self.session_earned = 0.0
        """Gig pay earned since ``session_start`` (for the guaranteed minimum)."""

    @property
    def working(self) -> bool:
        """Whether the agent holds any contact."""
        return self.contact is not None or bool(self.chats)


Available = Callable[[Agent], None]
"""Called when an agent comes on duty with free capacity (the router gives it work)."""
Released = Callable[[Agent, float], None]
"""Called with an agent and the time when it goes off duty."""


class Payroll(Protocol):
    """Pay for engaged time and contacts (gig pools); the router reports what agents do."""

    def engage(self, agent: Agent, now: float) -> None:
        """The agent took work after being idle."""

    def served(self, agent: Agent, now: float) -> None:
        """The agent finished a contact (its engaged time so far is paid)."""

    def idle(self, agent: Agent, now: float) -> None:
        """The agent has no work left."""

    def settle(self, agent: Agent, now: float) -> None:
        """The agent goes off duty: pay what it is owed."""


def _ignore(agent: Agent) -> None:
    """The default hook: nothing to do."""


def _ignore_release(agent: Agent, now: float) -> None:
    """The default hook: nothing to do."""


class AgentPool:
    """A named group of agents with shared skills and speed, and its duty bookkeeping."""

    def __init__(
        self,
        name: str,
        spec: PoolSpec,
        skills: tuple[int, ...],
        *,
        on_available: Available = _ignore,
        payroll: Payroll | None = None,
    ) -> None:
        self.name = name
        self.spec = spec
        self.kind = spec.kind
        self.skills = skills
        self.handle_time_multiplier = spec.handle_time_multiplier
        self.resolution_probability = spec.resolution_probability
        self.concurrency = spec.concurrency
        self.slowdown = spec.concurrency_slowdown
        self.paces = [1.0] + [
            1.0 / (1.0 + spec.concurrency_slowdown * (chats - 1))
            for chats in range(1, spec.concurrency + 1)
        ]
        """Pace of each chat when an agent holds ``index`` chats (index 0 unused)."""
        self.overflow_wait_min = spec.overflow_wait_min
        hiring = spec.hiring if isinstance(spec, EmployeePool) else None
        self.ramp_extra = hiring.ramp_start_multiplier - 1.0 if hiring is not None else 0.0
        self.ramp_min = hiring.ramp_days * MINUTES_PER_DAY if hiring is not None else 0.0
        self.members: list[Agent] = []
        """Trained employees or onboarded gig agents, on duty or not."""
        self.free: list[Agent] = []
        """On duty and idle (a stack: the last freed is the next taken)."""
        self.partial: list[dict[Agent, None]] = (
            [{} for _ in range(spec.concurrency)] if spec.concurrency > 1 else []
        )
        """Bucket k holds the agents on duty with k chats and a free slot (k >= 1; pools
        with concurrency only; ordered sets)."""
        self.with_room = 0
        """Agents in the ``partial`` buckets (kept by ``place`` and ``unplace``): a new chat
        tries to join one only when there is one."""
        self.bench: list[Agent] = []
        """Members off duty."""
        self.duty: dict[Agent, None] = {}
        """Members on duty, in the order they came on (an ordered set)."""
        self.leaving_count = 0
        self.busy = TimeIntegral()
        """Agents holding at least one contact."""
        self.busy_slots = TimeIntegral()
        """Chat slots in use, summed over agents (pools with concurrency only; kept by the
        chat desk). A voice or email contact fills all of its agent's slots."""
        self.staffed = TimeIntegral()
        """Agents on duty (including those finishing work after their shift)."""
        self.on_available = on_available
        """Called when an agent comes on duty with room for work (the router gives it some)."""
        self.payroll = payroll
        """Pays for engaged time (gig pools); None: paid by the hour whatever they do."""
        self.on_released: Released = payroll.settle if payroll is not None else _ignore_release

    def add_member(self, agent: Agent) -> None:
        """A new trained member joins the bench."""
        self.members.append(agent)
        self.bench.append(agent)

    def effective_on_duty(self) -> int:
        """Agents on duty who are not about to leave."""
        return len(self.duty) - self.leaving_count

    def set_on_duty(self, target: int, now: float) -> None:
        """Bring agents on or off duty until ``target`` are on duty and staying."""
        target = max(0, min(target, len(self.members)))
        while self.effective_on_duty() < target and self._bring_on(now):
            pass
        while self.effective_on_duty() > target and self._send_off(now):
            pass

    def _bring_on(self, now: float) -> bool:
        if self.leaving_count and self._keep_a_leaver():
            return True
        if not self.bench:
            return False
        self._start_duty(self.bench.pop(), now)
        return True

    def bring_on(self, agent: Agent, now: float) -> None:
        """Put one member on duty (a gig person logging on); if it is leaving, it stays."""
        if agent.departed:
            return
        if agent.on_duty:
            if agent.leaving:
                self._keep(agent)
            return
        self.bench.remove(agent)
        self._start_duty(agent, now)

    def send_off(self, agent: Agent, now: float) -> None:
        """Take one member off duty: at once if idle, after its current work if busy."""
        if not agent.on_duty or agent.leaving:
            return
        if agent.working:
            self._mark_leaving(agent)
        else:
            self.free.remove(agent)
            self._off_duty(agent, now)

    def _start_duty(self, agent: Agent, now: float) -> None:
        agent.on_duty = True
        agent.session_start = now
        agent.session_earned = 0.0
        self.duty[agent] = None
        self.staffed.add(now, 1)
        self.free.append(agent)
        self.on_available(agent)

    def _keep_a_leaver(self) -> bool:
        """Cancel the leaving of a busy agent still on the pool; False if there is none."""
        for agent in self.duty:
            if agent.leaving and not agent.departed:
                self._keep(agent)
                return True
        return False

    def _keep(self, agent: Agent) -> None:
        """A busy agent marked leaving stays on duty after all."""
        agent.leaving = False
        self.leaving_count -= 1
        if 0 < agent.load < self.concurrency:
            self.place(agent)
            self.on_available(agent)

    def _send_off(self, now: float) -> bool:
        if self.free:
            self._off_duty(self.free.pop(), now)
            return True
        for agent in reversed(self.duty):
            if not agent.leaving:
                self._mark_leaving(agent)
                return True
        return False

    def _mark_leaving(self, agent: Agent) -> None:
        agent.leaving = True
        self.leaving_count += 1
        self.unplace(agent)

    def place(self, agent: Agent) -> None:
        """Put an agent with chats in the bucket of its load (or none if full or leaving)."""
        bucket = agent.bucket  # unplace, inlined: this runs on every change of a chat agent's load
        if bucket:
            del self.partial[bucket][agent]
            agent.bucket = 0
            self.with_room -= 1
        load = agent.load
        if 0 < load < self.concurrency and not agent.leaving:
            self.partial[load][agent] = None
            agent.bucket = load
            self.with_room += 1

    def unplace(self, agent: Agent) -> None:
        """Take an agent out of its ``partial`` bucket, if it is in one."""
        if agent.bucket:
            del self.partial[agent.bucket][agent]
            agent.bucket = 0
            self.with_room -= 1

    def release(self, agent: Agent, now: float) -> None:
        """An agent marked leaving has finished its work: it goes off duty (or away)."""
        agent.leaving = False
        self.leaving_count -= 1
        self._off_duty(agent, now)

    def _off_duty(self, agent: Agent, now: float) -> None:
        self.on_released(agent, now)
        agent.on_duty = False
        del self.duty[agent]
        self.staffed.add(now, -1)
        if not agent.departed:
            self.bench.append(agent)

    def remove_member(self, agent: Agent, now: float) -> None:
        """A member leaves the pool: at once if idle or off duty, after its work if busy."""
        self.members.remove(agent)
        agent.departed = True
        if not agent.on_duty:
            self.bench.remove(agent)
        elif agent.working:
            if not agent.leaving:
                self._mark_leaving(agent)
        else:
            self.free.remove(agent)
            self._off_duty(agent, now)

    def speed_factor(self, agent: Agent, now: float) -> float:
        """Handle-time multiplier of ``agent`` at ``now``: the pool's, times a hire's ramp."""
        if agent.ramp_until > now:
            return self.handle_time_multiplier * (
                1.0 + self.ramp_extra * (agent.ramp_until - now) / self.ramp_min
            )
        return self.handle_time_multiplier
