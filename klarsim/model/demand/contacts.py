"""Contacts: one customer's attempt to get an issue solved, with the luck drawn on arrival.

A recontact is a new contact for the same customer and issue; ``attempt`` counts the
contacts the issue has taken and ``issue_start_min`` is when its first contact arrived.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from typing import Final

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.kernel.streams import Streams
from klarsim.model.demand.luck import Decisions, Luck, RecontactLuck, decision_rows

# Final literals: the compiled build inlines them instead of reading module globals.
QUEUED: Final = 0
IN_SERVICE: Final = 1
COMPLETED: Final = 2
ABANDONED: Final = 3
WITH_AI: Final = 4
FINISHED: Final = 5
STATE_NAMES = ("queued", "in_service", "completed", "abandoned", "with_ai", "finished")
NO_CUSTOMER: Final = -1
NO_AI: Final = -1
AI_BUSY: Final = -2
CHUNK: Final = 256
"""First contacts made from a batch's attributes at a time. Their Python numbers are created
just before use, while in cache, and freed young; a whole day's at once would be read back
from main memory (and walked by the garbage collector) hours of simulated time later."""
BATCH: Final = 8192
"""First contacts whose attributes are drawn at once: whole days, as many as it takes to reach
this many. A small centre's days are grouped, so numpy's cost per call (high, with its code
cold between batches) is paid once per batch; every stream gives the same numbers either way."""


class Contact:
    """One contact on its way through the centre."""

    __slots__ = (
        "ai_handle_min",
        "ai_result",
        "arrival_min",
        "attempt",
        "customer",
        "escalated",
        "handle_min",
        "human",
        "identifier",
        "intent",
        "interval",
        "issue_start_min",
        "luck",
        "outcome",
        "patience_min",
        "queued_min",
        "service_min",
        "started_min",
        "state",
        "wait_min",
        "work_due_min",
    )
    started_min: float
    """When service started (chats served alongside others only)."""
    work_due_min: float
    """The serving agent's work clock reading at which this chat is done (chats served
    alongside others only; see ``klarsim.model.service.chats``)."""

    def __init__(  # noqa: PLR0917 - built positionally, a direct call when compiled
        self,
        identifier: int,
        arrival_min: float,
        interval: int,
        intent: int,
        handle_min: float,
        patience_min: float,
        ai_handle_min: float,
        luck: Decisions,
    ) -> None:
        self.identifier = identifier
        self.arrival_min = arrival_min
        self.interval = interval
        self.intent = intent
        self.handle_min = handle_min
        self.patience_min = patience_min
        self.ai_handle_min = ai_handle_min
        self.luck = luck
        self.customer = NO_CUSTOMER
        self.issue_start_min = arrival_min
        self.attempt = 1
        self.escalated = False
        self.human = False
        """Whether the contact entered a human queue."""
        self.ai_result = NO_AI
        """AI outcome code, ``NO_AI`` if it never went to the AI, ``AI_BUSY`` while there."""
        self.queued_min = arrival_min
        """When the contact last asked for a person (its wait counts from here)."""
        self.wait_min = 0.0
        self.service_min = math.nan
        # started_min and work_due_min are set only for chats served alongside others
        # (klarsim.model.service.chats), when service starts: not on the common path.
        self.state = QUEUED
        self.outcome = -1


def arrival_time(contact: Contact) -> float:
    """When ``contact`` arrives (the run loop's key for the arrivals it merges)."""
    return contact.arrival_min


class AwayIssue:
    """An unresolved issue due to come back: what its next contact needs of the last one.

    Held hours or days until the customer returns, in place of the contact that ended, which
    is freed at once with its luck and times (long-lived, they spread the heap that every
    new contact is allocated from).
    """

    __slots__ = ("attempt", "customer", "intent", "interval", "issue_start_min", "outcome")

    def __init__(self, contact: Contact, outcome: int) -> None:
        self.intent = contact.intent
        self.customer = contact.customer
        self.attempt = contact.attempt
        """Contacts the issue has taken so far."""
        self.issue_start_min = contact.issue_start_min
        self.interval = contact.interval
        """Arrival interval of the contact that ended (where an issue lost for good counts)."""
        self.outcome = outcome
        """How that contact ended (its outcome code)."""


class ContactFactory:
    """Creates first contacts a day at a time and recontacts one at a time."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        intents = scenario.demand.intents
        self.intent_names = list(intents)
        self.intent_channels = [intent.channel for intent in intents.values()]
        self._cumulative = np.cumsum([intent.share for intent in intents.values()])
        self._intent_stream = streams.generator("intent")
        self._luck = Luck(scenario, streams)
        self._recontact_luck = RecontactLuck(
            Luck(scenario, streams, prefix="recontact."), len(intents)
        )
        self._interval_min = scenario.experiment.interval_min
        self._identifiers = 0
        """Contacts made so far: the next one's identifier."""

    def contacts(self, days: Iterable[np.ndarray]) -> Iterator[Contact]:
        """The first contacts arriving at each day's sorted arrival times, in order."""
        return itertools.chain.from_iterable(map(self._batch, _grouped(days, BATCH)))

    def _batch(self, times: np.ndarray) -> Iterator[Contact]:
        """A batch's contacts: attributes drawn at once, objects made chunk by chunk."""
        count = times.size
        intents = np.searchsorted(self._cumulative, self._intent_stream.random(count), "right")
        intents = np.minimum(intents, len(self.intent_names) - 1)
        draws = self._luck.draw(intents)
        intervals = (times // self._interval_min).astype(np.int64)
        columns = (
            times,
            intervals,
            intents,
            draws.handle_min,
            draws.patience_min,
            draws.ai_handle_min,
        )
        chunks = (self._chunk(columns, draws.uniforms, start) for start in range(0, count, CHUNK))
        return itertools.chain.from_iterable(chunks)

    def _chunk(
        self, columns: tuple[np.ndarray, ...], uniforms: np.ndarray | None, start: int
    ) -> Iterator[Contact]:
        """The contacts of rows ``start`` to ``start + CHUNK`` of a batch's attributes, each
        made (and numbered) when the run asks for it. Compiled, the constructor is a direct
        call: no argument tuple for the type to unpack, as ``itertools.starmap`` would make."""
        stop = start + CHUNK
        times: list[float] = columns[0][start:stop].tolist()
        intervals: list[int] = columns[1][start:stop].tolist()
        intents: list[int] = columns[2][start:stop].tolist()
        handles: list[float] = columns[3][start:stop].tolist()
        patiences: list[float] = columns[4][start:stop].tolist()
        ai_handles: list[float] = columns[5][start:stop].tolist()
        chunk_uniforms = uniforms[start:stop] if uniforms is not None else None
        lucks = decision_rows(chunk_uniforms, len(times))
        for row, luck in enumerate(lucks):
            yield Contact(
                self._next_identifier(),
                times[row],
                intervals[row],
                intents[row],
                handles[row],
                patiences[row],
                ai_handles[row],
                luck,
            )

    def _next_identifier(self) -> int:
        """The identifier of the contact being made: first contacts and recontacts share it."""
        identifier = self._identifiers
        self._identifiers = identifier + 1
        return identifier

    def recontact(self, previous: AwayIssue, now: float) -> Contact:
        """The same customer back with the same issue, with fresh luck."""
        handle, patience, ai_handle, luck = self._recontact_luck.next(previous.intent)
        contact = Contact(
            self._next_identifier(),
            now,
            int(now // self._interval_min),
            previous.intent,
            handle,
            patience,
            ai_handle,
            luck,
        )
        contact.customer = previous.customer
        contact.issue_start_min = previous.issue_start_min
        contact.attempt = previous.attempt + 1
        return contact


def _grouped(days: Iterable[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """Consecutive days' sorted arrival times, joined until there are at least ``size``."""
    group: list[np.ndarray] = []
    count = 0
    for times in days:
        group.append(times)
        count += times.size
        if count >= size:
            yield np.concatenate(group)
            group, count = [], 0
    if group:
        yield np.concatenate(group)
