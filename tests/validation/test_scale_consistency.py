"""A scaled centre calls its gig pool as the full one does: queue thresholds scale as the
square root of the scale (queue lengths do), not in proportion.

The centre: 200 Erlangs of chats on 190 always-on agents with patient-enough customers (a
square-root staffed regime, where queues are of the order of the square root of the load),
and a gig pool supplied only by call-ups when 30 contacts wait.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest

from klarsim.config.scale import scaled
from klarsim.config.workforce import GigPool
from klarsim.sim.replication import simulate
from tests.support.builders import centre, employees, gig, scenario
from tests.support.gaps import gap_in_standard_errors

pytestmark = [pytest.mark.validation, pytest.mark.slow]

SEEDS = (1, 2, 3, 4)
THRESHOLD = 30


def _centre(scale: float, threshold: int) -> dict[str, Any]:
    call_up = {"queue_threshold": threshold, "agents": 20, "no_show_probability": 0.2}
    data = centre(
        {"staff": employees(190), "crowd": gig(400, 0.0, call_up=call_up)},
        days=7,
        volume=57_600,  # 40 chats a minute of 5 minutes: 200 Erlangs at full scale
        patience_min=4.0,
    )
    data["experiment"]["scale"] = scale
    return data


def _gig_shares(scale: float, threshold: int) -> list[float]:
    shares = []
    for seed in SEEDS:
        data = _centre(scale, threshold)
        data["experiment"]["seed"] = seed
        shares.append(simulate(scenario(data), 0).summary["gig_share_of_human_work"])
    return shares


def test_the_call_up_threshold_scales_as_the_square_root() -> None:
    small = scaled(scenario(_centre(0.25, THRESHOLD))).pools["crowd"]
    assert isinstance(small, GigPool) and small.call_up is not None
    assert small.call_up.queue_threshold == 15  # 30 x sqrt(0.25)


def test_the_gig_share_agrees_between_a_quarter_and_the_full_centre() -> None:
    full = _gig_shares(1.0, THRESHOLD)
    quarter = _gig_shares(0.25, THRESHOLD)
    assert gap_in_standard_errors(full, quarter) < 3.0, (full, quarter)
    assert statistics.fmean(quarter) == pytest.approx(statistics.fmean(full), rel=0.25)
    # The proportional rule (a threshold of 30 x 0.25, written here as 15 x sqrt(0.25))
    # calls the gig pool far more often in the small centre.
    proportional = _gig_shares(0.25, round(THRESHOLD * math.sqrt(0.25)))
    assert statistics.fmean(proportional) > 1.4 * statistics.fmean(full), (full, proportional)


def main() -> None:
    """Print the gig shares the test compares (``python -m
    tests.validation.test_scale_consistency``): the figures quoted in docs/running.md."""
    quarter_proportional = round(THRESHOLD * math.sqrt(0.25))
    for label, scale, threshold in (
        ("full size", 1.0, THRESHOLD),
        ("a quarter, square-root rule", 0.25, THRESHOLD),
        ("a quarter, proportional thresholds", 0.25, quarter_proportional),
    ):
        print(f"{label:36} gig share {statistics.fmean(_gig_shares(scale, threshold)):.2%}")


if __name__ == "__main__":
    main()
