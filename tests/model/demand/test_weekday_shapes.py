"""A weekday's own hourly shape: its hours get its weights, the other days the common shape."""

from __future__ import annotations

import numpy as np
import pytest

import klarsim
from klarsim.config import ScenarioError
from klarsim.model.demand.arrivals import Arrivals
from klarsim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR
from tests.support import ROOT

pytestmark = pytest.mark.unit

HYBRID = ROOT / "scenarios" / "examples" / "hybrid.yaml"
DAYTIME = [0.0] * 8 + [1.0] * 10 + [0.0] * 6
"""Sunday open from 08:00 to 18:00 only."""


def arrivals(overrides: list[str], days: int = 14) -> Arrivals:
    scenario = klarsim.load_scenario(
        HYBRID, [*overrides, f"experiment.horizon_days={days}", "experiment.warmup_days=0"]
    )
    generator = np.random.default_rng(1)
    return Arrivals(scenario.demand, days * MINUTES_PER_DAY, generator, generator)


def test_the_weekday_gets_its_own_shape_and_keeps_its_volume() -> None:
    common = arrivals([])
    sunday = arrivals([f"demand.hourly_profile_by_weekday={{sun: {DAYTIME}}}"])
    for day in range(6):
        np.testing.assert_allclose(sunday.expected_per_hour(day), common.expected_per_hour(day))
    expected = sunday.expected_per_hour(6)
    assert expected[:8].sum() == 0 and expected[18:].sum() == 0
    np.testing.assert_allclose(expected.sum(), common.expected_per_hour(6).sum())
    np.testing.assert_allclose(expected[8:18], expected.sum() / 10)


def test_arrivals_on_that_weekday_follow_its_hours() -> None:
    sunday = arrivals([f"demand.hourly_profile_by_weekday={{sun: {DAYTIME}}}"])
    times = np.concatenate(list(sunday.days()))
    day, minute = np.divmod(times, MINUTES_PER_DAY)
    hour = minute // MINUTES_PER_HOUR
    on_sunday = day % 7 == 6
    assert on_sunday.any() and ((hour[on_sunday] >= 8) & (hour[on_sunday] < 18)).all()
    assert (hour[~on_sunday] < 8).any()  # the other days keep their night contacts


def test_an_all_zero_weekday_shape_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"hourly_profile_by_weekday\.sat"):
        arrivals([f"demand.hourly_profile_by_weekday={{sat: {[0.0] * 24}}}"])


def test_an_unknown_weekday_is_refused() -> None:
    with pytest.raises(ScenarioError, match="hourly_profile_by_weekday"):
        arrivals([f"demand.hourly_profile_by_weekday={{sunday: {DAYTIME}}}"])
