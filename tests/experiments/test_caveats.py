"""Every experiment issues its scenarios' caveats as warnings and lists them in the manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import klarsim
from klarsim.config import Scenario, parse_scenario
from klarsim.config.horizon import ScenarioWarning
from tests.support.builders import centre, employees

pytestmark = pytest.mark.unit

SMALL = "at experiment.scale=0.1, pool 'staff' has about 8.0 agents on duty"


def small_centre(name: str = "small") -> Scenario:
    """100 employees always on duty less 20 % shrinkage, run at a tenth of the size: 8 agents."""
    data: dict[str, Any] = centre({"staff": employees(100, shrinkage=0.2)}, days=1, volume=500)
    data["name"] = name
    data["experiment"]["scale"] = 0.1
    return parse_scenario(data)


def manifest_warnings(folder: Path) -> list[str]:
    return list(json.loads((folder / "manifest.json").read_text())["warnings"])


def test_run_warns_and_records_the_scale_caveat(tmp_path: Path) -> None:
    with pytest.warns(ScenarioWarning, match=SMALL):
        klarsim.run(small_centre(), reps=1, out=tmp_path / "run")
    assert manifest_warnings(tmp_path / "run") == [
        f"small: {SMALL} at the median staffed hour (under 15): queueing results depend on "
        "scale, so waits, service level and abandonment are pessimistic for the full-size "
        "centre (volumes and costs extrapolate: *_full_scale columns)"
    ]


def test_a_run_without_caveats_records_an_empty_list(tmp_path: Path) -> None:
    klarsim.run(small_centre(), reps=1, overrides=["experiment.scale=1"], out=tmp_path / "run")
    assert manifest_warnings(tmp_path / "run") == []


def test_compare_records_each_scenarios_caveat(tmp_path: Path) -> None:
    with pytest.warns(ScenarioWarning):
        klarsim.compare([small_centre("a"), small_centre("b")], reps=1, out=tmp_path / "cmp")
    warnings = manifest_warnings(tmp_path / "cmp")
    assert [warning.partition(":")[0] for warning in warnings] == ["a", "b"]


def test_sweep_records_the_caveats_of_its_points(tmp_path: Path) -> None:
    """Only the point at a tenth of the size has few agents; the full-size point has none."""
    points = [{"experiment.scale": 0.1}, {"experiment.scale": 1.0}]
    with pytest.warns(ScenarioWarning):
        klarsim.sweep(small_centre(), points=points, reps=1, out=tmp_path / "sweep")
    warnings = manifest_warnings(tmp_path / "sweep")
    assert len(warnings) == 1 and SMALL in warnings[0]
