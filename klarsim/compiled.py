"""Whether the per-contact modules run compiled (mypyc), and their sources when not current.

An install with a C compiler builds the engine's hot modules as extension modules beside
their sources (``hatch_build.py``), and Python imports an extension module before its source.
So that an edit is never hidden by a stale build, ``klarsim/_compiled.json`` records each
compiled source's SHA-256; if any source differs, or ``KLARSIM_PURE_PYTHON`` is set, every
compiled module is imported from its source instead (all or none: compiled modules call each
other directly). Imported first by ``klarsim/__init__.py``; imports nothing from klarsim.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

COMPILED = (
    "klarsim/kernel/environment.py",
    "klarsim/kernel/integral.py",
    "klarsim/model/demand/contacts.py",
    "klarsim/model/demand/customers.py",
    "klarsim/model/service/ai.py",
    "klarsim/model/service/chats.py",
    "klarsim/model/service/journey.py",
    "klarsim/model/service/outcomes.py",
    "klarsim/model/service/queues.py",
    "klarsim/model/service/routing.py",
    "klarsim/model/workforce/pools.py",
    "klarsim/sim/recorder.py",
)
"""The modules of the per-contact path, compiled by ``hatch_build.py``; the rest is Python."""
PACKAGE = Path(__file__).resolve().parent
MANIFEST = PACKAGE / "_compiled.json"
PURE_PYTHON = "KLARSIM_PURE_PYTHON"
"""Set (to anything but empty) to run the sources even when a current build exists."""

NOT_BUILT = "interpreted: not built"
COMPILED_STATUS = "compiled"
_status = NOT_BUILT


class SourcesFirst(importlib.abc.MetaPathFinder):
    """Finds the listed modules' ``.py`` sources ahead of their extension modules."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def status() -> str:
    """How the engine runs: ``compiled`` or ``interpreted: <why>`` (recorded in manifests)."""
    return _status


def choose() -> None:
    """Import the compiled modules only if every one is current and none is refused."""
    global _status  # noqa: PLW0603  # decided once, at the package's import
    _status = decide(_read_manifest(), PACKAGE.parent, refused=bool(os.environ.get(PURE_PYTHON)))
    if _status not in {COMPILED_STATUS, NOT_BUILT}:
        sources = {_module_name(path): PACKAGE.parent / path for path in COMPILED}
        sys.meta_path.insert(0, SourcesFirst(sources))


def decide(build: dict[str, str] | None, root: Path, *, refused: bool) -> str:
    """The engine's status from the build record (source path to SHA-256) under ``root``."""
    if build is None:
        if any(extension_modules(path, root) for path in COMPILED):
            return "interpreted: extension modules without a build record (reinstall)"
        return NOT_BUILT
    if refused:
        return f"interpreted: {PURE_PYTHON} is set"
    edited = [path for path, digest in build.items() if _digest(root / path) != digest]
    missing = [path for path in COMPILED if path not in build]
    if edited or missing:
        return f"interpreted: {(edited + missing)[0]} changed since the build (reinstall)"
    return COMPILED_STATUS


def extension_modules(source: str, root: Path = PACKAGE.parent) -> list[Path]:
    """The extension modules built from ``source`` (a path like ``klarsim/sim/recorder.py``)."""
    path = root / source
    return [
        found
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        for found in path.parent.glob(path.stem + suffix)
    ]


def _read_manifest() -> dict[str, str] | None:
    try:
        recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
        sources = recorded["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(sources, dict):
        return None
    return {str(path): str(digest) for path, digest in sources.items()}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")
