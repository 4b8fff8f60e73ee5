"""Large arrays handed from one replication to the next one in the same process.

A replication's largest arrays (the customer base's, several megabytes) are freed when it ends.
The C allocator then gives that memory back to the operating system (it is at the top of the
heap) and takes it back for the next replication, page by page: about 1,100 page faults for a
one-day run of 200,000 customers, more time than the model's own set-up. While a job runs its
replications (``reusing_arrays``), a finished replication's arrays are kept instead and the next
one that asks for arrays of the same kind and size gets them back, to overwrite. Outside a job
nothing is kept: a model built on its own frees its arrays as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_depth = 0
"""How many ``reusing_arrays`` scopes are open (jobs may nest); arrays are kept while > 0."""
_kept: dict[str, tuple[int, tuple[np.ndarray, ...]]] = {}
"""The last arrays given back of each kind, with their size."""


@contextmanager
def reusing_arrays() -> Iterator[None]:
    """Keep arrays given back for the next replication meanwhile; drop them when the outermost
    scope closes, so that nothing stays allocated after a job."""
    global _depth  # noqa: PLW0603 (one count per process)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _kept.clear()


def reuse_always() -> None:
    """Keep arrays given back from now on (a worker process that runs only klarsim's tasks)."""
    global _depth  # noqa: PLW0603 (one count per process)
    _depth += 1


def take(kind: str, size: int) -> tuple[np.ndarray, ...] | None:
    """The arrays last given back as ``kind`` of ``size``, for the caller to overwrite; None if
    there are none (the caller allocates its own)."""
    kept = _kept.pop(kind, None)  # one step: two threads never get the same arrays
    return kept[1] if kept is not None and kept[0] == size else None


def give_back(kind: str, size: int, arrays: tuple[np.ndarray, ...]) -> None:
    """Offer ``arrays`` (no longer used by the caller) to the next ``take`` of ``kind`` and
    ``size`` while reusing, replacing any kept before; outside ``reusing_arrays``, drop them."""
    if _depth > 0:
        _kept[kind] = (size, arrays)


__all__ = ["give_back", "reuse_always", "reusing_arrays", "take"]
