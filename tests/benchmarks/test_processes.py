"""Whole processes timed from outside: the child's own peak memory, and failures reported."""

from __future__ import annotations

import sys

import pytest
from processes import ProcessError, run_timed

pytestmark = pytest.mark.unit


def test_the_peak_memory_is_the_childs_own() -> None:
    big = run_timed([sys.executable, "-c", "x = bytearray(150 * 2**20); print(len(x))"])
    small = run_timed([sys.executable, "-c", "print(1)"])
    assert big.stdout.strip() == str(150 * 2**20)
    assert big.peak_rss_mib >= 150
    assert small.peak_rss_mib < 100  # not the larger child measured before it
    assert 0 < small.seconds < big.seconds + 5


def test_a_failing_command_raises_with_its_exit_code_and_output() -> None:
    command = [sys.executable, "-c", "import sys; print('bad input', file=sys.stderr); sys.exit(2)"]
    with pytest.raises(ProcessError, match=r"exited with 2: bad input"):
        run_timed(command)
