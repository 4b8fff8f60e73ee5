"""Named streams: ``StreamSeed`` is numpy's ``SeedSequence``, word for word."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klarsim.kernel.streams import Streams, StreamSeed, stream_seed
from klarsim.limits import MAX_SEED

pytestmark = pytest.mark.property

WORDS = st.sampled_from([1, 2, 3, 4, 7, 8])
ENTROPY = st.lists(
    st.one_of(
        st.integers(0, 2**32 - 1),
        st.integers(0, MAX_SEED),
        st.integers(0, 2**64 - 1),
        st.integers(0, 2**200),
    ),
    min_size=1,
    max_size=7,
)


@settings(max_examples=300)
@given(entropy=ENTROPY, n_words=WORDS)
def test_the_state_is_numpys_for_any_entropy(entropy: list[int], n_words: int) -> None:
    mine, numpys = StreamSeed(entropy), np.random.SeedSequence(entropy)
    assert mine.pool == numpys.pool.tolist()
    for dtype in (np.uint32, np.uint64, "uint64"):
        expected = numpys.generate_state(n_words, dtype)
        got = mine.generate_state(n_words, dtype)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


@settings(max_examples=100)
@given(
    seed=st.integers(0, MAX_SEED),
    replication=st.integers(0, 10**6),
    name=st.text(min_size=1, max_size=30),
)
def test_a_stream_draws_what_numpys_seed_sequence_gives(
    seed: int, replication: int, name: str
) -> None:
    generator = Streams(seed, replication).generator(name)
    key = stream_seed(seed, replication, name).entropy[2]
    reference = np.random.Generator(np.random.PCG64([seed, replication, key]))
    np.testing.assert_array_equal(generator.random(5), reference.random(5))


def test_what_numpy_refuses_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        StreamSeed([1, -2])
    with pytest.raises(ValueError, match="uint32 or uint64"):
        StreamSeed([1]).generate_state(4, np.int64)
    with pytest.raises(ValueError, match="non-negative"):
        np.random.SeedSequence([1, -2])


def test_a_stream_survives_pickling_with_its_seed() -> None:
    """numpy pickles a bit generator with its seed sequence (copies of a model, workers)."""
    generator = Streams(7, 2).generator("a stream")
    generator.random(3)
    copied = pickle.loads(pickle.dumps(generator))
    np.testing.assert_array_equal(copied.random(5), generator.random(5))
    seed = copied.bit_generator.seed_seq
    assert isinstance(seed, StreamSeed)
    assert seed.entropy == stream_seed(7, 2, "a stream").entropy
