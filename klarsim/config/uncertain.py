"""The ``uncertain:`` section: assumption ranges a scenario carries with it.

Each entry names a dotted key of the scenario, a range and how values are drawn in it; the
section changes no simulated number. ``klarsim sensitivity`` ranks the entries by their effect
on a KPI and ``klarsim robustness`` samples them to test a verdict. ``balance`` names a key
that moves the other way by the same amount, so shares that must sum to one still do (a
higher false-resolution share taken from the resolved share).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from klarsim.config.types import Frozen, Real

DottedKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$", max_length=200),
]
"""A dotted scenario key, as ``--set`` takes it: ``customers.churn.threshold``."""
Distribution = Literal["uniform", "triangular", "normal"]
NORMAL_SPAN_SDS = 4.0
"""A ``normal`` range spans four standard deviations (two either side of its middle)."""


class Assumption(Frozen):
    """One uncertain value: its dotted key, its range, and how values in the range are drawn."""

    key: DottedKey
    """The scenario key, dotted as for ``--set``; it must hold a number."""
    low: Real
    high: Real
    distribution: Distribution = "uniform"
    """``uniform``; ``triangular`` peaking at ``mode``; ``normal`` centred in the range with a
    standard deviation of a quarter of it, cut at both ends."""
    mode: Real | None = None
    """The peak of a triangular distribution (default: the middle of the range)."""
    balance: DottedKey | None = None
    """A key lowered by as much as ``key`` is raised (and raised as much as it is lowered)."""

    @model_validator(mode="after")
    def _ordered(self) -> Assumption:
        if not self.low < self.high:
            raise ValueError(f"expected low < high, got low={self.low:g}, high={self.high:g}")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"expected mode within [low, high], got {self.mode:g}")
        if self.mode is not None and self.distribution != "triangular":
            raise ValueError("mode is for distribution: triangular only")
        if self.balance == self.key:
            raise ValueError("expected balance to name another key than key")
        return self

    @property
    def peak(self) -> float:
        """Where a triangular distribution peaks: ``mode``, or the middle of the range."""
        return self.mode if self.mode is not None else (self.low + self.high) / 2


Uncertain = Annotated[list[Assumption], Field(max_length=100)]
"""The ``uncertain:`` section: at most 100 assumptions."""


def uncertain_checks(
    data: Mapping[str, Any], assumptions: list[Assumption]
) -> Iterator[tuple[str, str]]:
    """Each entry's key (and balance key) names a number of the scenario, and each key once."""
    seen: set[str] = set()
    for index, assumption in enumerate(assumptions):
        for field, key in (("key", assumption.key), ("balance", assumption.balance)):
            if key is None:
                continue
            value = value_at(data, key)
            if not is_number(value):
                found = "no such key" if value is None else f"got {value!r}"
                yield f"uncertain.{index}.{field}", f"expected a key holding a number; {found}"
        if assumption.key in seen:
            yield f"uncertain.{index}.key", f"{assumption.key} is listed twice"
        seen.add(assumption.key)


def value_at(data: Any, key: str) -> Any:
    """The value at a dotted key of plain scenario data (list items by index), or None."""
    node = data
    for part in key.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def is_number(value: Any) -> bool:
    """An int or float, not a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool)
