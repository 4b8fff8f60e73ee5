"""``klarsim fit`` and ``klarsim backtest`` through typer's CliRunner: the folders they write,
a fitted scenario that ``klarsim run`` accepts, and bad input (exit 2, the file and row
named, nothing written under --out)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from tests.fitting.synthetic import Truth, synthetic_export

pytestmark = pytest.mark.cli
runner = CliRunner()
TRUTH = Truth(contacts_per_day=300.0)


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    table = synthetic_export(TRUTH, 14, seed=2)
    table.rename(columns={"offered": "Offered", "aht_s": "AHT"}).to_csv(path, index=False)
    return path


MAPPED = ["--column", "offered=Offered", "--column", "aht_s=AHT", "--resamples", "20"]


@pytest.mark.slow
def test_fit_writes_a_scenario_that_runs(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted"
    code, stdout, stderr = invoke("fit", str(export), "--out", str(out), *MAPPED)
    assert code == 0, stdout + stderr
    assert "demand.contacts_per_day" in stdout
    names = {path.name for path in out.iterdir()}
    assert names == {"scenario.yaml", "fit.csv", "fit_daily.csv", "fit_profiles.csv", "plots"}
    assert {path.name for path in (out / "plots").iterdir()} == {
        "fit_profiles.png",
        "fit_daily.png",
    }
    table = pd.read_csv(out / "fit.csv")
    assert list(table.columns) == ["parameter", "estimate", "ci_low", "ci_high", "method"]
    run_out = tmp_path / "run"
    code, stdout, stderr = invoke(
        "run", str(out / "scenario.yaml"), "--days", "1", "--reps", "1", "--workers", "1",
        "--quiet", "--out", str(run_out),
    )  # fmt: skip
    assert code == 0, stdout + stderr


def test_backtest_writes_bands_and_summary(export: Path, tmp_path: Path) -> None:
    fitted = tmp_path / "fitted"
    assert invoke("fit", str(export), "--out", str(fitted), *MAPPED)[0] == 0
    out = tmp_path / "backtest"
    code, stdout, stderr = invoke(
        "backtest", str(fitted / "scenario.yaml"), str(export), "--column", "offered=Offered",
        "--column", "aht_s=AHT", "--reps", "2", "--workers", "1", "--out", str(out),
    )  # fmt: skip
    assert code == 0, stdout + stderr
    assert "offered_inside_band" in stdout
    intervals = pd.read_csv(out / "backtest.csv")
    assert len(intervals) == 14 * 24
    for measure in ("offered", "abandoned", "asa_s"):
        assert {f"{measure}_actual", f"{measure}_sim", f"{measure}_sim_low"} <= set(intervals)
    summary = pd.read_csv(out / "backtest_summary.csv").set_index("measure")["value"]
    assert summary["intervals"] == 14 * 24
    assert (out / "plots" / "backtest.png").is_file()


def nothing_written(out: Path) -> bool:
    return not out.exists() and not any(path.name.startswith(".") for path in out.parent.iterdir())


def test_bad_csv_input_exits_2_naming_the_file_and_row(export: Path, tmp_path: Path) -> None:
    table = pd.read_csv(export)
    table.loc[4, "abandoned"] = table.loc[4, "Offered"] + 1
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    out = tmp_path / "out"
    code, _, stderr = invoke("fit", str(bad), "--out", str(out), *MAPPED)
    assert code == 2
    assert str(bad) in stderr and "row 6" in stderr and "at most offered" in stderr
    assert "Traceback" not in stderr and nothing_written(out)


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ([], "column 'offered'"),
        (["--column", "offered=Offered", "--column", "aht=AHT"], "CANONICAL=HEADER"),
        ([*MAPPED, "--channel", "fax"], "--channel"),
        ([*MAPPED, "--queue-column", "Skill"], "--queue-column"),
    ],
)
def test_bad_options_exit_2(
    export: Path, tmp_path: Path, arguments: list[str], fragment: str
) -> None:
    out = tmp_path / "out"
    code, _, stderr = invoke("fit", str(export), "--out", str(out), *arguments)
    assert code == 2 and fragment in stderr, stderr
    assert nothing_written(out)


def test_an_existing_folder_needs_force_and_must_be_a_fit(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = invoke("fit", str(export), "--out", str(out), *MAPPED)
    assert code == 2 and "--force" in stderr
    code, _, stderr = invoke("fit", str(export), "--out", str(out), *MAPPED, "--force")
    assert code == 2 and "only a folder this command wrote" in stderr
    (out / "fit.csv").write_text("old")
    code, stdout, stderr = invoke("fit", str(export), "--out", str(out), *MAPPED, "--force")
    assert code == 0, stdout + stderr
    assert (out / "fit.csv").read_text() != "old"


def test_backtest_of_a_bad_scenario_or_export_exits_2(export: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("name: x\ndemand: 3\n")
    out = tmp_path / "out"
    code, _, stderr = invoke("backtest", str(scenario), str(export), "--out", str(out))
    assert code == 2 and "broken.yaml" in stderr and nothing_written(out)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, stderr = invoke("backtest", str(scenario), str(empty), "--out", str(out))
    assert code == 2 and nothing_written(out)


@pytest.mark.parametrize("command", ["fit", "backtest"])
def test_help_ends_with_an_example(command: str) -> None:
    code, stdout, _ = invoke(command, "--help")
    assert code == 0 and f"Example: klarsim {command}" in stdout
