"""Service targets a staffing plan must meet in every interval, read from ``--target KPI=VALUE``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from klarsim.config import Problem, ScenarioError

TargetKpi = Literal["service_level", "abandonment_rate", "asa_min"]
KPIS: tuple[TargetKpi, ...] = ("service_level", "abandonment_rate", "asa_min")
OPTION = "--target"


@dataclass(frozen=True)
class Target:
    """One KPI bound: ``service_level`` at least ``value``; the other two at most ``value``."""

    kpi: TargetKpi
    value: float

    def met(self, achieved: float) -> bool:
        """Whether an achieved value satisfies the target (NaN: nobody offered, so it holds)."""
        if math.isnan(achieved):
            return True
        if self.kpi == "service_level":
            return achieved >= self.value
        return achieved <= self.value

    def __str__(self) -> str:
        return f"{self.kpi}={self.value:g}"


def parse_targets(texts: Iterable[str]) -> tuple[Target, ...]:
    """Read ``KPI=VALUE`` strings; at least one, each KPI at most once, values in range."""
    targets = [_parse(text) for text in texts]
    if not targets:
        raise _error("", "expected at least one target, e.g. --target service_level=0.8")
    seen: set[str] = set()
    for target in targets:
        if target.kpi in seen:
            raise _error(target.kpi, f"{target.kpi} is given twice; give each target once")
        seen.add(target.kpi)
    return tuple(targets)


def _parse(text: str) -> Target:
    kpi, separator, raw = text.partition("=")
    kpi = kpi.strip()
    if not separator:
        raise _error(kpi, f"expected KPI=VALUE, got {text!r}")
    if kpi not in KPIS:
        raise _error(kpi, f"unknown target {kpi!r}; expected one of: {', '.join(KPIS)}")
    try:
        value = float(raw)
    except ValueError:
        raise _error(kpi, f"expected a number after {kpi}=, got {raw!r}") from None
    _check_range(kpi, value)
    return Target(kpi, value)


def _check_range(kpi: str, value: float) -> None:
    if not math.isfinite(value):
        raise _error(kpi, f"expected a finite number, got {value!r}")
    if kpi == "service_level" and not 0 < value < 1:
        raise _error(kpi, f"a service level target must lie in (0, 1), got {value:g}")
    if kpi == "abandonment_rate" and not 0 < value < 1:
        raise _error(kpi, f"an abandonment target must lie in (0, 1), got {value:g}")
    if kpi == "asa_min" and not value > 0:
        raise _error(kpi, f"an ASA target must be a positive number of minutes, got {value:g}")


def _error(key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(OPTION, key, message)])
