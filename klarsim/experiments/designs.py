"""Experimental designs for sweeps: full-factorial grids and Latin hypercubes.

A point is a mapping of dotted scenario keys to values. ``--grid k=v1,v2,...`` lists values
(each parsed as YAML); ``--grid k=lo:hi:n`` spaces n values evenly; ``--range k=lo:hi`` gives
a dimension of a Latin hypercube (one sample in each of its equal strata).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import yaml
from scipy.stats import qmc

from klarsim.config import Problem, ScenarioError

Point = dict[str, Any]


def grid_points(specs: Sequence[str]) -> list[Point]:
    """Every combination of the values of each ``--grid`` spec (full factorial)."""
    axes = [_grid_axis(spec) for spec in specs]
    keys = [key for key, _ in axes]
    return [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*(v for _, v in axes))
    ]


def lhs_points(ranges: Sequence[str], samples: int, seed: int) -> list[Point]:
    """``samples`` points of a Latin hypercube over the ``--range`` specs."""
    if samples < 1:
        raise _error("--samples", "", f"expected at least 1 sample, got {samples}")
    bounds = [_range(spec) for spec in ranges]
    if not bounds:
        raise _error("--range", "", "expected at least one --range KEY=LOW:HIGH")
    unit = qmc.LatinHypercube(d=len(bounds), seed=seed).random(samples)
    lows = np.array([low for _, low, _ in bounds])
    highs = np.array([high for _, _, high in bounds])
    scaled = qmc.scale(unit, lows, highs)
    keys = [key for key, _, _ in bounds]
    return [dict(zip(keys, (float(v) for v in row), strict=True)) for row in scaled]


def _grid_axis(spec: str) -> tuple[str, list[Any]]:
    key, values = _split(spec, "--grid")
    if values.count(":") == 2 and "," not in values:
        low, high, count = (_number(part, spec, "--grid") for part in values.split(":"))
        if count < 1 or count != int(count):
            raise _error(
                "--grid", key, f"expected a whole number of points, got {count:g} in {spec!r}"
            )
        points = np.linspace(low, high, int(count))
        integral = all(float(x).is_integer() for x in (low, high)) and np.allclose(
            points, np.round(points)
        )
        return key, [round(float(x)) if integral else float(x) for x in points]
    if any(part.strip() == "" for part in values.split(",")):
        raise _error("--grid", key, f"expected comma-separated values, got {spec!r}")
    return key, [_yaml(part, spec) for part in values.split(",")]


def _range(spec: str) -> tuple[str, float, float]:
    key, values = _split(spec, "--range")
    parts = values.split(":")
    if len(parts) != 2:
        raise _error("--range", key, f"expected KEY=LOW:HIGH, got {spec!r}")
    low, high = (_number(part, spec, "--range") for part in parts)
    if not low < high:
        raise _error("--range", key, f"expected LOW < HIGH, got {spec!r}")
    return key, low, high


def _split(spec: str, option: str) -> tuple[str, str]:
    key, separator, values = spec.partition("=")
    if not separator or not key.strip() or not values.strip():
        raise _error(option, "", f"expected KEY=VALUES, got {spec!r}")
    return key.strip(), values.strip()


def _number(text: str, spec: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _error(option, spec.partition("=")[0], f"expected a number, got {text!r}") from None


def _yaml(text: str, spec: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise _error(
            "--grid", spec.partition("=")[0], f"value {text!r} is not valid YAML"
        ) from None


def _error(option: str, key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(option, key, message)])
