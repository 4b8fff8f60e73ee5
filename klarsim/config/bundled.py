"""Where the scenarios that ship with klarsim live, in a wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PACKAGED = PACKAGE / "_scenarios"
"""Where a wheel carries the repository's ``scenarios/`` folder."""
CHECKOUT = PACKAGE.parent / "scenarios"
"""The ``scenarios/`` folder of a source checkout (editable installs)."""


def bundled_scenarios(subfolder: str = "klarna") -> Path:
    """The folder of bundled scenarios (``klarna``, ``examples``, ``validation``)."""
    for root in (PACKAGED, CHECKOUT):
        if (root / subfolder).is_dir():
            return root / subfolder
    raise FileNotFoundError(f"bundled scenarios not found: {subfolder}")
