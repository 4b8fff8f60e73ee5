"""Assumption ranges: from a scenario's ``uncertain:`` section and ``--range``, to points.

A range's key must hold a number in the scenario. A key holding an integer (a headcount) is
an integer range: its ends and every value drawn in it are rounded to the nearest integer
before the point is built, so the value recorded is the value run. A ``balance`` key moves
the other way by the same amount in each plan, from that plan's own value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError
from scipy import stats

from klarsim.config import Problem, Scenario, ScenarioError, scenario_data
from klarsim.config.uncertain import NORMAL_SPAN_SDS, Assumption, is_number, value_at
from klarsim.experiments.designs import Point

MAX_RANGES = 100
"""The most assumptions one analysis varies."""


@dataclass(frozen=True)
class Range:
    """One varied assumption: its key, range, the scenario's own value, how it is drawn."""

    key: str
    low: float
    high: float
    base: float
    """The first scenario's value of the key: the tornado chart's centre."""
    integer: bool = False
    distribution: str = "uniform"
    peak: float | None = None
    balance: str | None = None
    source: str = "--range"

    def value(self, number: float) -> float | int:
        """``number`` as run: rounded to an integer for an integer key."""
        return round(float(number)) if self.integer else float(number)


def collect_ranges(scenarios: Sequence[Scenario], specs: Sequence[str]) -> list[Range]:
    """The scenarios' ``uncertain:`` entries (the first's win), extended by ``--range
    KEY=LOW:HIGH`` specs or given a new range by them (keeping the entry's distribution and
    balance); each key checked against the scenarios' values."""
    declared: dict[str, tuple[Assumption, str]] = {}
    for scenario in scenarios:
        for index, assumption in enumerate(scenario.uncertain):
            declared.setdefault(assumption.key, (assumption, f"{scenario.name}: uncertain.{index}"))
    given = [_parse(spec) for spec in specs]
    repeated = sorted({a.key for a in given if [b.key for b in given].count(a.key) > 1})
    if repeated:
        raise _error("--range", ", ".join(repeated), "given more than once")
    for assumption in given:
        earlier = declared.get(assumption.key)
        declared[assumption.key] = (
            _kept(assumption, earlier[0]) if earlier else assumption,
            "--range",
        )
    if not declared:
        message = "expected at least one --range KEY=LOW:HIGH or an uncertain: section"
        raise _error("--range", "", message)
    if len(declared) > MAX_RANGES:
        raise _error("--range", "", f"expected at most {MAX_RANGES} ranges, got {len(declared)}")
    data = [scenario_data(scenario) for scenario in scenarios]
    ranges = [_resolved(assumption, source, data) for assumption, source in declared.values()]
    _check_balances(ranges)
    return ranges


def point_for(ranges: Sequence[Range], row: Sequence[float], data: Mapping[str, Any]) -> Point:
    """The overrides of one plan at one sample: each range's value (keys the plan lacks are
    left out) and each balance key moved the other way from the plan's own value."""
    point: Point = {}
    for spread, number in zip(ranges, row, strict=True):
        own = value_at(data, spread.key)
        if not is_number(own):
            continue
        value = spread.value(number)
        point[spread.key] = value
        balanced = value_at(data, spread.balance) if spread.balance else None
        if spread.balance and isinstance(balanced, int | float):
            point[spread.balance] = round(float(balanced) - (value - float(own)), 12)
    return point


def rounded(ranges: Sequence[Range], design: np.ndarray) -> np.ndarray:
    """The design's values as run (integer keys rounded)."""
    result = np.array(design, dtype=float, copy=True)
    for column, spread in enumerate(ranges):
        if spread.integer:
            result[:, column] = np.round(result[:, column])
    return result


def from_unit(ranges: Sequence[Range], unit: np.ndarray) -> np.ndarray:
    """Points of the unit cube mapped through each range's distribution (inverse CDF)."""
    columns = [_quantiles(spread, unit[:, index]) for index, spread in enumerate(ranges)]
    return np.column_stack(columns) if columns else np.empty((len(unit), 0))


def _quantiles(spread: Range, unit: np.ndarray) -> np.ndarray:
    width = spread.high - spread.low
    if spread.distribution == "triangular":
        peak = spread.peak if spread.peak is not None else spread.low + width / 2
        shape = (peak - spread.low) / width
        return np.asarray(stats.triang.ppf(unit, shape, loc=spread.low, scale=width))
    if spread.distribution == "normal":
        half = NORMAL_SPAN_SDS / 2
        middle, deviation = spread.low + width / 2, width / NORMAL_SPAN_SDS
        return np.asarray(stats.truncnorm.ppf(unit, -half, half, loc=middle, scale=deviation))
    return spread.low + unit * width


def _resolved(assumption: Assumption, source: str, data: Sequence[Mapping[str, Any]]) -> Range:
    values = [value_at(plan, assumption.key) for plan in data]
    numbers = [value for value in values if is_number(value)]
    if not numbers:
        raise _error(source, assumption.key, "expected a key holding a number in the scenario")
    base = numbers[0]
    integer = isinstance(base, int)
    low, high = assumption.low, assumption.high
    if integer:
        low, high = float(round(low)), float(round(high))
        if not low < high:
            message = f"expected an integer range of at least two values, got {low:g} to {high:g}"
            raise _error(source, assumption.key, message)
    return Range(
        key=assumption.key,
        low=low,
        high=high,
        base=float(base),
        integer=integer,
        distribution=assumption.distribution,
        peak=assumption.mode,
        balance=assumption.balance,
        source=source,
    )


def _kept(given: Assumption, declared: Assumption) -> Assumption:
    """A ``--range`` over a declared key: the new range with the entry's distribution and
    balance (its triangular mode only when the new range holds it)."""
    inside = declared.mode is not None and given.low <= declared.mode <= given.high
    return Assumption(
        key=given.key,
        low=given.low,
        high=given.high,
        distribution=declared.distribution,
        mode=declared.mode if inside else None,
        balance=declared.balance,
    )


def _check_balances(ranges: Sequence[Range]) -> None:
    keys = {spread.key for spread in ranges}
    for spread in ranges:
        if spread.balance in keys:
            message = f"balance key {spread.balance} is itself varied; balance another key"
            raise _error(spread.source, spread.key, message)


def _parse(spec: str) -> Assumption:
    """``KEY=LOW:HIGH`` as an assumption drawn uniformly."""
    key, separator, values = spec.partition("=")
    key = key.strip()
    parts = values.split(":")
    if not separator or not key or len(parts) != 2:
        raise _error("--range", key, f"expected KEY=LOW:HIGH, got {spec!r}")
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        raise _error("--range", key, f"expected two numbers LOW:HIGH, got {spec!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise _error("--range", key, f"expected finite numbers, got {spec!r}")
    try:
        return Assumption(key=key, low=low, high=high)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise _error("--range", key, f"{message} in {spec!r}") from None


def _error(source: str, key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(source, key, message)])
