"""One writer per results folder: create or reopen ``--out`` and hold its lock for the whole job.

The lock is the file ``OUT/.klarsim.lock``, held with an OS lock that dies with its process
(``flock``, or ``filelock`` where there is none), so a killed job never leaves a stale lock.
It lives inside the folder, so a folder moved or deleted takes its lock along, and the
folder's parent is never written. The order closes the check-then-create race:

1. missing parent folders are made (each remembered if this job made it), then ``OUT``
   itself with an exclusive ``mkdir``: of two jobs creating it, exactly one makes it;
2. an existing ``OUT`` is looked at without touching it: a folder that is neither empty nor
   a klarsim results folder (no klarsim ``manifest.json``) is refused, even with ``--force``,
   and without ``--force`` or ``--resume`` any existing folder is refused;
3. the lock is taken without waiting: if another job holds it, this one is refused at once;
4. holding it, the folder is looked at again and emptied (``--force``), reopened
   (``--resume``) or used as made. The lock is released when the job ends.

On any refusal or fault, folders this job made and nobody else uses are removed again.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import time
import weakref
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from klarsim.results import files
from klarsim.results.errors import OutputError

if sys.platform != "win32":
    import fcntl

Contents = Literal["empty", "results", "other"]


@dataclass
class Claim:
    """A results folder held by this job: its lock, whether it holds results to reuse (a
    ``--resume``), and the folders this job made, to remove again if it cannot start."""

    out: Path
    lock: FolderLock
    made: Made
    reused: bool

    def release(self, *, undo: bool = False) -> None:
        """Let other jobs write the folder; ``undo`` first removes the folders this job made if
        they hold nothing else (a job that could not write its first file), still locked."""
        try:
            if undo:
                self.made.undo()
        finally:
            self.lock.release()


def claim_folder(out: Path, *, force: bool, resume: bool) -> Claim:
    """Create or reopen ``out`` for one job and lock it; release the claim when the job ends.

    With ``force`` a klarsim results folder is emptied first; with ``resume`` it is kept for
    the caller to check and complete (``Claim.reused``). OutputError, with nothing touched,
    when ``out`` cannot be created, is not a folder this job may write, or another job holds it.
    """
    made = _create(out)
    try:
        if not made.folder:
            _check_existing(out, force=force, resume=resume)
        lock = _acquire(out)
    except BaseException:
        made.undo(keep_folder=_locked_by_another(out))
        raise
    try:
        contents = _contents(out)
        if contents == "other":
            raise OutputError(_not_results(out, force=force, resume=resume))
        if contents == "results" and force:
            _clear(out)
            contents = "empty"
    except OSError as error:
        lock.release()
        raise OutputError(f"{out}: cannot be read: {_reason(error, out)}") from None
    except BaseException:
        lock.release()
        raise
    return Claim(out, lock, made, reused=contents == "results")


class Made:
    """The folders ``_create`` made: ``OUT`` itself (``folder``) and missing ``parents``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = False
        self.parents: list[Path] = []

    def undo(self, *, keep_folder: bool = False) -> None:
        """Remove what was made, innermost first, each only if empty (``OUT``: but its lock)."""
        if self.folder and not keep_folder:
            with suppress(OSError):
                if {entry.name for entry in self.out.iterdir()} <= {files.LOCK}:
                    (self.out / files.LOCK).unlink(missing_ok=True)
                    self.out.rmdir()
        for parent in reversed(self.parents):
            with suppress(OSError):
                parent.rmdir()


def _create(out: Path) -> Made:
    """Make the missing parents of ``out`` and ``out`` itself; say which this job made."""
    made = Made(out)
    try:
        for parent in reversed(out.parents):
            if not parent.exists():
                with suppress(FileExistsError):  # made by someone else meanwhile: not ours
                    parent.mkdir()
                    made.parents.append(parent)
        try:
            out.mkdir()
            made.folder = True
        except FileExistsError:
            if not out.is_dir():
                raise OutputError(f"{out}: exists and is not a folder") from None
    except OSError as error:
        made.undo()
        raise OutputError(f"{out}: cannot be created: {_reason(error, out)}") from None
    return made


def _reason(error: OSError, out: Path) -> str:
    """One line: what failed, and where when it is not ``OUT`` itself."""
    reason = error.strerror or str(error)
    if error.errno == errno.ENAMETOOLONG:
        longest = max(len(os.fsencode(part)) for part in out.parts)
        return f"{reason} (a folder name of {longest} bytes; most systems allow 255)"
    if error.filename and Path(error.filename) != out:
        reason += f" ({error.filename})"
    return reason


def _check_existing(out: Path, *, force: bool, resume: bool) -> None:
    """Refuse an existing folder this job may not write, before touching anything in it."""
    try:
        contents = _contents(out)
    except OSError as error:
        raise OutputError(f"{out}: cannot be read: {_reason(error, out)}") from None
    if contents == "other":
        raise OutputError(_not_results(out, force=force, resume=resume))
    if not force and not resume:
        if _locked_by_another(out):
            raise OutputError(_held(out))
        raise OutputError(
            f"{out}: already exists; pass --resume to complete it, --force to replace it, "
            "or --out elsewhere"
        )


