"""CSV text of a plain ``Table``, the same bytes as ``DataFrame.to_csv(index=False)``.

A run writes its tables without importing pandas (``klarsim.metrics.plain``), and a folder
must not depend on which of the two wrote it. So each column is typed as pandas would type it:
whole numbers with a gap become floats (``3.0``), a missing number is an empty field, floats
are written in their shortest round-trip form, booleans as ``True``/``False``.
tests/results/test_plain_csv.py compares the bytes with pandas on every bundled scenario.
"""

from __future__ import annotations

import csv
import math
import numbers
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from klarsim.metrics.plain import Table

Formatter = Callable[[Any], str]


def write_csv(path: Path, table: Table) -> None:
    """Write ``table`` to ``path`` as pandas' ``to_csv(index=False)`` would."""
    formatters = [_formatter(values) for values in table.columns.values()]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(table.columns)
        for values in zip(*table.columns.values(), strict=True):
            writer.writerow([form(value) for form, value in zip(formatters, values, strict=True)])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _formatter(values: Sequence[Any]) -> Formatter:
    """How pandas writes a column holding these values."""
    present = [value for value in values if not _missing(value)]
    gaps = len(present) < len(values)
    if present and all(_is_bool(value) for value in present):
        return _text
    if present and all(_is_integer(value) for value in present) and not gaps:
        return _integer
    if all(isinstance(value, numbers.Real) and not _is_bool(value) for value in present):
        return _float
    return _text


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def _is_integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def _integer(value: Any) -> str:
    return str(int(value))


def _float(value: Any) -> str:
    return "" if _missing(value) else repr(float(value))


def _text(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
