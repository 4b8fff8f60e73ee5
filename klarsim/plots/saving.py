"""Figures saved into a results folder's ``plots/``: the formats, the resolution, no dates.

One place for every command that writes plots, so the same results give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from klarsim.results import files

FORMATS = ("png", "svg")
PNG_DPI = 150


def metadata(extension: str) -> dict[str, str | None]:
    """No creation date in the files, so the same results give the same bytes."""
    if extension == "svg":
        return {"Date": None}
    return {"Software": "klarsim"} if extension == "png" else {}


def save_figures(
    figures: dict[str, Figure],
    results_dir: Path,
    formats: Sequence[str] = FORMATS,
    dpi: int = PNG_DPI,
) -> list[Path]:
    """Save figures by file stem into ``results_dir/plots`` in every format; the files."""
    target = results_dir / files.PLOTS
    target.mkdir(exist_ok=True)
    written = []
    for name, figure in figures.items():
        for extension in formats:
            path = target / f"{name}.{extension}"
            figure.savefig(path, dpi=dpi, metadata=metadata(extension))
            written.append(path)
    return written


__all__ = ["FORMATS", "PNG_DPI", "metadata", "save_figures"]
