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
    "klarsim/kernel/calendar.py",
    "klarsim/kernel/callbacks.py",
    "klarsim/kernel/environment.py",
    "klarsim/kernel/integral.py",
    "klarsim/kernel/streams.py",
    "klarsim/model/demand/contacts.py",
    "klarsim/model/demand/customers.py",
    "klarsim/model/demand/luck.py",
    "klarsim/model/service/ai.py",
    "klarsim/model/service/chats.py",
    "klarsim/model/service/journey.py",
    "klarsim/model/service/outcomes.py",
    "klarsim/model/service/queues.py",
    "klarsim/model/service/routing.py",
    "klarsim/model/workforce/gig.py",
    "klarsim/model/workforce/people.py",
    "klarsim/model/workforce/pools.py",
    "klarsim/model/workforce/supply.py",
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
    root = PACKAGE.parent
    _status = decide(_read_manifest(), root, refused=bool(os.environ.get(PURE_PYTHON)))
    if _status not in {COMPILED_STATUS, NOT_BUILT}:
        paths = {*COMPILED, *built_sources(root)}
        sources = {_module_name(path): root / path for path in paths if (root / path).is_file()}
        sys.meta_path.insert(0, SourcesFirst(sources))


def decide(build: dict[str, str] | None, root: Path, *, refused: bool) -> str:
    """The engine's status from the build record (source path to SHA-256) under ``root``."""
    built = built_sources(root)
    if build is None:
        if built:
            return "interpreted: extension modules without a build record (reinstall)"
        return NOT_BUILT
    if refused:
        return f"interpreted: {PURE_PYTHON} is set"
    edited = [path for path, digest in build.items() if _digest(root / path) != digest]
    missing = [path for path in COMPILED if path not in build]
    stray = [path for path in built if path not in build]
    if edited or missing:
        return f"interpreted: {(edited + missing)[0]} changed since the build (reinstall)"
    if stray:
        return f"interpreted: {stray[0]} has an extension module the build did not record"
    return COMPILED_STATUS


def built_sources(root: Path = PACKAGE.parent) -> list[str]:
    """The sources (``klarsim/...py``) that have an extension module beside them."""
    suffixes = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)
    found = set()
    for folder, subfolders, names in os.walk(root / PACKAGE.name):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        place = Path(folder).relative_to(root).as_posix()
        for name in names:
            suffix = next((suffix for suffix in suffixes if name.endswith(suffix)), None)
            if suffix is not None:
                found.add(f"{place}/{name.removesuffix(suffix)}.py")
    return sorted(found)


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
