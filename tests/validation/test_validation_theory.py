"""Statistical validation: the engine configured as M/M/N (Erlang C) and M/M/N+M (Erlang A).

For each parameter set, independent replications give a Student-t interval per KPI, and the
exact analytic value must fall inside it. The intervals are simultaneous at 95 %: with K
checks in this module, each uses confidence 1 - 0.05 / K (Bonferroni), so a correct engine
fails the module by chance less than 5 % of the time. Seeds are fixed, so results are
reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from klarsim import simulate
from klarsim.config import Scenario, parse_scenario
from klarsim.metrics import analytic
from klarsim.metrics.confidence import t_interval

pytestmark = [pytest.mark.validation, pytest.mark.slow]
MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Case:
    """A queue to simulate and check against theory."""

    label: str
    rate_per_min: float
    aht_min: float
    agents: int
    patience_min: float | None
    days: float
    replications: int = 8


CASES = [
    Case("erlang C, the validation file", 9.0, 5.0, 48, None, 6.0),
    Case("erlang C, heavy load (rho 0.96)", 19.2, 1.0, 20, None, 4.0),
    Case("erlang A, the validation file", 9.0, 5.0, 48, 3.0, 6.0),
    Case("erlang A, Mandelbaum-Zeltyn", 48.0, 1.0, 50, 2.0, 2.0),
    Case("erlang A, overloaded (occupancy > 0.95)", 52.0, 1.0, 50, 2.0, 2.0),
]
CHECKED = ("p_wait", "p_abandon", "asa_min", "service_level", "occupancy")
CHECKS = sum(len(CHECKED) - (case.patience_min is None) for case in CASES)
CONFIDENCE = 1 - 0.05 / CHECKS
SUMMARY_COLUMN = {"p_abandon": "abandonment_rate"}


def scenario_for(case: Case) -> Scenario:
    """A one-intent, one-pool scenario that is exactly the case's queue."""
    data: dict[str, Any] = {
        "name": "theory",
        "experiment": {
            "horizon_days": case.days + 0.5,
            "warmup_days": 0.5,
            "seed": 11,
            "interval_min": 60,
            "service_level_target_s": 20,
        },
        "demand": {
            "contacts_per_day": case.rate_per_min * MINUTES_PER_DAY,
            "intents": {
                "only": {
                    "share": 1.0,
                    "handle_time_min": {"dist": "exponential", "mean": case.aht_min},
                }
            },
        },
        "pools": {"agents": {"headcount": case.agents, "skills": ["only"]}},
    }
    if case.patience_min is not None:
        data["customers"] = {
            "patience_min": {"chat": {"dist": "exponential", "mean": case.patience_min}}
        }
    return parse_scenario(data)


@pytest.fixture(scope="module", params=CASES, ids=lambda case: case.label)
def simulated(request: pytest.FixtureRequest) -> tuple[Case, list[dict[str, Any]]]:
    case: Case = request.param
    scenario = scenario_for(case)
    rows = [simulate(scenario, replication).summary for replication in range(case.replications)]
    return case, rows


def test_engine_matches_theory_within_simultaneous_95_percent_intervals(
    simulated: tuple[Case, list[dict[str, Any]]],
) -> None:
    case, rows = simulated
    theory = analytic.queue_figures(
        rate_per_min=case.rate_per_min,
        aht_min=case.aht_min,
        agents=case.agents,
        patience_min=case.patience_min,
        target_s=20,
    )
    misses = []
    for kpi in CHECKED:
        if kpi == "p_abandon" and case.patience_min is None:
            assert all(row["abandoned"] == 0 for row in rows)
            continue
        column = SUMMARY_COLUMN.get(kpi, kpi)
        interval = t_interval([row[column] for row in rows], CONFIDENCE)
        expected = getattr(theory, kpi)
        if not interval.low <= expected <= interval.high:
            misses.append(
                f"{kpi}: theory {expected:.5g} outside [{interval.low:.5g}, {interval.high:.5g}]"
            )
    assert not misses, f"{case.label}: " + "; ".join(misses)


def test_heavy_cases_really_are_heavy(simulated: tuple[Case, list[dict[str, Any]]]) -> None:
    case, rows = simulated
    occupancy = float(np.mean([row["occupancy"] for row in rows]))
    if "heavy" in case.label or "overloaded" in case.label:
        assert occupancy > 0.95


def test_littles_law_holds_for_the_queue(simulated: tuple[Case, list[dict[str, Any]]]) -> None:
    """Time-average queue length = rate of leaving the queue x mean time spent in it."""
    case, rows = simulated
    duration_min = case.days * MINUTES_PER_DAY
    for row in rows:
        left_queue_per_min = (row["answered"] + row["abandoned"]) / duration_min
        little = left_queue_per_min * row["wait_mean_min"]
        assert row["queue_length_mean"] == pytest.approx(little, rel=0.02, abs=1e-3)


def test_littles_law_holds_for_service(simulated: tuple[Case, list[dict[str, Any]]]) -> None:
    """Mean busy agents = throughput x mean handle time (so occupancy x N = lambda_served x AHT)."""
    case, rows = simulated
    duration_min = case.days * MINUTES_PER_DAY
    for row in rows:
        busy_agents = row["occupancy"] * case.agents
        served_rate = row["completed"] / duration_min
        assert busy_agents == pytest.approx(served_rate * row["aht_min"], rel=0.01)
