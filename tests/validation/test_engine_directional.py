"""Directional checks: changing one input moves the outputs the way queueing says it must."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import klarsim
from klarsim import simulate
from klarsim.metrics.confidence import t_interval
from tests.support import ROOT

pytestmark = pytest.mark.directional

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 3, "experiment.warmup_days": 0.5}


def rows(changes: dict[str, Any], replications: int = 5) -> list[dict[str, Any]]:
    scenario = klarsim.load_scenario(ERLANG_A, {**SHORT, **changes})
    return [simulate(scenario, replication).summary for replication in range(replications)]


def test_more_agents_never_raise_the_mean_wait() -> None:
    runs = {n: rows({"pools.staff.headcount": n}) for n in (46, 48, 50, 52)}
    for fewer, more in zip((46, 48, 50), (48, 50, 52), strict=True):
        for low, high in zip(runs[fewer], runs[more], strict=True):
            # Same seed, same contacts: each replication improves on its own.
            assert high["wait_mean_min"] <= low["wait_mean_min"]
            assert high["abandonment_rate"] <= low["abandonment_rate"]
        differences = [
            h["wait_mean_min"] - lo["wait_mean_min"]
            for h, lo in zip(runs[more], runs[fewer], strict=True)
        ]
        assert t_interval(differences).high < 0


def test_longer_handle_times_and_more_demand_raise_waits() -> None:
    base = rows({})
    slower = rows({"demand.intents.general.handle_time_min.mean": 5.3})
    busier = rows({"demand.contacts_per_day": 13600})
    for changed in (slower, busier):
        differences = [
            c["wait_mean_min"] - b["wait_mean_min"] for c, b in zip(changed, base, strict=True)
        ]
        assert t_interval(differences).low > 0
        assert np.mean([c["occupancy"] for c in changed]) > np.mean([b["occupancy"] for b in base])


def test_more_patience_means_fewer_abandonments_and_longer_waits() -> None:
    impatient = rows({"customers.patience_min.chat.mean": 1.0})
    patient = rows({"customers.patience_min.chat.mean": 10.0})
    for short, long in zip(impatient, patient, strict=True):
        assert long["abandonment_rate"] < short["abandonment_rate"]
        assert long["asa_min"] > short["asa_min"]
