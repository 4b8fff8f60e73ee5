"""The benchmark scripts import each other by module name, as they do when run as scripts."""

from __future__ import annotations

import sys

from tests.support import ROOT

BENCHMARKS = str(ROOT / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)
