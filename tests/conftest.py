"""Test tiers: a test's own tier marker replaces its module's, notebooks are ``notebook``.

Every test belongs to one tier (tests/README.md). A module states its tier once, with
``pytestmark = pytest.mark.unit``; a test of another tier in that module says so on itself
(``@pytest.mark.cli``) and then belongs to that tier only, so ``-m unit`` leaves it out.
``slow`` is not a tier: it adds to any tier.
"""

from __future__ import annotations

import warnings

import pytest

TIERS = (
    "unit",
    "property",
    "directional",
    "validation",
    "golden",
    "cli",
    "browser",
    "notebook",
    "fuzz",
)


def _tiers(marks: list[pytest.Mark]) -> list[pytest.Mark]:
    return [mark for mark in marks if mark.name in TIERS]


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    modules: dict[pytest.Module, list[pytest.Mark]] = {}
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            continue
        module = item.getparent(pytest.Module)
        if module is None:
            continue
        if module not in modules:
            modules[module] = _tiers(module.own_markers)
            module.own_markers[:] = [m for m in module.own_markers if m.name not in TIERS]
        if not _tiers(item.own_markers):
            for mark in modules[module]:
                item.add_marker(mark.name)
    untiered = sorted({item.nodeid.split("::")[0] for item in items if not _has_tier(item)})
    if untiered:
        warnings.warn(
            pytest.PytestWarning(f"tests without a tier marker (tests/README.md): {untiered}"),
            stacklevel=1,
        )


def _has_tier(item: pytest.Item) -> bool:
    return bool(_tiers(list(item.iter_markers())))
