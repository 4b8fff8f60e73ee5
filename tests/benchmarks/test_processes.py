"""Whole processes timed from outside: the child's own peak memory, and failures reported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from processes import ProcessError, caching_environment, run_timed

from tests.benchmarks.conftest import BENCHMARKS

pytestmark = pytest.mark.unit


MEASURE_TWO = """
import sys
from processes import run_timed
big = run_timed([sys.executable, "-c", "x = bytearray(150 * 2**20); print(len(x))"])
small = run_timed([sys.executable, "-c", "print(1)"])
print(big.stdout.strip(), big.peak_rss_mib, small.peak_rss_mib, small.seconds, big.seconds)
"""


def test_the_peak_memory_is_the_childs_own() -> None:
    """Measured from a small process, as targets.py is: a child's peak starts at its parent's."""
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE_TWO],
        cwd=BENCHMARKS,
        env={**os.environ, "PYTHONPATH": BENCHMARKS},
        capture_output=True,
        text=True,
        check=True,
    )
    size, big_peak, small_peak, small_seconds, big_seconds = measured.stdout.split()
    assert size == str(150 * 2**20)
    assert float(big_peak) >= 150
    assert float(small_peak) < 100  # not the larger child measured before it
    assert 0 < float(small_seconds) < float(big_seconds) + 5


def test_a_failing_command_raises_with_its_exit_code_and_output() -> None:
    command = [sys.executable, "-c", "import sys; print('bad input', file=sys.stderr); sys.exit(2)"]
    with pytest.raises(ProcessError, match=r"exited with 2: bad input"):
        run_timed(command)


def test_timed_children_cache_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a user's install: PYTHONDONTWRITEBYTECODE is not passed on; the rest is."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("KLARSIM_BENCHMARK_PROBE", "kept")
    show = "import os, sys; print(sys.dont_write_bytecode, os.environ['KLARSIM_BENCHMARK_PROBE'])"
    assert run_timed([sys.executable, "-c", show]).stdout.split() == ["False", "kept"]
    given = {"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ["PATH"], "ONLY": "this"}
    assert caching_environment(given) == {"PATH": os.environ["PATH"], "ONLY": "this"}
