"""The output folder of ``fit`` and ``backtest``: filled in a hidden sibling, then renamed.

So an interrupted or failed command leaves nothing half-written under ``--out``: either the
whole folder appears or none. An existing folder is replaced only with ``force``, and only
if it holds what one of these commands writes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from klarsim.results.errors import OutputError


@contextmanager
def staged_folder(out: Path, *, force: bool, marker: str) -> Iterator[Path]:
    """A fresh hidden folder beside ``out`` to fill; renamed to ``out`` when the block ends.

    ``marker`` is the file this command writes: with ``force`` an existing ``out`` holding
    it is replaced; any other existing path is refused (``OutputError``).
    """
    _check_target(out, force=force, marker=marker)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as error:
        raise OutputError(f"--out {out}: cannot write there ({error.strerror})") from None
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_target(out: Path, *, force: bool, marker: str) -> None:
    if not out.parent.is_dir():
        raise OutputError(f"--out {out}: the folder {out.parent} does not exist")
    if not out.exists() and not out.is_symlink():
        return
    if not force:
        raise OutputError(f"--out {out}: already exists; use --force to replace it")
    if out.is_symlink() or not out.is_dir() or not (out / marker).is_file():
        raise OutputError(
            f"--out {out}: --force replaces only a folder this command wrote (with {marker})"
        )


__all__ = ["staged_folder"]
