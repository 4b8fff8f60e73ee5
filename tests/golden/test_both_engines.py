"""The golden outputs hold on both engines: the compiled build (when present) and the sources."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from klarsim import compiled
from tests.support import ROOT

pytestmark = pytest.mark.golden


def interpreted(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with the sources forced over the compiled build."""
    environment = {**os.environ, compiled.PURE_PYTHON: "1"}
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_the_golden_outputs_hold_on_the_sources_too() -> None:
    """This session's golden tests ran compiled; the same file must pass interpreted."""
    if compiled.status() != compiled.COMPILED_STATUS:
        pytest.skip(f"the golden tests ran on the sources here ({compiled.status()})")
    status = interpreted([sys.executable, "-c", "import klarsim.compiled as c; print(c.status())"])
    assert status.stdout.startswith("interpreted"), status.stdout + status.stderr
    golden = ["tests/golden/test_golden.py", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    completed = interpreted([sys.executable, "-m", "pytest", *golden])
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
