"""targets.py: the commands it times, its sizes, and a smoke run of the whole benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import stored
import targets
from verdicts import judge

from tests.support import ROOT

pytestmark = pytest.mark.unit


def test_klarsim_is_timed_as_the_real_command_on_one_worker_without_warm_up() -> None:
    arguments = targets.run_arguments(
        targets.HYBRID, Path("out"), 78.0, ["customers.population=1000000"]
    )
    assert arguments[:2] == ["run", str(targets.HYBRID)]
    after = {word: arguments[index + 1] for index, word in enumerate(arguments[:-1])}
    assert (after["--reps"], after["--workers"], after["--days"]) == ("1", "1", "78.0")
    assert after["--out"] == "out"
    assert "--quiet" in arguments
    settings = [arguments[i + 1] for i, word in enumerate(arguments) if word == "--set"]
    assert settings == ["experiment.warmup_days=0", "customers.population=1000000"]


def test_a_dated_scenario_keeps_its_own_horizon_without_days() -> None:
    assert "--days" not in targets.run_arguments(targets.WORKFORCE, Path("out"), None, [])


def test_the_plain_run_is_a_million_contacts_of_whole_days() -> None:
    plan = targets.plan_for(quick=False, contacts=1_000_000, rounds=3)
    assert plan.days == 78  # 12,960 a day: 77.2 days round up
    assert plan.days * 12_960 >= 1_000_000
    assert (plan.klarna_days, plan.klarna_scale) == (365.0, 1.0)


@pytest.mark.cli
@pytest.mark.slow
def test_a_quick_run_measures_every_target_and_stores_what_the_page_reads(
    tmp_path: Path,
) -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "targets.py"), "--quick", "--klarna"]
    done = subprocess.run(
        [*command, "--results", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "QUICK RUN" in done.stdout
    assert "Warm-up: one small run, untimed" in done.stdout
    for name in ("plain M/M/c+M vs SimPy", "fixed cost of a small run", "Klarna hybrid year"):
        assert name in done.stdout
    (measured,) = stored.load_all(tmp_path)
    assert set(measured.rounds) == {"plain", "idiomatic", "hybrid", "workforce", "fixed"}
    assert measured.klarna is not None
    assert measured.breakdown["imports"] > 0
    verdicts = judge(measured)
    measured_targets = [verdict for verdict in verdicts if verdict.met is not None]
    assert len(measured_targets) >= 6  # all but many_runs.py's when it is not there
    for verdict in measured_targets:
        assert verdict.line() in done.stdout
