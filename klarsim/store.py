"""The results folder: written in a staging folder and renamed into place in one step.

A run that fails or is interrupted leaves no half-written results folder behind, and an
existing folder is replaced only when asked (``force``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


class OutputError(Exception):
    """The results folder cannot be written as asked."""


def check_output(out: Path, *, force: bool) -> None:
    """Fail early, before any simulation, if ``out`` exists and may not be replaced."""
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists; pass --force to replace it or --out elsewhere")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")


@contextmanager
def staged_folder(out: Path, *, force: bool) -> Iterator[Path]:
    """Yield a staging folder beside ``out``; on success it becomes ``out``, on error it goes."""
    check_output(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _replace(staging, out)


def _replace(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}.replaced-{os.getpid()}")
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON."""
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(**fields: Any) -> dict[str, Any]:
    """The run's provenance: klarsim and library versions, platform, plus the given fields."""
    versions = {name: _version(name) for name in ("klarsim", "simpy", "numpy", "pandas", "scipy")}
    return {
        "klarsim_version": versions.pop("klarsim"),
        **fields,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": versions,
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
