"""The AI tier: takes a share of contacts, converses, and ends each with an outcome.

The routing ``share`` is a plain attribute so a timeline can change it while the model runs.
At the concurrency cap a contact waits in the AI's own queue or overflows to the humans.
Outages switch the tier off for a window; conversations already running finish normally.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator, Sequence
from typing import Final

from simpy.events import Event

from klarsim.config.ai import AI, DEFAULT_OUTCOME, Outcomes
from klarsim.kernel.callbacks import Callback, pending
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.demand.contacts import AI_BUSY, NO_AI, WITH_AI, Contact
from klarsim.model.demand.luck import AI_OUTCOME, ROUTE
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

RESOLVE: Final = 0  # Final literals, inlined by the compiled build
FALSE_RESOLVE: Final = 1
ESCALATE: Final = 2
ASK_HUMAN: Final = 3
__all__ = ["AI_BUSY", "ASK_HUMAN", "ESCALATE", "FALSE_RESOLVE", "NO_AI", "RESOLVE", "AiTier"]

Finished = Sequence[Callable[[Contact], None]]
"""What to call with a contact when its conversation ends, indexed by its AI outcome (RESOLVE,
FALSE_RESOLVE, ESCALATE, ASK_HUMAN): one call, no chain of comparisons, per AI contact."""


class AiTier:
    """The AI assistant of one replication."""

    def __init__(
        self, env: SimulationEnvironment, spec: AI, intent_names: list[str], on_finished: Finished
    ) -> None:
        self.env = env
        self.spec = spec
        self.share = spec.share
        self.available = True
        self._outages_now = 0
        """Outages in progress (they may overlap); the tier is available when none is."""
        self.capacity = spec.concurrency if spec.concurrency is not None else math.inf
        self.talking = 0
        """Conversations in progress (their contacts are found in the event queue)."""
        self.waiting: deque[Contact] = deque()
        self.on_finished = on_finished
        self._end: Callable[[Callback], None] = self._on_end
        """``_on_end`` bound once: compiled, naming a method makes a bound method each time."""
        self.excluded = [name in spec.excluded_intents for name in intent_names]
        self.intent_names = intent_names
        self.rows: dict[str, Outcomes] = dict(spec.outcomes)
        self.thresholds = [self._thresholds(name) for name in intent_names]
        for outage in spec.outages:
            env.process(self._outage(outage.start_day, outage.duration_hours))

    def _thresholds(self, intent: str) -> tuple[float, ...]:
        if self.excluded[self.intent_names.index(intent)]:
            return (0.0, 0.0, 0.0, 1.0)
        row = self.rows.get(intent) or self.rows[DEFAULT_OUTCOME]
        return tuple(
            itertools.accumulate((row.resolve, row.false_resolve, row.escalate, row.ask_human))
        )

    def exclude(self, intents: list[str]) -> None:
        """From now on, never send these intents to the AI (and send the others again)."""
        self.excluded = [name in intents for name in self.intent_names]
        self.thresholds = [self._thresholds(name) for name in self.intent_names]

    def update_outcomes(self, rows: dict[str, Outcomes]) -> None:
        """A model update: new outcome rows for the intents listed (``default``: the rest)."""
        self.rows.update(rows)
        self.thresholds = [self._thresholds(name) for name in self.intent_names]

    def take(self, contact: Contact) -> bool:
        """Whether the AI takes this contact first (if so, its conversation starts or waits).

        False when the contact is not routed to the AI (its share, an excluded intent, an
        outage) or the AI is at its cap and overflow goes to humans.
        """
        if not self.available or self.excluded[contact.intent] or contact.luck[ROUTE] >= self.share:
            return False
        if self.talking < self.capacity:  # _converse, inlined: most contacts start at once
            self.talking += 1
            Callback(self.env, contact.ai_handle_min, self._end, contact)
        elif self.spec.when_full == "wait":
            self.waiting.append(contact)
        else:
            return False
        contact.state = WITH_AI
        contact.ai_result = AI_BUSY
        return True

    def in_system(self) -> list[Contact]:
        """Contacts in conversation with the AI or waiting for it."""
        return [*pending(self.env, self._end), *self.waiting]

    def begin_outage(self) -> None:
        """The AI goes down; new contacts go to humans until every outage has ended."""
        self._outages_now += 1
        self.available = False

    def end_outage(self) -> None:
        """An outage ends; the AI is back if no other outage is in progress."""
        self._outages_now -= 1
        self.available = self._outages_now == 0

    def _converse(self, contact: Contact) -> None:
        self.talking += 1
        Callback(self.env, contact.ai_handle_min, self._end, contact)

    def _on_end(self, event: Callback) -> None:
        """A conversation ends with the outcome its contact's own uniform picks.

        The same uniform in every scenario: the first outcome whose cumulative probability
        exceeds it, ASK_HUMAN if rounding leaves it above the last one.
        """
        contact: Contact = event.subject
        self.talking -= 1
        if self.waiting:
            self._converse(self.waiting.popleft())
        chosen = bisect_right(self.thresholds[contact.intent], contact.luck[AI_OUTCOME])
        result = contact.ai_result = chosen if chosen < ASK_HUMAN else ASK_HUMAN
        self.on_finished[result](contact)

    def _outage(self, start_day: float, duration_hours: float) -> Generator[Event, None, None]:
        yield self.env.timeout(start_day * MINUTES_PER_DAY)
        self.begin_outage()
        yield self.env.timeout(duration_hours * MINUTES_PER_HOUR)
        self.end_outage()
