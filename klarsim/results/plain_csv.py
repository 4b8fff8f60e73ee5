"""CSV text of a plain ``Table``, the same bytes as ``DataFrame.to_csv(index=False)``.

A run writes its tables without importing pandas (``klarsim.metrics.plain``), and a folder
must not depend on which of the two wrote it. So each column is typed as pandas would type it:
whole numbers with a gap become floats (``3.0``), a missing number is an empty field, floats
are written in their shortest round-trip form, booleans as ``True``/``False``.
tests/results/test_plain_csv.py compares the bytes with pandas on every bundled scenario.

Columns are formatted whole, not cell by cell: a column of exact built-in types (what a run
records) is typed from the set of its value types, and only other values (NumPy scalars, say)
go through the slower per-value checks against the ``numbers`` ABCs. The csv module writes
a number as ``str`` (a float's ``str`` is its shortest round-trip ``repr``) and text as is.
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

NONE_TYPE = type(None)
BUILT_IN_KINDS = frozenset({int, float, bool, str, NONE_TYPE})
NUMBER_KINDS = frozenset({int, float, NONE_TYPE})


def write_csv(path: Path, table: Table) -> None:
    """Write ``table`` to ``path`` as pandas' ``to_csv(index=False)`` would."""
    formatted = [_formatted(values) for values in table.columns.values()]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(zip(*formatted, strict=True))


def _formatted(values: Sequence[Any]) -> Sequence[Any]:
    """A column's fields as pandas writes them: text, or numbers the csv module writes."""
    kinds = set(map(type, values))
    if not kinds <= BUILT_IN_KINDS:
        form = _formatter(values)
        return [form(value) for value in values]
    if kinds == {int}:
        return values
    if kinds == {float}:
        # a NaN is the only float unequal to itself; math.isnan would cost a call a value
        return [value if value == value else "" for value in values]  # noqa: PLR0124
    if kinds <= NUMBER_KINDS:
        return ["" if _missing(value) else float(value) for value in values]
    return ["" if value is None or value != value else value for value in values]  # noqa: PLR0124


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _formatter(values: Sequence[Any]) -> Formatter:
    """How pandas writes a column holding these values (any types, checked one by one)."""
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
