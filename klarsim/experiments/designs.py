"""Experimental designs for sweeps: full-factorial grids and Latin hypercubes.

A point is a mapping of dotted scenario keys to values. ``--grid k=v1,v2,...`` lists values;
``--grid k=lo:hi:n`` spaces n values evenly; ``--range k=lo:hi`` gives a dimension of a Latin
hypercube (one sample in each of its equal strata).

Values are read strictly, never by YAML's implicit types: digits with an optional sign are an
integer, a decimal or exponent number (``0.5``, ``-2``, ``1e3``) is a float, ``true`` and
``false`` are booleans, and any other word is a string that the scenario schema then checks.
``nan``, ``inf`` and numbers too large for a float are refused, and so are values made of
numbers and colons that are not ``lo:hi:n`` (``1:2``, which YAML 1.1 reads as 62) and
numbers with underscores (``1_000``). A key given twice is an error. A design has at most
``MAX_POINTS`` points, checked from the sizes of its axes before any point is made.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import qmc

from klarsim.config import Problem, ScenarioError
from klarsim.limits import MAX_POINTS

Point = dict[str, Any]

_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_COLON_NUMBERS = re.compile(r"[+-]?[\d.]+(:[+-]?[\d.]+)+")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_BOOLEANS = {"true": True, "false": False}


def grid_points(specs: Sequence[str]) -> list[Point]:
    """Every combination of the values of each ``--grid`` spec (full factorial)."""
    axes = [_grid_axis(spec) for spec in specs]
    keys = [key for key, _ in axes]
    _check_distinct(keys, "--grid")
    check_size([len(values) for _, values in axes], "--grid")
    return [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*(v for _, v in axes))
    ]


def lhs_points(ranges: Sequence[str], samples: int, seed: int) -> list[Point]:
    """``samples`` points of a Latin hypercube over the ``--range`` specs."""
    if samples < 1:
        raise _error("--samples", "", f"expected at least 1 sample, got {samples}")
    if samples > MAX_POINTS:
        raise _error("--samples", "", f"expected at most {MAX_POINTS:,} samples, got {samples:,}")
    bounds = [_range(spec) for spec in ranges]
    if not bounds:
        raise _error("--range", "", "expected at least one --range KEY=LOW:HIGH")
    keys = [key for key, _, _ in bounds]
    _check_distinct(keys, "--range")
    unit = qmc.LatinHypercube(d=len(bounds), seed=seed).random(samples)
    lows = np.array([low for _, low, _ in bounds])
    highs = np.array([high for _, _, high in bounds])
    scaled = qmc.scale(unit, lows, highs)
    return [dict(zip(keys, (float(v) for v in row), strict=True)) for row in scaled]


def check_size(sizes: Sequence[int], option: str, key: str = "") -> None:
    """Refuse a design whose axes of these sizes make more than ``MAX_POINTS`` points."""
    total = math.prod(sizes)
    if total > MAX_POINTS:
        shape = " x ".join(f"{size:,}" for size in sizes)
        message = f"the design has {total:,} points ({shape}); expected at most {MAX_POINTS:,}"
        raise _error(option, key, message)


def parse_value(text: str) -> int | float | bool | str:
    """One listed ``--grid`` value: an integer, a finite float, a boolean, or a string."""
    value = text.strip()
    if _INTEGER.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is too large for a number")
        return number
    if value.lower() in _NOT_FINITE:
        raise ValueError(f"expected a finite number, got {value!r}")
    if value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    if _COLON_NUMBERS.fullmatch(value):
        raise ValueError(f"expected LOW:HIGH:N or comma-separated values, got {value!r}")
    if "_" in value and _INTEGER.fullmatch(value.replace("_", "")):
        raise ValueError(f"expected a number without underscores, got {value!r}")
    return value


def _grid_axis(spec: str) -> tuple[str, list[Any]]:
    key, values = _split(spec, "--grid")
    if values.count(":") == 2 and "," not in values:
        return key, _spaced(key, spec, values)
    if any(part.strip() == "" for part in values.split(",")):
        raise _error("--grid", key, f"expected comma-separated values, got {spec!r}")
    try:
        return key, [parse_value(part) for part in values.split(",")]
    except ValueError as error:
        raise _error("--grid", key, f"{error} in {spec!r}") from None


def _spaced(key: str, spec: str, values: str) -> list[int | float]:
    """``lo:hi:n``: n evenly spaced values, integers when both ends and every step are."""
    low, high, count = (_number(part, spec, "--grid") for part in values.split(":"))
    if count < 1 or count != int(count):
        raise _error("--grid", key, f"expected a whole number of points, got {count:g} in {spec!r}")
    check_size([int(count)], "--grid", key)
    points = np.linspace(low, high, int(count))
    integral = all(float(x).is_integer() for x in (low, high)) and np.allclose(
        points, np.round(points)
    )
    return [round(float(x)) if integral else float(x) for x in points]


def _range(spec: str) -> tuple[str, float, float]:
    key, values = _split(spec, "--range")
    parts = values.split(":")
    if len(parts) != 2:
        raise _error("--range", key, f"expected KEY=LOW:HIGH, got {spec!r}")
    low, high = (_number(part, spec, "--range") for part in parts)
    if not low < high:
        raise _error("--range", key, f"expected LOW < HIGH, got {spec!r}")
    return key, low, high


def _check_distinct(keys: Sequence[str], option: str) -> None:
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        message = "given more than once; list all its values in one " + option
        raise _error(option, ", ".join(repeated), message)


def _split(spec: str, option: str) -> tuple[str, str]:
    key, separator, values = spec.partition("=")
    if not separator or not key.strip() or not values.strip():
        raise _error(option, "", f"expected KEY=VALUES, got {spec!r}")
    return key.strip(), values.strip()


def _number(text: str, spec: str, option: str) -> float:
    """A finite number written plainly (no underscores, no nan or inf)."""
    key = spec.partition("=")[0].strip()
    value = text.strip()
    if not _FLOAT.fullmatch(value) or not math.isfinite(float(value)):
        raise _error(option, key, f"expected a finite number, got {text!r} in {spec!r}")
    return float(value)


def _error(option: str, key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(option, key, message)])
