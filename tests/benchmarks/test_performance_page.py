"""docs/performance.md is generated from the stored results, and stored results read back whole."""

from __future__ import annotations

from pathlib import Path

import performance_page
import pytest
import stored
from verdicts import Measurements, Timing, judge

pytestmark = pytest.mark.unit


def _measured(quick: str = "no", commit: str = "0123456789abcdef") -> Measurements:
    """A small run's measurements, as targets.py makes them."""
    return Measurements(
        rounds={
            "plain": [Timing(2.0, 12983, 91.2), Timing(2.2, 12983, 91.4)],
            "idiomatic": [Timing(12.0, 12887, 19.0), Timing(11.0, 12887, 19.1)],
            "fixed": [Timing(0.9, 506, 90.0), Timing(0.8, 506, 90.0)],
        },
        days=1.0,
        memory_half=Timing(1.5, 6500, 90.5),
        many_runs={"short": 0.85},
        breakdown={"interpreter": 0.02, "imports": 0.6, "simulation": 0.01},
        profile=["largest top-level imports (cumulative):", "  0.600 s  klarsim.cli"],
        context={
            "commit": commit,
            "machine": "box",
            "measured_at": "2026-12-01T03:06:09Z",
            "python": "3.11.7",
            "cpus": "2",
            "load": "0.3",
            "quick": quick,
        },
    )


def test_the_committed_page_is_what_the_generator_makes_from_the_committed_results() -> None:
    expected = performance_page.render(stored.load_all(stored.RESULTS))
    committed = performance_page.PAGE.read_text(encoding="utf-8")
    assert committed == expected, "run: python benchmarks/performance_page.py"


def test_stored_results_read_back_to_the_same_verdicts(tmp_path: Path) -> None:
    pytest.importorskip("pyperf")
    measured = _measured()
    path = stored.save(measured, tmp_path)
    assert path.name == "box-20261201-0306-01234567.json"
    loaded = stored.load(path)
    assert loaded.rounds == measured.rounds
    assert (loaded.days, loaded.memory_half, loaded.klarna) == (1.0, measured.memory_half, None)
    assert (loaded.breakdown, loaded.profile) == (measured.breakdown, measured.profile)
    assert loaded.context == measured.context
    assert judge(loaded) == judge(measured)


def test_without_results_the_page_says_none_are_stored(tmp_path: Path) -> None:
    page = performance_page.render(stored.load_all(tmp_path / "missing"))
    assert "No results are stored yet" in page
    assert "## History" not in page


def test_the_latest_full_run_is_judged_and_every_run_is_history() -> None:
    full, quick = _measured(), _measured(quick="yes", commit="fedcba9876543210+")
    quick.context["measured_at"] = "2026-12-02T00:00:00Z"
    page = performance_page.render([full, quick])
    targets = page.split("## Targets")[1].split("## ")[0]
    assert "commit 01234567, machine box (Python 3.11.7, 2 CPUs, load 0.3)" in targets
    # the full run above, though the quick one is newer
    assert "| plain M/M/c+M vs SimPy | >= 6x | 5.54x" in targets  # rounds 6.04x and 5.04x
    assert "| fixed cost of a small run | <= 0.5 s | 0.85 s" in targets
    history = page.split("## History")[1].split("## ")[0]
    assert history.index("commit fedcba98+") < history.index("commit 01234567,")
    assert "0.600 s  klarsim.cli" in page


def test_a_quick_run_alone_is_shown_with_a_warning() -> None:
    page = performance_page.render([_measured(quick="yes")])
    assert "!!! warning" in page
    assert "checks the harness, not the targets" in page
