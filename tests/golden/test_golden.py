"""Golden outputs: the headline KPIs of every bundled scenario at a fixed seed.

An unintended change to the model shows up here as a changed number. After an intended
change, regenerate the file and commit it with the change that explains it:

    python -m tests.golden.test_golden
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

import klarsim
from klarsim.metrics.tables import HEADLINE_KPIS
from tests.support import ROOT

pytestmark = pytest.mark.golden

GOLDEN = Path(__file__).resolve().parent / "headline_kpis.json"
KPIS = (
    *HEADLINE_KPIS,
    "answered",
    "abandoned",
    "employees_end",
    "gig_hours_online",
    "guardrail_firings",
    "cost_ai",
    "cost_human",
    "revenue_lost",
)
SHORT = {"experiment.horizon_days": 7, "experiment.warmup_days": 1}
"""Validation and example centres: a week is enough to catch a change."""
KLARNA = {"experiment.scale": 0.002}
"""Klarna scenarios keep their dated timeline, so they run their full horizon, smaller."""


def bundled() -> list[Path]:
    """Every bundled scenario file."""
    return sorted((ROOT / "scenarios").rglob("*.yaml"))


def headline(path: Path) -> dict[str, Any]:
    """The headline KPIs of replication 0 of a bundled scenario at its own seed."""
    overrides = KLARNA if path.parent.name == "klarna" else SHORT
    summary = klarsim.simulate(klarsim.load_scenario(path, overrides)).summary
    return {kpi: summary[kpi] for kpi in KPIS}


def key(path: Path) -> str:
    return str(path.relative_to(ROOT / "scenarios"))


def same(found: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    return bool(found == pytest.approx(expected, rel=1e-9, abs=1e-9))


def cases() -> list[Any]:
    """Every bundled scenario; the Klarna ones run a full dated horizon, so they are slow."""
    slow = pytest.mark.slow
    return [pytest.param(p, marks=slow) if p.parent.name == "klarna" else p for p in bundled()]


@pytest.mark.parametrize("path", cases(), ids=key)
def test_headline_kpis_match_the_golden_file(path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert key(path) in golden, "no golden row: run python -m tests.golden.test_golden to add it"
    found, expected = headline(path), golden[key(path)]
    changed = {k: (found[k], v) for k, v in expected.items() if not same(found[k], v)}
    assert not changed, f"headline KPIs changed (found, golden): {changed}"


def regenerate() -> None:
    """Rewrite the golden file from the current model."""
    rows = {key(path): headline(path) for path in bundled()}
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(rows, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} scenarios to {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
