"""Named random streams: one numpy Generator per decision point, drawn from in batches.

A stream's seed comes from (scenario seed, replication, stream name), so adding a stream never
shifts the numbers of another, and two scenarios share every stream they have in common:
common random numbers by construction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

BATCH_SIZE = 4096
FIRST_BATCH_SIZE = 64
"""A reader's first batch; each next one is twice as large, up to ``BATCH_SIZE``: a short run
that reads a few hundred numbers does not draw (and free) thousands. The numbers are the same
in any batch sizes: numpy's samplers consume a stream in order, value by value."""


def stream_seed(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    """The seed sequence of one named stream; stable across runs, machines and Python versions."""
    name_key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")
    return np.random.SeedSequence([seed, replication, name_key])


class Streams:
    """Hands out the generator of each named stream of one replication, creating it once."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def generator(self, name: str) -> np.random.Generator:
        """The generator of stream ``name``."""
        if name not in self._generators:
            sequence = stream_seed(self.seed, self.replication, name)
            self._generators[name] = np.random.Generator(np.random.PCG64(sequence))
        return self._generators[name]

    def draws(self, name: str, sample: Callable[[np.random.Generator, int], np.ndarray]) -> Draws:
        """A batched one-at-a-time reader of stream ``name`` sampled by ``sample``."""
        return Draws(self.generator(name), sample)


class Draws:
    """Returns one number at a time from batches drawn with numpy, growing to ``BATCH_SIZE``."""

    __slots__ = ("_batch", "_generator", "_next", "_sample", "_size")

    def __init__(
        self,
        generator: np.random.Generator,
        sample: Callable[[np.random.Generator, int], np.ndarray],
    ) -> None:
        self._generator = generator
        self._sample = sample
        self._batch: list[float] = []
        self._next = 0
        self._size = FIRST_BATCH_SIZE

    def __call__(self) -> float:
        """The next number of the stream."""
        index = self._next
        if index == len(self._batch):
            size = self._size
            self._batch = self._sample(self._generator, size).tolist()
            self._size = min(2 * size, BATCH_SIZE)
            index = 0
        self._next = index + 1
        return self._batch[index]
