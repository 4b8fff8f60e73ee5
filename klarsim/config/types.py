"""Building blocks shared by every part of the scenario schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]+$", min_length=1)]
"""A name used as a mapping key: letters, digits, ``_`` and ``-`` (no dots, so dotted keys work)."""

Channel = Literal["chat", "voice", "email"]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class Frozen(BaseModel):
    """Base of every scenario model: immutable and strict about keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)