class LockHeldError(Exception):
    """Another holder has the lock."""


CONTENTION = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})
"""What ``flock`` reports, depending on the file system, when another holder has the lock."""


class FolderLock:
    """An exclusive lock on a file, taken without waiting; the OS drops it with its process.

    POSIX: ``flock`` on the file opened (created if missing) as ``filelock`` opens it, without
    importing filelock (some 20 ms of a small run's start); a forked child (a worker process)
    closes its copy of the file, so that only this process holds the lock. On Windows, or a
    file system without ``flock``, ``filelock.FileLock`` itself, imported then. The file stays
    on release.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = None
        self._fallback: Any = None
        """The ``filelock.FileLock`` held instead of ``flock``, if any."""

    def acquire(self) -> None:
        """Take the lock; ``LockHeldError`` if another has it, ``OSError`` if it cannot be taken."""
        if sys.platform == "win32":
            self._acquire_fallback()
            return
        flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(self.path, flags, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno in CONTENTION:
                raise LockHeldError from None
            if error.errno != errno.ENOSYS:
                raise
            self._acquire_fallback()
            return
        self._descriptor = descriptor
        _HELD.add(self)

    def release(self) -> None:
        """Let another holder take it (closing the file drops ``flock``)."""
        _HELD.discard(self)
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            os.close(descriptor)
        fallback, self._fallback = self._fallback, None
        if fallback is not None:
            fallback.release()

    def _acquire_fallback(self) -> None:
        from filelock import FileLock, Timeout  # noqa: PLC0415  # only where flock is missing

        lock = FileLock(self.path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise LockHeldError from None
        self._fallback = lock


_HELD: weakref.WeakSet[FolderLock] = weakref.WeakSet()
"""The locks this process holds with ``flock``."""


def _forget_in_child() -> None:
    """In a forked child: close the copies of the held locks' files, holding none of them."""
    for lock in list(_HELD):
        descriptor, lock._descriptor = lock._descriptor, None
        if descriptor is not None:
            with suppress(OSError):
                os.close(descriptor)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


PROBE_GRACE_SECONDS = 0.2
"""How long a job keeps trying for a lock held when it first asks: a job that only probes it
(``_locked_by_another``, on its way to being refused) lets go at once."""
RETRY_SECONDS = 0.005


def _acquire(out: Path) -> FolderLock:
    """Take the folder's lock without waiting for a job that holds it; OutputError if one does.

    A lock held for less than ``PROBE_GRACE_SECONDS`` was only probed: it is taken after all,
    so that of jobs starting together one gets the folder (not none of them).
    """
    lock = FolderLock(out / files.LOCK)
    deadline = time.monotonic() + PROBE_GRACE_SECONDS
    while True:
        try:
            lock.acquire()
        except LockHeldError:
            if time.monotonic() >= deadline:
                raise OutputError(_held(out)) from None
            time.sleep(RETRY_SECONDS)
        except OSError as error:
            raise OutputError(f"{out}: cannot be locked: {_reason(error, out)}") from None
        else:
            return lock


def _locked_by_another(out: Path) -> bool:
    """Whether another job holds ``out``'s lock (tried only if the lock file exists)."""
    path = out / files.LOCK
    if not path.is_file():
        return False
    probe = FolderLock(path)
    try:
        probe.acquire()
    except LockHeldError:
        return True
    except OSError:
        return False
    probe.release()
    return False


def _held(out: Path) -> str:
    return f"{out}: another klarsim job is writing it (lock {out / files.LOCK})"


def _contents(out: Path) -> Contents:
    """``empty`` (nothing but a lock file), ``results`` (a klarsim manifest) or ``other``."""
    names = {entry.name for entry in out.iterdir()} - {files.LOCK}
    if not names:
        return "empty"
    return "results" if is_results_folder(out) else "other"


def is_results_folder(out: Path) -> bool:
    """Whether ``out`` has a ``manifest.json`` written by klarsim."""
    try:
        manifest = json.loads((out / files.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "klarsim_version" in manifest and "kind" in manifest


def _not_results(out: Path, *, force: bool, resume: bool) -> str:
    why = f"(no klarsim {files.MANIFEST})"
    if force:
        return (
            f"{out}: not a klarsim results folder {why}; --force replaces only those: "
            "choose another --out, nothing was deleted"
        )
    if resume:
        return f"{out}: not a klarsim results folder to resume {why}; choose another --out"
    return f"{out}: already exists and is not a klarsim results folder {why}; choose another --out"


def _clear(out: Path) -> None:
    """Delete the folder's contents but its lock, the manifest last (still a results folder
    if stopped half-way, so ``--force`` can finish the job)."""
    try:
        for entry in sorted(out.iterdir(), key=lambda entry: entry.name == files.MANIFEST):
            if entry.name == files.LOCK:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    except OSError as error:
        raise OutputError(f"{out}: cannot be replaced: {_reason(error, out)}") from None
