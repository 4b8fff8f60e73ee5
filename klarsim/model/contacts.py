"""Contacts and the luck each one brings with it (drawn once, at arrival).

Drawing every attribute when a contact arrives, each from its own named stream, gives the
same contact the same intent, patience and handle time in every scenario of a comparison.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.model.sampling import sampler
from klarsim.rng import Streams

QUEUED, IN_SERVICE, COMPLETED, ABANDONED = range(4)
STATE_NAMES = ("queued", "in_service", "completed", "abandoned")


class Contact:
    """One customer contact on its way through the centre."""

    __slots__ = (
        "arrival_min",
        "handle_min",
        "identifier",
        "intent",
        "interval",
        "patience_min",
        "queued_min",
        "service_min",
        "state",
        "wait_min",
    )

    def __init__(  # noqa: PLR0917 - built positionally by starmap, the fastest way
        self,
        identifier: int,
        arrival_min: float,
        interval: int,
        intent: int,
        handle_min: float,
        patience_min: float,
    ) -> None:
        self.identifier = identifier
        self.arrival_min = arrival_min
        self.interval = interval
        self.intent = intent
        self.handle_min = handle_min
        self.patience_min = patience_min
        self.queued_min = arrival_min
        self.wait_min = 0.0
        self.service_min = math.nan
        self.state = QUEUED


class ContactFactory:
    """Creates each day's contacts with attributes drawn, vectorised, from named streams.

    Every intent and every channel has its own stream, consumed in arrival order, so a
    contact's luck depends only on the arrivals, never on what happens to it later.
    """

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        intents = scenario.demand.intents
        self.intent_names = list(intents)
        self.intent_channels = [intent.channel for intent in intents.values()]
        self._cumulative = np.cumsum([intent.share for intent in intents.values()])
        self._intent_stream = streams.generator("intent")
        self._handle = [
            (streams.generator(f"handle_time.{name}"), sampler(intent.handle_time_min))
            for name, intent in intents.items()
        ]
        self._patience = {
            channel: (streams.generator(f"patience.{channel}"), sampler(spec))
            for channel, spec in scenario.customers.patience_min.items()
        }
        self._interval_min = scenario.experiment.interval_min
        self._created = 0

    def contacts(self, days: Iterable[np.ndarray]) -> Iterator[Contact]:
        """The contacts arriving at each day's sorted arrival times, in order."""
        return itertools.chain.from_iterable(map(self._day, days))

    def _day(self, times: np.ndarray) -> Iterator[Contact]:
        count = times.size
        last = len(self.intent_names) - 1
        intents = np.searchsorted(self._cumulative, self._intent_stream.random(count), "right")
        intents = np.minimum(intents, last)
        handle = np.empty(count)
        patience = np.full(count, math.inf)
        for intent, (generator, sample) in enumerate(self._handle):
            chosen = intents == intent
            handle[chosen] = sample(generator, int(chosen.sum()))
        channels = np.asarray(self.intent_channels)[intents]
        for channel, (generator, sample) in self._patience.items():
            chosen = channels == channel
            patience[chosen] = sample(generator, int(chosen.sum()))
        intervals = (times // self._interval_min).astype(np.int64)
        first = self._created
        self._created += count
        columns = zip(
            range(first, first + count),
            times.tolist(),
            intervals.tolist(),
            intents.tolist(),
            handle.tolist(),
            patience.tolist(),
            strict=True,
        )
        return itertools.starmap(Contact, columns)
