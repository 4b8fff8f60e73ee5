"""A pool that becomes thin on duty during a scaled-down run is named after the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import klarsim
from klarsim.config import Scenario, parse_scenario
from klarsim.config.horizon import ScenarioWarning
from klarsim.experiments.thin_staffing import ThinWindow, first_thin_window
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit


def test_the_first_window_with_a_thin_median_is_found() -> None:
    days = [index / 24 for index in range(24 * 90)]  # hourly for 90 days
    staffed = [20.0 if day < 40 else 9.0 for day in days]
    assert first_thin_window(days, staffed) == ThinWindow(30.0, 9.0)


def test_unstaffed_intervals_do_not_count_and_a_steady_pool_is_not_thin() -> None:
    days = [index / 24 for index in range(24 * 60)]
    nights_off = [0.0 if index % 24 < 12 else 16.0 for index in range(len(days))]
    assert first_thin_window(days, nights_off) is None
    assert first_thin_window([], []) is None


def shrinking_centre(scale: float) -> Scenario:
    """300 employees less 20 % shrinkage (24 on duty at a tenth), 200 laid off on day 35."""
    data: dict[str, Any] = centre({"staff": employees(300, shrinkage=0.2)}, days=70, volume=300)
    data["name"] = "shrinking"
    data["experiment"]["scale"] = scale
    data["timeline"] = [{"day": 35, "action": "layoff", "pool": "staff", "count": 200}]
    return parse_scenario(data)


def test_a_run_names_the_pool_that_became_thin(tmp_path: Path) -> None:
    with pytest.warns(ScenarioWarning, match="falls to a median of 8.0 agents on duty from day 30"):
        klarsim.run(shrinking_centre(0.1), reps=2, out=tmp_path / "run")
    warnings = json.loads((tmp_path / "run" / "manifest.json").read_text())["warnings"]
    assert warnings == [
        "shrinking: at experiment.scale=0.1, pool 'staff' falls to a median of 8.0 agents on "
        "duty from day 30 (under 15): from then on its waits, service level and abandonment "
        "are pessimistic for the full-size centre"
    ]


def test_at_full_scale_nothing_is_said(tmp_path: Path) -> None:
    klarsim.run(shrinking_centre(1.0), reps=1, out=tmp_path / "run")
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["warnings"] == []
