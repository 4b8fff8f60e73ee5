"""The chat desk on its own: one agent, hand-placed chats, exact completion times."""

from __future__ import annotations

import math

import pytest

from klarsim.config.workforce import EmployeePool
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.demand.contacts import COMPLETED, Contact
from klarsim.model.service.chats import ChatDesk
from klarsim.model.service.queues import Queues
from klarsim.model.workforce.pools import Agent, AgentPool

pytestmark = pytest.mark.unit

SLOWDOWN = 0.25
"""Two chats at once each run at 1 / 1.25 = 0.8 of their solo pace."""


class Desk:
    """One chat agent at a chat desk, with the time each chat ended (no router, no queue)."""

    def __init__(self, concurrency: int = 2) -> None:
        self.env = SimulationEnvironment()
        spec = EmployeePool(
            headcount=1, skills=["chat"], concurrency=concurrency, concurrency_slowdown=SLOWDOWN
        )
        # A lambda, not self.chats.refill: the desk is built after the pool it refills.
        self.pool = AgentPool(
            "staff",
            spec,
            skills=(0,),
            on_available=lambda agent: self.chats.refill(agent),  # noqa: PLW0108
        )
        self.ended: dict[int, float] = {}
        self.chats = ChatDesk(
            self.env, Queues(self.env, [self.pool], ["chat"], [10.0]), self._ended
        )
        self.agent = Agent(self.pool)
        self.pool.add_member(self.agent)
        self.pool.set_on_duty(1, 0.0)

    def _ended(self, contact: Contact, pool: AgentPool | None) -> None:
        assert contact.state == COMPLETED
        self.ended[contact.identifier] = self.env.now

    def advance(self, until: float) -> None:
        """Run the desk's events up to ``until``."""
        if until > self.env.now:
            self.env.run_merged(until, iter(()), float, _no_arrival)

    def chat_at(self, time: float, identifier: int, handle_min: float) -> None:
        """Give the agent a chat of ``handle_min`` solo minutes at ``time``."""
        self.advance(time)
        contact = Contact(identifier, time, 0, 0, handle_min, math.inf, 0.0, ())
        if self.pool.free:  # idle: it becomes busy with this chat
            self.pool.busy.add(time, 1)
            self.chats.start(contact, self.pool.free.pop(), 0.0)
        else:
            assert self.chats.join(contact, self.pool), "the agent has no free slot"


def test_a_chat_alone_takes_its_handle_time() -> None:
    desk = Desk()
    desk.chat_at(0.0, 1, 10.0)
    desk.advance(1000.0)
    assert desk.ended[1] == pytest.approx(10.0)


def test_a_second_chat_slows_both_until_one_ends() -> None:
    """Chat 1 does 4 minutes alone, then both run at 0.8: chat 2 (4 min) ends at 4 + 4 / 0.8
    = 9, with chat 1 at 4 + 4 = 8 of 10; chat 1 then ends alone at 9 + 2 = 11."""
    desk = Desk()
    desk.chat_at(0.0, 1, 10.0)
    desk.chat_at(4.0, 2, 4.0)
    desk.advance(1000.0)
    assert desk.ended[2] == pytest.approx(9.0)
    assert desk.ended[1] == pytest.approx(11.0)


def test_chats_end_in_order_of_the_work_left_whatever_order_they_came_in() -> None:
    """Three chats at once run at 1 / 1.5 of their pace: the 2-minute one ends at 3, with 2
    minutes done on the others; the 5-minute one needs 3 more at 0.8 (ends at 6.75); the
    10-minute one then does its last 5 alone (ends at 11.75)."""
    desk = Desk(concurrency=3)
    desk.chat_at(0.0, 1, 10.0)
    desk.chat_at(0.0, 2, 2.0)
    desk.chat_at(0.0, 3, 5.0)
    desk.advance(1000.0)
    assert desk.ended == pytest.approx({2: 3.0, 3: 6.75, 1: 11.75})
    assert list(desk.ended) == [2, 3, 1]


def test_an_agent_kept_on_after_being_sent_off_finishes_its_chat_on_time() -> None:
    """Sent off duty while busy, then kept on, the agent's chat keeps its schedule."""
    desk = Desk()
    desk.chat_at(0.0, 1, 10.0)
    desk.advance(4.0)
    desk.pool.set_on_duty(0, 4.0)
    assert desk.agent.leaving
    desk.advance(6.0)
    desk.pool.set_on_duty(1, 6.0)
    assert not desk.agent.leaving
    desk.advance(1000.0)
    assert desk.ended[1] == pytest.approx(10.0)


def _no_arrival(arrival: float) -> None:
    raise AssertionError("the desk has no arrival stream")


def test_an_agent_has_room_for_a_new_chat_only_while_it_holds_fewer_than_its_limit() -> None:
    desk = Desk()
    assert desk.pool.with_room == 0  # free: new contacts take it from the free list
    desk.chat_at(0.0, 1, 10.0)
    assert desk.pool.with_room == 1
    desk.chat_at(1.0, 2, 10.0)
    assert desk.pool.with_room == 0
    desk.advance(1000.0)
    assert desk.pool.with_room == 0
    assert desk.pool.free == [desk.agent]
