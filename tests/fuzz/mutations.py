"""Hypothesis strategies that mutate scenario data: keys deleted, replaced by values of the
wrong type or out of range, unknown keys added, values made very long or tweaked to other
valid-looking ones. Shared by the fuzz tests of scenario files and of the scenario tools."""

from __future__ import annotations

import copy
import datetime
import math
from typing import Any

from hypothesis import strategies as st

KeyPath = tuple[str | int, ...]


def key_paths(node: Any, path: KeyPath = ()) -> list[KeyPath]:
    """Every key path in the scenario data, mapping keys and list indices."""
    children: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    paths: list[KeyPath] = []
    for part, child in children:
        paths.append((*path, part))
        paths.extend(key_paths(child, (*path, part)))
    return paths


HOSTILE_SCALARS: list[Any] = [
    None, True, False, "", "x", "1:2", "0x10", "yes", "~", "nan",
    math.nan, math.inf, -math.inf, 1e300, -1e300, 1e-300, -1, 0, 10**30, -(10**30), 2**63,
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.integers(-3, 50),
    st.floats(-10, 10),
    st.text(max_size=12),
    st.booleans(),
)
"""Values of the wrong type, or numbers out of range; in-range numbers stay small, since a
valid ten million contacts a day is a slow run, not a hostile one."""
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=6,
)


def node_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _delete(data: Any, path: KeyPath) -> None:
    del node_at(data, path[:-1])[path[-1]]


def _replace(data: Any, path: KeyPath, value: Any) -> None:
    node_at(data, path[:-1])[path[-1]] = value


def _mapping_paths(data: Any) -> list[KeyPath]:
    return [()] + [path for path in key_paths(data) if isinstance(node_at(data, path), dict)]


@st.composite
def structure_mutations(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """The base scenario with one to three keys deleted, replaced or added."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = key_paths(data)
        kind = draw(st.sampled_from(["delete", "replace", "unknown", "long", "tweak", "tweak"]))
        if kind == "unknown" or not paths:
            where = draw(st.sampled_from(_mapping_paths(data)))
            node_at(data, where)[draw(st.text(min_size=1, max_size=12))] = draw(values)
            continue
        path = draw(st.sampled_from(paths))
        if kind == "delete":
            _delete(data, path)
        elif kind == "replace":
            _replace(data, path, draw(values))
        elif kind == "tweak":
            _replace(data, path, draw(_tweaks(node_at(data, path))))
        else:
            _replace(data, path, draw(st.sampled_from("xé_-")) * draw(st.sampled_from(LENGTHS)))
    return data


LENGTHS = [64, 255, 300, 5000, 100_000]
DAY_SHIFTS = [-4000, -400, -1, 1, 28, 400, 4000]
SMALL_NUMBERS = [0, 1, 2, 3, 0.5, 0.999, 1e-9, 1.5]
WORDS = [
    "chat",
    "voice",
    "flat",
    "exponential",
    "lognormal",
    "employee",
    "gig",
    "always",
    "general",
]


def _tweaks(value: Any) -> st.SearchStrategy[Any]:
    """A value of the same kind, often still valid: another small number, another word of the
    schema, a list shortened or reordered, a boolean flipped; what validation lets through
    must then run (exit 0) or fail as a listed failure (exit 1)."""
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int | float):
        return st.sampled_from(SMALL_NUMBERS)
    if isinstance(value, str):
        return st.sampled_from(WORDS)
    if isinstance(value, datetime.date):
        return st.sampled_from(DAY_SHIFTS).map(lambda days: value + datetime.timedelta(days))
    if isinstance(value, list):
        return st.one_of(st.permutations(value), st.just(value[:-1]), st.just(value[1:]))
    return st.just(value)
