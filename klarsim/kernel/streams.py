"""Named random streams: one numpy Generator per decision point, drawn from in batches.

A stream's seed comes from (scenario seed, replication, stream name), so adding a stream never
shifts the numbers of another, and two scenarios share every stream they have in common:
common random numbers by construction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.random.bit_generator import ISeedSequence

BATCH_SIZE = 4096
FIRST_BATCH_SIZE = 64
"""A reader's first batch; each next one is twice as large, up to ``BATCH_SIZE``: a short run
that reads a few hundred numbers does not draw (and free) thousands. The numbers are the same
in any batch sizes: numpy's samplers consume a stream in order, value by value."""


# numpy's SeedSequence constants (after O'Neill's seed_seq_fe), for StreamSeed.
MASK32: Final = 0xFFFFFFFF
POOL_SIZE: Final = 4
INIT_A: Final = 0x43B0D7E5
MULT_A: Final = 0x931E8875
INIT_B: Final = 0x8B51F9DD
MULT_B: Final = 0x58F38DED
MIX_MULT_L: Final = 0xCA01F9DD
MIX_MULT_R: Final = 0x4973F715

KEPT_NAME_KEYS: Final = 100_000
"""At most this many stream names' keys are kept (names come from scenarios: few, but a
long-lived process never holds an unbounded number)."""
_name_keys: dict[str, int] = {}
"""Each stream name's 64-bit key, hashed once per process."""


def stream_seed(seed: int, replication: int, name: str) -> StreamSeed:
    """The seed sequence of one named stream; stable across runs, machines and Python versions."""
    name_key = _name_keys.get(name)
    if name_key is None:
        digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
        name_key = int.from_bytes(digest, "little")
        if len(_name_keys) < KEPT_NAME_KEYS:
            _name_keys[name] = name_key
    return StreamSeed([seed, replication, name_key])


class StreamSeed:
    """numpy's ``SeedSequence(entropy)`` for a list of non-negative integers, without spawning.

    The same pool and the same generated state, word for word (a test holds it to numpy's), at
    a fraction of the cost: a replication seeds some 26 streams, and numpy's general version
    (any input, an array per step) took about as long as building the rest of the model.
    """

    def __init__(self, entropy: list[int]) -> None:
        self.entropy = entropy
        words = [word for value in entropy for word in _uint32_words(value)]
        self.pool = _mixed_pool(words)

    def __reduce__(self) -> tuple[type[StreamSeed], tuple[list[int]]]:
        """Pickled as its entropy (numpy pickles a bit generator with its seed sequence)."""
        return StreamSeed, (self.entropy,)

    def generate_state(self, n_words: int, dtype: object = np.uint32) -> np.ndarray:
        """``n_words`` words of ``dtype`` (uint32 or uint64) to seed a bit generator with."""
        wanted = np.dtype(dtype)  # type: ignore[call-overload]
        if wanted == np.dtype(np.uint32):
            return np.array(_state_words(self.pool, n_words), dtype=np.uint32)
        if wanted != np.dtype(np.uint64):
            raise ValueError("only support uint32 or uint64")
        halves = _state_words(self.pool, 2 * n_words)  # little-endian pairs, as numpy views them
        pairs = [halves[2 * index] | halves[2 * index + 1] << 32 for index in range(n_words)]
        return np.array(pairs, dtype=np.uint64)


ISeedSequence.register(StreamSeed)


def _uint32_words(value: int) -> list[int]:
    """``value`` in 32-bit words, lowest first; one word for 0."""
    if value < 0:
        raise ValueError("expected non-negative integer")
    words = [value & MASK32]
    value >>= 32
    while value > 0:
        words.append(value & MASK32)
        value >>= 32
    return words


def _times(word: int, factor: int) -> int:
    """``word x factor`` modulo 2**32, from 16-bit halves: compiled, a product of operands
    under 2**30 stays a machine multiplication (larger ones go through Python's big ints)."""
    word_low, word_high = word & 0xFFFF, word >> 16
    factor_low, factor_high = factor & 0xFFFF, factor >> 16
    cross = word_low * factor_high + word_high * factor_low & 0xFFFF
    return word_low * factor_low + (cross << 16) & MASK32


def _hashmix(value: int, constant: int) -> tuple[int, int]:
    """A word hashed with the running multiplier, and the multiplier's next value."""
    value ^= constant
    constant = _times(constant, MULT_A)
    value = _times(value, constant)
    return value ^ value >> 16, constant


def _mix(into: int, word: int) -> int:
    """Two words combined (uint32 arithmetic)."""
    result = _times(into, MIX_MULT_L) - _times(word, MIX_MULT_R) & MASK32
    return result ^ result >> 16


def _mixed_pool(entropy: list[int]) -> list[int]:
    """The pool of ``POOL_SIZE`` words every bit of ``entropy`` reaches."""
    constant = INIT_A
    pool = []
    for index in range(POOL_SIZE):
        hashed, constant = _hashmix(entropy[index] if index < len(entropy) else 0, constant)
        pool.append(hashed)
    for source in range(POOL_SIZE):
        for target in range(POOL_SIZE):
            if source != target:
                hashed, constant = _hashmix(pool[source], constant)
                pool[target] = _mix(pool[target], hashed)
    for source in range(POOL_SIZE, len(entropy)):
        for target in range(POOL_SIZE):
            hashed, constant = _hashmix(entropy[source], constant)
            pool[target] = _mix(pool[target], hashed)
    return pool


def _state_words(pool: list[int], count: int) -> list[int]:
    """``count`` 32-bit words of state drawn from the pool in turn."""
    constant = INIT_B
    words = []
    for index in range(count):
        value = pool[index % POOL_SIZE] ^ constant
        constant = _times(constant, MULT_B)
        value = _times(value, constant)
        words.append(value ^ value >> 16)
    return words


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
            # numpy takes any ISeedSequence; its stubs name only SeedSequence
            bits = np.random.PCG64(sequence)  # type: ignore[arg-type]
            self._generators[name] = np.random.Generator(bits)
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
