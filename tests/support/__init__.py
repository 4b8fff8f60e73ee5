"""Helpers shared by the tests: scenario builders, plot tables, a headless-browser driver, paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository root, whatever folder the importing test lives in."""
SCENARIOS = ROOT / "scenarios"
EXAMPLES = SCENARIOS / "examples"
ERLANG_A = SCENARIOS / "validation" / "erlang_a.yaml"
