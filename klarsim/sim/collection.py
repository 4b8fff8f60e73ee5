"""How often the cyclic garbage collector runs while klarsim simulates.

A contact and its events live for hundreds of allocations, so at Python's default (a young
collection every 700 allocations) most are traversed and promoted before they die, although
reference counts free them anyway. While a run loops, and while a job runs its replications,
the youngest generation is collected every ``YOUNG_COLLECTION_THRESHOLD`` allocations instead;
after each replication, the younger generations are collected at once (its model).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_COLLECTION_THRESHOLD = 50_000
"""Allocations between two collections of the youngest generation (Python's default: 700)."""


def collect_rarely() -> None:
    """Collect the youngest generation every ``YOUNG_COLLECTION_THRESHOLD`` allocations from now
    on (a worker process that only runs klarsim's tasks)."""
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def collect_young_garbage() -> None:
    """Collect the two younger generations now: after a replication, its model.

    A model's objects refer to each other and to its environment, so when a run ends they are
    cyclic garbage, which only the collector frees. Left to the rare collections, the models of
    dozens of short runs pile up and are traversed and freed together, their memory cold;
    collected at once, each model's memory is reused warm by the next (``many_runs.py`` in
    ``benchmarks/`` times 200 one-day runs against one long run).
    """
    gc.collect(1)


@contextmanager
def rare_collections() -> Iterator[None]:
    """``collect_rarely`` meanwhile, then the thresholds as they were (the process may be a
    user's own). Nested, only the outermost restores them: restoring the default triggers a
    young collection of everything allocated meanwhile, once per job rather than per run."""
    thresholds = gc.get_threshold()
    collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
