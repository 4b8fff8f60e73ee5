"""Shared steps of the sensitivity and robustness jobs: KPI names, validated variants."""

from __future__ import annotations

from collections.abc import Sequence

from klarsim.config import Problem, Scenario, ScenarioError, with_overrides
from klarsim.experiments.designs import Point
from klarsim.metrics.columns import HEADLINE_KPIS


def checked_kpis(
    kpis: Sequence[str], allowed: Sequence[str], option: str = "--kpi"
) -> tuple[str, ...]:
    """The KPIs asked for, each known and once; at least one."""
    if not kpis:
        raise ScenarioError([Problem(option, "", "expected at least one --kpi KPI")])
    for kpi in kpis:
        if kpi not in allowed:
            message = f"unknown KPI; expected one of: {', '.join(allowed)}"
            raise ScenarioError([Problem(option, kpi, message)])
    return tuple(dict.fromkeys(kpis))


def summary_kpis(kpis: Sequence[str]) -> tuple[str, ...]:
    """The KPIs a per-point summary keeps: the headline ones and those analysed."""
    return tuple(dict.fromkeys([*HEADLINE_KPIS, *kpis]))


def variant(base: Scenario, label: str, point: Point) -> Scenario:
    """``base`` with the point's values, validated; an error names the point and its values."""
    try:
        return with_overrides(base, point)
    except ScenarioError as error:
        values = ", ".join(f"{key}={value}" for key, value in point.items())
        problems = [
            Problem(f"{label} ({values})", problem.key, problem.message)
            for problem in error.problems
        ]
        raise ScenarioError(problems) from None
