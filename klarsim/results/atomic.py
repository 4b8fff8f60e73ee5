"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed.

A reader (or a resumed job) sees either the old file or the whole new one, never a part,
even when the writer is killed half-way: at worst a hidden temporary file is left behind.
Each temporary file names the process that writes it (``.NAME.PID-TOKEN.tmp``), so
``remove_leftovers`` clears those of writers that are gone and never one still being written.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMPORARY_SUFFIX = ".tmp"
WRITER = re.compile(r"\.(\d+)-[0-9a-f]+\.tmp$")
"""The writer's process id in a temporary file's name; older names carry none."""


def temporary_path(path: Path) -> Path:
    """A hidden name beside ``path``, unique and naming this process, that no final file has."""
    token = uuid.uuid4().hex[:12]
    return path.with_name(f".{path.name}.{os.getpid()}-{token}{TEMPORARY_SUFFIX}")


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
    """Delete the temporary files that writers now gone left under ``folder``; list them.

    Call it holding the folder's lock (``klarsim.results.lock``): then no other job writes
    there, and a file whose name shows a process still running here is kept all the same.
    """
    leftovers = [
        path
        for path in folder.rglob(f".*{TEMPORARY_SUFFIX}")
        if path.is_file() and not path.is_symlink() and not _writer_running(path)
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def _writer_running(path: Path) -> bool:
    """Whether the process named in the temporary file's name still runs on this machine."""
    match = WRITER.search(path.name)
    if match is None:
        return False  # an older name: written before writers held the folder's lock
    pid = int(match.group(1))
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no signal 0 there; the folder's lock keeps other jobs out
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # running, under another account
    return True


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
