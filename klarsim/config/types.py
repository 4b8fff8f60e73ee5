"""Building blocks shared by every part of the scenario schema: names, and numbers with bounds.

Every number is finite, is not a boolean (``headcount: true`` is not 1) and has an upper bound
where a bigger one cannot be meant, so a typo or a hostile file is refused at load time with
its dotted key instead of exhausting memory or overflowing a sum during a run. The bounds are
listed, with their reasons, in docs/scenarios.md (Bounds).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

MAX_NAME_LENGTH = 64
"""Longest name: a scenario's name becomes part of output paths, which must stay valid."""
MAX_AMOUNT = 1e12
"""Any number without a tighter bound (money, durations in the key's unit): finite sums."""
MAX_DAYS = 3660.0
"""Ten years (with leap days): the longest horizon, and so the latest day of anything."""
MAX_PEOPLE = 1_000_000
"""Employees, gig agents, hires, layoffs: far above the largest contact centres."""
MAX_CONTACTS = 10_000_000
"""Contacts per day (before ``experiment.scale``), queue lengths, AI conversations at once."""
MAX_FACTOR = 1000.0
"""Multipliers of handle times and costs, shapes and slowdowns."""
MAX_RATE_PER_YEAR = 1000.0
"""Hazards per year (attrition, churn): 1000 is an expected stay of nine hours."""
MAX_CV = 100.0
"""Coefficients of variation."""
MAX_WEIGHT = 1e6
"""Relative profile weights: their sum stays far from overflowing."""

Name = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_\-]+$", min_length=1, max_length=MAX_NAME_LENGTH),
]
"""A name used as a mapping key: letters, digits, ``_`` and ``-`` (no dots, so dotted keys work),
1 to 64 characters."""

Channel = Literal["chat", "voice", "email"]


def _plain_number(value: Any) -> Any:
    """Refuse a boolean (YAML's ``true`` would otherwise be read as 1) and an infinite or NaN
    number, also when written as text (``--set KEY=inf``), before any bound is checked."""
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if not _finite(value):
        raise ValueError("expected a finite number")
    return value


def _finite(value: Any) -> bool:
    """False only for a float (or text read as one) that is infinite or NaN."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return True  # not a number at all: the type's own check reports it
    return not isinstance(value, float) or math.isfinite(value)


NOT_BOOLEAN = BeforeValidator(_plain_number)
"""Applied to every number of the schema (a boolean or a non-finite number is refused)."""

Probability = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=1, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
PositiveFloat = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Real = Annotated[float, NOT_BOOLEAN, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
"""Any finite number of moderate size (a ramp's value, a guardrail's threshold)."""
Days = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_DAYS, allow_inf_nan=False)]
PositiveDays = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_DAYS, allow_inf_nan=False)]
Factor = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_FACTOR, allow_inf_nan=False)]
NonNegativeFactor = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_FACTOR, allow_inf_nan=False)]
FactorAtLeastOne = Annotated[float, NOT_BOOLEAN, Field(ge=1, le=MAX_FACTOR, allow_inf_nan=False)]
RatePerYear = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_RATE_PER_YEAR, allow_inf_nan=False)]
Variation = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_CV, allow_inf_nan=False)]
NonNegativeVariation = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_CV, allow_inf_nan=False)]
Weight = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False)]
Agents = Annotated[float, NOT_BOOLEAN, Field(ge=0, le=MAX_PEOPLE, allow_inf_nan=False)]
"""Agents on duty (a roster's counts may be fractional)."""
People = Annotated[int, NOT_BOOLEAN, Field(ge=0, le=MAX_PEOPLE)]
PositivePeople = Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_PEOPLE)]
PositiveContacts = Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_CONTACTS)]


class Frozen(BaseModel):
    """Base of every scenario model: immutable and strict about keys. Each field's docstring
    is its description in the JSON Schema editors read (``klarsim schema`` reads them then:
    pydantic's ``use_attribute_docstrings`` would parse every model's source on every run)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
