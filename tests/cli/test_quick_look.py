"""Quick looks and caveats on the command line: ``--days`` shorter than the timeline, scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from klarsim.cli import app
from tests.support.builders import centre, employees

pytestmark = pytest.mark.cli

runner = CliRunner()
QUIET = ["--reps", "1", "--workers", "1", "--quiet"]


def dated_file(folder: Path, horizon_days: float = 60) -> Path:
    """A scenario file with a hire on day 1 and a layoff on day 40."""
    data = centre(
        {"staff": employees(20)},
        days=horizon_days,
        volume=200,
        timeline=[
            {"day": 1, "action": "hire", "pool": "staff", "count": 2},
            {"day": 40, "action": "layoff", "pool": "staff", "count": 5},
        ],
    )
    path = folder / "dated.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_days_shorter_than_the_timeline_drops_what_is_past_it(tmp_path: Path) -> None:
    out = tmp_path / "quick"
    result = runner.invoke(
        app, ["run", str(dated_file(tmp_path)), "--days", "3", "--out", str(out), *QUIET]
    )
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr
    assert "experiment.horizon_days=3 (given as an override)" in result.stderr
    assert "timeline.1 (layoff in staff on day 40)" in result.stderr
    assert (out / "summary.csv").is_file()
    written = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))
    assert [action["action"] for action in written["timeline"]] == ["hire"]


def test_a_file_whose_horizon_misses_its_timeline_still_exits_2(tmp_path: Path) -> None:
    path = dated_file(tmp_path, horizon_days=30)
    out = tmp_path / "refused"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), *QUIET])
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and "timeline.1.day" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_small_scale_prints_and_records_its_caveat(tmp_path: Path) -> None:
    out = tmp_path / "small"
    arguments = ["run", str(dated_file(tmp_path)), "--days", "1", "--out", str(out), *QUIET]
    result = runner.invoke(app, [*arguments, "--set", "experiment.scale=0.5"])
    assert result.exit_code == 0, result.stderr
    caveat = "at experiment.scale=0.5, pool 'staff' has about 10.0 agents on duty"
    assert caveat in result.stderr
    warnings = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) == 1 and caveat in warnings[0]


@pytest.mark.slow
def test_demo_prints_and_records_the_scale_caveat_of_each_scenario(tmp_path: Path) -> None:
    """The four Klarna scenarios at 1 % for 35 days: about 4 agents on duty in each."""
    out = tmp_path / "demo"
    overrides = ["--set", "experiment.scale=0.01", "--set", "experiment.horizon_days=35"]
    result = runner.invoke(app, ["demo", "--out", str(out), *QUIET, *overrides])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("at experiment.scale=0.01, pool 'agents' has about 4.0") == 4
    warnings = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) == 4
