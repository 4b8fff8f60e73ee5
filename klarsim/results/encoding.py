"""Columns of plain Python values as Arrow arrays and back, exactly, with no code run on reading.

A replication's records are columns (lists) of ``None``, ``bool``, ``int``, ``float`` and
``str`` (numpy scalars count as the builtin of the same value). A column of one kind (``None``
allowed among the others) becomes the Arrow array of that type: ``bool``, ``int64``,
``float64`` (every bit kept: NaN sign and payload, inf, -0.0), ``large_string`` (dictionary
encoded: a contact log repeats a few names), or ``null``.
A column mixing kinds, or holding an integer beyond 64 bits, becomes a dense union whose
children are named by kind (``null``, ``bool``, ``int``, ``float``, ``str``, and ``bigint``
for such integers as decimal text), so every value comes back with its own type.

Reading accepts only these types; anything else is a ``ValueError``.

Every array, mixed columns' unions included, is built from its numpy buffers
(``pa.Array.from_buffers``), not with ``pa.array``: that asks pyarrow's pandas shim about the
values, which imports pandas, most of a second a run that writes its checkpoints would
otherwise pay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

Column = list[Any]

BIGINT = "bigint"
KIND_TYPES: dict[str, pa.DataType] = {
    "null": pa.null(),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.large_string(),
    BIGINT: pa.large_string(),
}
"""Each kind of value and the Arrow type that holds it (a union child is named by its kind)."""
TEXT = pa.dictionary(pa.int32(), pa.large_string())
"""A column of text: each distinct value stored once."""
UNION_CODES = {kind: code for code, kind in enumerate(KIND_TYPES)}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def kind_of(value_type: type) -> str:
    """The kind of values of ``value_type``; TypeError for anything but plain scalars."""
    if value_type is type(None):
        return "null"
    if issubclass(value_type, bool | np.bool_):
        return "bool"
    if issubclass(value_type, int | np.integer):
        return "int"
    if issubclass(value_type, float | np.floating):
        return "float"
    if issubclass(value_type, str):
        return "str"
    raise TypeError(f"run files hold plain values only, got {value_type.__name__}")


def to_arrow(values: Sequence[Any]) -> pa.Array:
    """The column as an Arrow array from which ``to_python`` gives back the same values."""
    kinds = {kind_of(value_type) for value_type in set(map(type, values))}
    kinds.discard("null")
    if len(kinds) <= 1:
        kind = kinds.pop() if kinds else "null"
        try:
            return _single_kind(kind, values)
        except OverflowError:  # an integer beyond 64 bits
            if kind != "int":
                raise
    return _union(values)


def _single_kind(kind: str, values: Sequence[Any]) -> pa.Array:
    """A column of one kind of value (``None`` among them) from its buffers."""
    count = len(values)
    if kind == "null":
        return pa.nulls(count)
    present = [value is not None for value in values]
    validity = None if all(present) else _bits(present)
    if kind == "str":
        return _text(values, validity)
    filled = values if validity is None else [_filler(kind, value) for value in values]
    if kind == "bool":
        data = _bits([bool(value) for value in filled])
    else:
        data = pa.py_buffer(np.asarray(filled, dtype=np.int64 if kind == "int" else np.float64))
    return pa.Array.from_buffers(KIND_TYPES[kind], count, [validity, data])


def _filler(kind: str, value: Any) -> Any:
    """``value``, or a stand-in of the column's kind where it is missing (masked out)."""
    if value is not None:
        return value
    return False if kind == "bool" else 0


def _bits(flags: Sequence[bool]) -> pa.Buffer:
    """Arrow's bitmap of ``flags``: least significant bit first."""
    return pa.py_buffer(np.packbits(np.asarray(flags, dtype=bool), bitorder="little"))


def _text(values: Sequence[Any], validity: pa.Buffer | None) -> pa.Array:
    """A dictionary-encoded text column: each distinct value stored once."""
    names = list(dict.fromkeys(value for value in values if value is not None))
    position = {name: index for index, name in enumerate(names)}
    codes = np.asarray([position.get(value, 0) for value in values], dtype=np.int32)
    indices = pa.Array.from_buffers(pa.int32(), len(values), [validity, pa.py_buffer(codes)])
    return pa.DictionaryArray.from_arrays(indices, _plain_text(names))


