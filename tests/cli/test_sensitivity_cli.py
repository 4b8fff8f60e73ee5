"""``klarsim sensitivity`` and ``robustness`` through typer's CliRunner: real short simulations,
their files and columns, the direction of the answer, resuming, and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.results import files
from klarsim.sensitivity.names import (
    MORRIS_COLUMNS,
    ROBUSTNESS,
    ROBUSTNESS_SUMMARY,
    SAMPLES,
    SENSITIVITY,
    SOBOL_COLUMNS,
    SUMMARY_COLUMNS,
)
from tests.support import ERLANG_A, EXAMPLES

pytestmark = pytest.mark.cli

QUICK = ["--days", "0.5", "--set", "experiment.warmup_days=0", "--reps", "1", "--workers", "1"]
QUICK += ["--set", "demand.contacts_per_day=3000", "--quiet"]
"""Half a day of a 10-Erlang centre."""
HEADCOUNT = "pools.staff.headcount=8:14"
IRRELEVANT = "experiment.service_level_target_s=10:60"
"""The service-level target changes no contact's journey, so not the abandonment rate."""
runner = CliRunner()


def invoke(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def sensitivity(out: Path, *extra: str) -> tuple[int, str, str]:
    return invoke(
        "sensitivity", str(ERLANG_A), "--range", HEADCOUNT, "--range", IRRELEVANT,
        "--kpi", "abandonment_rate", "--kpi", "service_level", *QUICK, "--out", str(out), *extra,
    )  # fmt: skip


@pytest.mark.slow
def test_morris_ranks_the_headcount_above_an_irrelevant_key(tmp_path: Path) -> None:
    out = tmp_path / "morris"
    code, stdout, stderr = sensitivity(out, "--samples", "3")
    assert code == 0, stdout + stderr
    indices = pd.read_csv(out / SENSITIVITY)
    assert tuple(indices.columns) == MORRIS_COLUMNS
    abandonment = indices[indices["kpi"] == "abandonment_rate"].set_index("parameter")
    assert abandonment.loc["pools.staff.headcount", "mu_star"] > 0.01
    assert abandonment.loc["experiment.service_level_target_s", "mu_star"] == 0
    service = indices[indices["kpi"] == "service_level"].set_index("parameter")
    assert service.loc["experiment.service_level_target_s", "mu_star"] > 0
    samples = pd.read_csv(out / SAMPLES)
    assert len(samples) == 3 * 3 + 2 * 2 + 1
    assert set(samples["role"]) == {"design", "base", "low", "high"}
    assert (samples["pools.staff.headcount"] == samples["pools.staff.headcount"].round()).all()
    low = samples[(samples["role"] == "low") & (samples["parameter"] == "pools.staff.headcount")]
    high = samples[(samples["role"] == "high") & (samples["parameter"] == "pools.staff.headcount")]
    assert float(low["abandonment_rate"].iloc[0]) > float(high["abandonment_rate"].iloc[0])
    names = {path.name for path in (out / files.PLOTS).iterdir()}
    assert {"sensitivity_morris.png", "sensitivity_tornado.svg"} <= names
    manifest = json.loads((out / files.MANIFEST).read_text())
    assert manifest["kind"] == "sensitivity" and manifest["status"] == "complete"
    assert "pools.staff.headcount" in stdout


@pytest.mark.slow
def test_sobol_writes_its_indices_and_a_resume_with_other_settings_is_refused(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sobol"
    code, stdout, stderr = sensitivity(out, "--method", "sobol", "--samples", "2")
    assert code == 0, stdout + stderr
    assert tuple(pd.read_csv(out / SENSITIVITY).columns) == SOBOL_COLUMNS
    assert (out / files.PLOTS / "sensitivity_sobol.png").is_file()
    code, _, _ = sensitivity(out, "--method", "sobol", "--samples", "2", "--resume")
    assert code == 0
    code, _, stderr = sensitivity(out, "--method", "sobol", "--samples", "4", "--resume")
    assert code == 2 and "resume" in stderr.lower()


def test_robustness_writes_one_row_per_sample_and_a_verdict_per_kpi(tmp_path: Path) -> None:
    out = tmp_path / "robustness"
    code, stdout, stderr = invoke(
        "robustness", str(EXAMPLES / "human_only.yaml"), str(EXAMPLES / "hybrid.yaml"),
        "--range", "demand.contacts_per_day=3000:5000", "--kpi", "cost_total",
        "--kpi", "csat_mean", "--samples", "4", *QUICK, "--out", str(out),
    )  # fmt: skip
    assert code == 0, stdout + stderr
    samples = pd.read_csv(out / ROBUSTNESS)
    assert len(samples) == 4
    assert {"sample", "demand.contacts_per_day", "cost_total_baseline"} <= set(samples.columns)
    paired = samples["cost_total_alternative"] - samples["cost_total_baseline"]
    assert paired.to_numpy() == pytest.approx(samples["cost_total_difference"].to_numpy())
    summary = pd.read_csv(out / ROBUSTNESS_SUMMARY)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert list(summary["better"]) == ["lower", "higher"]
    assert summary["probability_alternative_better"].between(0, 1).all()
    cost = summary.set_index("kpi").loc["cost_total"]
    assert cost["probability_alternative_better"] == 1.0  # a smaller paid roster, a cheap AI
    assert cost["median_difference"] < 0 and cost["ci_low"] > 0.4
    assert (out / files.PLOTS / "robustness_histogram.png").is_file()
    assert (out / files.SCENARIOS / "human-only.yaml").is_file()
    assert "P(alternative better)" in stdout


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--kpi", "nonsense", "--range", HEADCOUNT], "--kpi: nonsense: unknown KPI"),
        (["--kpi", "abandonment_rate"], "expected at least one --range"),
        (["--kpi", "abandonment_rate", "--method", "sobl"], "--method"),
        (["--kpi", "abandonment_rate", "--range", "pools.staff.headcount=60:40"], "low < high"),
        (
            ["--kpi", "abandonment_rate", "--range", "pools.staff.headcount=-5:60"],
            "sensitivity point",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    out = tmp_path / "bad"
    code, _, stderr = invoke("sensitivity", str(ERLANG_A), *arguments, *QUICK, "--out", str(out))
    assert code == 2 and expected in stderr
    assert "Traceback" not in stderr and not out.exists()


def test_robustness_refuses_a_kpi_without_a_direction(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    code, _, stderr = invoke(
        "robustness", str(EXAMPLES / "human_only.yaml"), str(EXAMPLES / "hybrid.yaml"),
        "--range", "demand.contacts_per_day=3000:5000", "--kpi", "occupancy", *QUICK,
        "--out", str(out),
    )  # fmt: skip
    assert code == 2 and "--kpi: occupancy: unknown KPI" in stderr and not out.exists()


@pytest.mark.parametrize("command", ["sensitivity", "robustness"])
def test_help_ends_with_an_example(command: str) -> None:
    code, stdout, _ = invoke(command, "--help")
    assert code == 0 and f"Example: klarsim {command}" in " ".join(stdout.split())
