"""The four Klarna reference scenarios, bundled with klarsim, the baseline first."""

from __future__ import annotations

from pathlib import Path

from klarsim.config.bundled import bundled_scenarios

KLARNA_FILES = (
    "2023_human_centre.yaml",
    "2024_ai_first.yaml",
    "2025_hybrid_gig.yaml",
    "phased_rollout.yaml",
)


def klarna_scenarios() -> list[Path]:
    """The four Klarna reference scenarios, the baseline first."""
    folder = bundled_scenarios("klarna")
    return [folder / name for name in KLARNA_FILES]
