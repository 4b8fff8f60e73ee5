"""``klarsim run``, ``compare`` and ``sweep`` write ``labour.csv`` with its columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.metrics.columns import LABOUR_COLUMNS
from klarsim.results.reader import read_folder
from tests.support import ERLANG_A, SCENARIOS
from tests.support.labour import labour_of, patch_engine

pytestmark = pytest.mark.cli

ERLANG_C = SCENARIOS / "validation" / "erlang_c.yaml"
QUICK = ["--days", "0.5", "--set", "experiment.warmup_days=0.125", "--quiet", "--workers", "1"]
SWEPT = "pools.staff.headcount"
COMMANDS = {
    "run": (["run", str(ERLANG_A), "--reps", "2"], []),
    "compare": (["compare", str(ERLANG_A), str(ERLANG_C), "--reps", "2"], []),
    "sweep": (
        ["sweep", str(ERLANG_A), "--grid", f"{SWEPT}=48,52", "--reps", "2"],
        ["point", SWEPT],
    ),
}
"""Each command and the columns its labour.csv has before the labour table's."""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_command_writes_labour_csv_with_its_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    patch_engine(monkeypatch)
    arguments, leading = COMMANDS[command]
    out = tmp_path / command
    result = CliRunner().invoke(app, [*arguments, *QUICK, "--out", str(out)])
    assert result.exit_code == 0, result.output
    labour = pd.read_csv(out / "labour.csv")
    assert list(labour.columns) == [*leading, *LABOUR_COLUMNS]
    runs = 2 if command == "run" else 4
    assert len(labour) == 2 * runs  # two pools per run
    first = labour_of(0)
    assert labour["pool"].tolist()[:2] == first["pool"]
    assert labour["people"].tolist()[:2] == first["people"]
    assert labour["earnings_week_cv_median"].isna().tolist()[:2] == [False, True]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_engines_labour_table_reaches_labour_csv(tmp_path: Path, command: str) -> None:
    """Unpatched: every run of the staff pool (48 employees, none hired or lost) is a row."""
    arguments, leading = COMMANDS[command]
    out = tmp_path / command
    result = CliRunner().invoke(app, [*arguments, *QUICK, "--out", str(out)])
    assert result.exit_code == 0, result.output
    labour = read_folder(out).labour
    assert list(labour.columns) == [*leading, *LABOUR_COLUMNS]
    runs = 2 if command == "run" else 4
    assert len(labour) == runs
    assert set(labour["pool"]) == {"staff"} and set(labour["kind"]) == {"employee"}
    expected = [48, 52] if command == "sweep" else [48]
    assert sorted(set(labour["people"])) == expected
    assert labour["replication"].tolist() == [0, 1] * (runs // 2)
