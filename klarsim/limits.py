"""Upper bounds on the size of a job, in a plain module so the CLI can name them at once.

Each bound is far above any meaningful experiment and low enough that a mistyped number
is refused (exit code 2, naming the option) before anything is allocated.
"""

from __future__ import annotations

MAX_POINTS = 10_000
"""The most points of a sweep: each is a validated scenario held in memory (15-50 KiB)."""
MAX_REPLICATIONS = 10_000
"""The most replications a job may ask for (``--reps``, ``--max-reps``; the schema agrees)."""
MAX_RUNS = 1_000_000
"""The most runs (scenarios or points times replications) of one job, checked up front."""
MAX_WORKERS = 1024
"""The most local worker processes (``--workers``)."""
MAX_SEED = 2**63 - 1
"""The largest seed: every seed is a non-negative 64-bit signed integer."""
