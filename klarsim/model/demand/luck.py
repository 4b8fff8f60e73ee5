"""The luck a contact brings: every random attribute, drawn when it arrives.

Each attribute has its own named stream, so a contact meets the same luck in every scenario
of a comparison (common random numbers) whatever happens to it later. First contacts are
drawn a day at a time; recontacts from per-intent batches of a separate set of streams.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Final, NamedTuple

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.kernel.streams import Streams
from klarsim.model.sampling import Sampler, sampler

Decisions = tuple[float, ...]
"""A contact's decision uniforms, in ``UNIFORMS`` order."""
UNIFORMS = ("route", "ai_outcome", "human_resolution", "recontact", "customer", "thinning")
"""Uniforms on [0, 1) each contact carries for its decisions, in this column order."""
ROUTE: Final = 0  # UNIFORMS' positions, as Final literals the compiled modules inline
AI_OUTCOME: Final = 1
HUMAN_RESOLUTION: Final = 2
RECONTACT: Final = 3
CUSTOMER: Final = 4
THINNING: Final = 5
NO_DECISIONS: Decisions = (0.0,) * len(UNIFORMS)
"""The uniforms of a scenario in which no decision is random (every comparison passes)."""


def needs_uniforms(scenario: Scenario) -> bool:
    """Whether any decision uses a contact's uniforms (else they are not drawn at all)."""
    return (
        scenario.ai is not None
        or scenario.customers.population is not None
        or bool(scenario.customers.recontact)
        or any(pool.resolution_probability < 1 for pool in scenario.pools.values())
    )


class AttributeBatch(NamedTuple):
    """Attributes of a batch of contacts, one entry per contact."""

    handle_min: np.ndarray
    patience_min: np.ndarray
    ai_handle_min: np.ndarray
    uniforms: np.ndarray | None
    """Shape (contacts, len(UNIFORMS)); None when no decision uses them."""


class Luck:
    """Draws contact attributes for given intents from streams named with ``prefix``."""

    def __init__(self, scenario: Scenario, streams: Streams, prefix: str = "") -> None:
        intents = scenario.demand.intents
        self.channels = np.asarray([intent.channel for intent in intents.values()])
        self._handle = [
            (streams.generator(f"{prefix}handle_time.{name}"), sampler(intent.handle_time_min))
            for name, intent in intents.items()
        ]
        self._patience = {
            channel: (streams.generator(f"{prefix}patience.{channel}"), sampler(spec))
            for channel, spec in scenario.customers.patience_min.items()
        }
        ai = scenario.ai
        self._ai_handle: tuple[np.random.Generator, Sampler] | None = (
            (streams.generator(f"{prefix}ai.handle_time"), sampler(ai.handle_time_min))
            if ai is not None
            else None
        )
        self._uniforms = (
            streams.generator(f"{prefix}uniforms") if needs_uniforms(scenario) else None
        )

    def draw(self, intents: np.ndarray) -> AttributeBatch:
        """Attributes for contacts with these intents (each stream consumed in order)."""
        count = intents.size
        handle = np.empty(count)
        for intent, (generator, sample) in enumerate(self._handle):
            chosen = intents == intent
            handle[chosen] = sample(generator, int(chosen.sum()))
        patience = np.full(count, np.inf)
        channels = self.channels[intents]
        for channel, (generator, sample) in self._patience.items():
            chosen = channels == channel
            patience[chosen] = sample(generator, int(chosen.sum()))
        return AttributeBatch(handle, patience, *self._intent_free(count))

    def _intent_free(self, count: int) -> tuple[np.ndarray, np.ndarray | None]:
        """AI handle times and decision uniforms, the attributes every intent draws alike."""
        ai_handle = (
            self._ai_handle[1](self._ai_handle[0], count)
            if self._ai_handle is not None
            else np.zeros(count)
        )
        uniforms = (
            self._uniforms.random((count, len(UNIFORMS))) if self._uniforms is not None else None
        )
        return ai_handle, uniforms

    def draw_alike(self, intent: int, count: int) -> AttributeBatch:
        """``draw`` for ``count`` contacts of one intent, without a mask per intent and channel.

        The same values from the same streams: ``draw`` asks every other stream for no values,
        and a NumPy generator asked for none consumes nothing.
        """
        generator, sample = self._handle[intent]
        handle = np.asarray(sample(generator, count), dtype=float)
        channel = self.channels[intent]
        patience_stream = self._patience.get(channel)
        patience = (
            np.asarray(patience_stream[1](patience_stream[0], count), dtype=float)
            if patience_stream is not None
            else np.full(count, np.inf)
        )
        return AttributeBatch(handle, patience, *self._intent_free(count))


def decision_rows(uniforms: np.ndarray | None, count: int) -> Iterator[Decisions]:
    """One tuple of decision uniforms per contact, made as each contact is.

    Made lazily from per-decision columns: a day's rows made at once would be thousands of
    containers alive together, each a candidate for the cyclic garbage collector's scans.
    """
    if uniforms is None:
        return itertools.repeat(NO_DECISIONS, count)
    return zip(*uniforms.T.tolist(), strict=True)


RecontactDraw = tuple[float, float, float, Decisions]
"""Handle time, patience, AI handle time and uniforms of one recontact."""


class RecontactLuck:
    """Recontact attributes one at a time, drawn in per-intent batches."""

    def __init__(self, luck: Luck, intents: int, batch: int = 256) -> None:
        self._luck = luck
        self._batch = batch
        self._rows: list[Iterator[RecontactDraw]] = [iter(()) for _ in range(intents)]

    def next(self, intent: int) -> RecontactDraw:
        """The next recontact attributes for ``intent``."""
        row = next(self._rows[intent], None)
        if row is None:
            draws = self._luck.draw_alike(intent, self._batch)
            self._rows[intent] = rows = zip(
                draws.handle_min.tolist(),
                draws.patience_min.tolist(),
                draws.ai_handle_min.tolist(),
                decision_rows(draws.uniforms, self._batch),
                strict=True,
            )
            row = next(rows)
        return row
