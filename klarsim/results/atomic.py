"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed.

A reader (or a resumed job) sees either the old file or the whole new one, never a part,
even when the writer is killed half-way: at worst a hidden temporary file is left behind,
which ``remove_leftovers`` clears.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMPORARY_SUFFIX = ".tmp"


def temporary_path(path: Path) -> Path:
    """A hidden, unique name beside ``path`` that no final file of a results folder can have."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}{TEMPORARY_SUFFIX}")


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a temporary file, sync it to disk and rename it to ``path``."""
    temporary = temporary_path(path)
    try:
        write(temporary)
        _sync_file(temporary)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    write_atomically(path, lambda temporary: temporary.write_bytes(data))


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_text(path, json.dumps(data, indent=2, default=str) + "\n")


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files a killed writer left anywhere under ``folder``; list them."""
    leftovers = [
        path
        for path in folder.rglob(f".*{TEMPORARY_SUFFIX}")
        if path.is_file() and not path.is_symlink()
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def _sync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only: Windows cannot open a folder to sync it)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
