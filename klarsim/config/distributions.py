"""Distribution specifications as they appear in a scenario (``{dist: gamma, mean: 5, cv: 0.8}``).

The specs only describe and validate; ``klarsim.model.sampling`` turns them into samplers.
The unit of every value is the unit carried by the YAML key that holds the spec.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from klarsim.config.types import NonNegativeFloat, PositiveFloat, Variation

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "NonNegativeFloat",
    "PositiveFloat",
    "Uniform",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def mean_value(self) -> float:
        """The distribution's mean, used for staffing guesses and documentation."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it


class Exponential(_Spec):
    """Memoryless times: the M in M/M/c+M."""

    dist: Literal["exponential"]
    mean: PositiveFloat

    @property
    def mean_value(self) -> float:
        return self.mean


class Lognormal(_Spec):
    """Right-skewed times given by their mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean: PositiveFloat
    cv: Variation

    @property
    def mean_value(self) -> float:
        return self.mean


class Gamma(_Spec):
    """Times given by their mean and coefficient of variation (cv = 1 is exponential)."""

    dist: Literal["gamma"]
    mean: PositiveFloat
    cv: Variation

    @property
    def mean_value(self) -> float:
        return self.mean


class Deterministic(_Spec):
    """A fixed value."""

    dist: Literal["deterministic"]
    value: NonNegativeFloat

    @property
    def mean_value(self) -> float:
        return self.value


class Uniform(_Spec):
    """Values spread evenly between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: NonNegativeFloat
    high: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self

    @property
    def mean_value(self) -> float:
        return (self.low + self.high) / 2


class Empirical(_Spec):
    """Values resampled with equal weight from a list of observations."""

    dist: Literal["empirical"]
    values: Annotated[list[NonNegativeFloat], Field(min_length=1)]

    @property
    def mean_value(self) -> float:
        return math.fsum(self.values) / len(self.values)


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
]
"""Any distribution spec, chosen by its ``dist`` key."""