def _plain_text(values: Sequence[str]) -> pa.Array:
    """A ``large_string`` array of these strings (none missing), from its buffers."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in encoded], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.large_string(),
        len(values),
        [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
    )


def _numbers(data_type: pa.DataType, dtype: type, values: Sequence[int]) -> pa.Array:
    """An Arrow array of ``data_type`` holding these integers (none missing)."""
    buffer = pa.py_buffer(np.asarray(values, dtype=dtype))
    return pa.Array.from_buffers(data_type, len(values), [None, buffer])


def _union(values: Sequence[Any]) -> pa.Array:
    """A dense union, one child per kind present, for a mixed column (or one with big ints)."""
    children: dict[str, list[Any]] = {}
    codes: list[int] = []
    offsets: list[int] = []
    for value in values:
        kind = kind_of(type(value))
        stored = value
        if kind == "int" and not INT64_MIN <= value <= INT64_MAX:
            kind, stored = BIGINT, str(int(value))
        child = children.setdefault(kind, [])
        codes.append(UNION_CODES[kind])
        offsets.append(len(child))
        child.append(stored)
    kinds = list(children)
    return pa.UnionArray.from_dense(
        _numbers(pa.int8(), np.int8, codes),
        _numbers(pa.int32(), np.int32, offsets),
        [_union_child(kind, children[kind]) for kind in kinds],
        kinds,
        [UNION_CODES[kind] for kind in kinds],
    )


def _union_child(kind: str, values: Sequence[Any]) -> pa.Array:
    """A union's child of one kind, from its buffers (plain text, not dictionary encoded)."""
    if kind in {"str", BIGINT}:
        return _plain_text(values)
    return _single_kind(kind, values)


def to_python(column: pa.ChunkedArray | pa.Array) -> Column:
    """The values ``to_arrow`` stored; ValueError for an array of any other type."""
    if isinstance(column, pa.ChunkedArray):
        chunks = column.chunks
        if len(chunks) == 1:
            return to_python(chunks[0])
        return [value for chunk in chunks for value in to_python(chunk)]
    data_type = column.type
    if pa.types.is_union(data_type):
        return _from_union(column)
    if pa.types.is_dictionary(data_type):
        return _from_dictionary(column)
    if data_type not in KIND_TYPES.values():
        raise ValueError(f"a column of type {data_type}, not one of klarsim's")
    if data_type == pa.null():
        return [None] * len(column)
    if column.null_count == 0 and data_type != pa.large_string():
        values: Column = column.to_numpy(zero_copy_only=False).tolist()
        return values
    listed: Column = column.to_pylist()
    return listed


def _from_dictionary(column: pa.DictionaryArray) -> Column:
    """A dictionary-encoded text column: each value looked up once, then shared."""
    if column.type.value_type != pa.large_string() or not pa.types.is_integer(
        column.type.index_type
    ):
        raise ValueError(f"a column of type {column.type}, not one of klarsim's")
    names = to_python(column.dictionary)
    if column.indices.null_count:
        return [None if index is None else names[index] for index in column.indices.to_pylist()]
    return [names[index] for index in column.indices.to_numpy().tolist()]


def _from_union(column: pa.UnionArray) -> Column:
    data_type = column.type
    if data_type.mode != "dense":
        raise ValueError("a sparse union column, not one of klarsim's")
    decoded: dict[int, Column] = {}
    for index, code in enumerate(data_type.type_codes):
        kind = data_type.field(index).name
        child = column.field(index)
        if UNION_CODES.get(kind) != code or child.type != KIND_TYPES[kind]:
            raise ValueError(f"a union column with an unexpected child {kind!r} ({child.type})")
        values = to_python(child)
        decoded[code] = [_big(value) for value in values] if kind == BIGINT else values
    codes = column.type_codes.to_numpy(zero_copy_only=False).tolist()
    offsets = column.offsets.to_numpy(zero_copy_only=False).tolist()
    try:
        return [decoded[code][offset] for code, offset in zip(codes, offsets, strict=True)]
    except (KeyError, IndexError) as error:
        raise ValueError(f"a union column pointing nowhere ({error!r})") from None


def _big(text: str | None) -> int:
    if text is None or not text.lstrip("-").isdigit():
        raise ValueError(f"a bigint value that is not an integer: {text!r}")
    return int(text)


def table(columns: dict[str, Column]) -> pa.Table:
    """Named columns of equal length as an Arrow table, in their order."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        sizes = ", ".join(f"{name}: {len(values)}" for name, values in columns.items())
        raise ValueError(f"columns of unequal length ({sizes})")
    names = list(columns)
    if not all(isinstance(name, str) for name in names):
        raise TypeError("column names must be text")
    return pa.table([to_arrow(values) for values in columns.values()], names=names)


def columns(data: pa.Table) -> dict[str, Column]:
    """An Arrow table's columns as lists by name; ValueError for repeated names."""
    names = data.column_names
    if len(set(names)) != len(names):
        raise ValueError("repeated column names")
    decode: Callable[[pa.ChunkedArray], Column] = to_python
    return {name: decode(data.column(name)) for name in names}
