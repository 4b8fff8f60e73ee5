"""Replications, executors, confidence intervals and the results folder."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import klarsim
from klarsim.experiments.executors import ExecutorOptions, execute
from klarsim.experiments.job import OutputOptions
from klarsim.experiments.tasks import Task, run_task
from klarsim.metrics.confidence import t_interval
from klarsim.metrics.tables import kpi_table
from klarsim.results.writer import OutputError
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}


@pytest.fixture(scope="module")
def short_scenario() -> klarsim.Scenario:
    return klarsim.load_scenario(ERLANG_A, SHORT)


def test_t_interval_matches_a_known_case() -> None:
    # Five values with mean 3 and sample sd sqrt(2.5); t(0.975, 4) = 2.776445.
    interval = t_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    half_width = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    assert interval.mean == 3.0
    assert interval.half_width == pytest.approx(half_width, rel=1e-12)
    assert (interval.low, interval.high) == pytest.approx((3 - half_width, 3 + half_width))
    assert interval.replications == 5


def test_t_interval_edge_cases() -> None:
    assert math.isnan(t_interval([]).mean)
    single = t_interval([2.0])
    assert single.mean == 2.0 and math.isnan(single.half_width)
    assert t_interval([1.0, math.nan, 3.0]).replications == 2


@pytest.mark.validation
def test_t_interval_covers_the_true_mean_95_percent_of_the_time() -> None:
    generator = np.random.default_rng(3)
    samples = generator.normal(2.0, 3.0, size=(4000, 10))
    intervals = [t_interval(sample) for sample in samples]
    covered = [interval.low <= 2.0 <= interval.high for interval in intervals]
    # Exact for normal data; the binomial sd of the rate is 0.0034, so allow 3 sd either way.
    assert 0.9397 < np.mean(covered) < 0.9603


def test_kpi_table_uses_t_intervals() -> None:
    summary = pd.DataFrame({"scenario": ["a"] * 4, "asa_min": [1.0, 2.0, 2.0, 3.0]})
    [row] = kpi_table(summary, kpis=["asa_min"]).to_dict("records")
    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 2, 3], ddof=1) / 2
    assert row["mean"] == 2.0
    assert row["half_width"] == pytest.approx(half)


def test_tasks_pickle_and_run_the_same_anywhere(short_scenario: klarsim.Scenario) -> None:
    task = Task(short_scenario, replication=1, seed=9)
    assert pickle.loads(pickle.dumps(task)) == task
    assert repr(run_task(task).summary) == repr(klarsim.simulate(short_scenario, 1, 9).summary)


def test_serial_and_process_pool_give_identical_rows(short_scenario: klarsim.Scenario) -> None:
    tasks = [Task(short_scenario, replication, 4) for replication in range(3)]
    serial = execute(tasks, ExecutorOptions(workers=1))
    parallel = execute(tasks, ExecutorOptions(workers=2))
    # repr: NaN == NaN only by identity, which pickling between processes does not keep.
    assert [repr(result.summary) for result in serial] == [repr(r.summary) for r in parallel]
    assert [repr(result.timeseries) for result in serial] == [repr(r.timeseries) for r in parallel]


def test_progress_is_reported(short_scenario: klarsim.Scenario) -> None:
    seen: list[tuple[int, int]] = []
    execute(
        [Task(short_scenario, r, 1) for r in range(2)],
        ExecutorOptions(progress=lambda *p: seen.append(p)),
    )
    assert seen == [(1, 2), (2, 2)]


def test_run_returns_tables_and_writes_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = klarsim.run(ERLANG_A, reps=2, overrides=SHORT, out=out, record_contacts=True)
    assert list(result.summary["replication"]) == [0, 1]
    assert set(result.kpis["kpi"]) >= {"asa_min", "p_wait", "occupancy"}
    assert result.contacts is not None
    assert len(result.contacts) == result.summary["contacts"].sum()
    written = pd.read_csv(out / "summary.csv")
    assert written["contacts"].tolist() == result.summary["contacts"].tolist()


def test_a_failing_run_keeps_the_finished_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klarsim.experiments import tasks as experiment

    real = experiment.run_task

    def broken(task: Task) -> klarsim.ReplicationResult:
        if task.replication == 1:
            raise RuntimeError("model failure")
        return real(task)

    monkeypatch.setattr(experiment, "run_task", broken)
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        klarsim.run(ERLANG_A, reps=2, overrides=SHORT, out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "model failure" in manifest["error"]
    assert [p.name for p in (out / "runs" / "erlang-a-check").iterdir()] == ["rep-0000.zip"]
    assert not (out / "summary.csv").exists()


def test_an_existing_folder_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=out)
    (out / "a.txt").write_text("first")
    with pytest.raises(OutputError, match="already exists"):
        klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=out)
    assert (out / "a.txt").read_text() == "first"
    klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=OutputOptions(out, force=True))
    assert not (out / "a.txt").exists() and (out / "summary.csv").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_force_refuses_a_folder_that_klarsim_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("first")
    with pytest.raises(OutputError, match="not a klarsim results folder"):
        klarsim.run(ERLANG_A, reps=1, overrides=SHORT, out=OutputOptions(out, force=True))
    assert [path.name for path in out.iterdir()] == ["a.txt"]


def test_precision_adds_replications_until_the_half_width_is_reached() -> None:
    from klarsim.experiments.run import Precision

    loose = Precision("asa_min", half_width=0.02, max_reps=40)
    result = klarsim.run(ERLANG_A, reps=3, precision=loose, overrides=SHORT)
    count = len(result.summary)
    asa = result.kpis.set_index("kpi").loc["asa_min"]
    assert 3 < count < 40
    assert asa["half_width"] <= 0.02
    fewer = t_interval(result.summary["asa_min"].to_numpy()[: count - 2])
    assert fewer.half_width > 0.02, "one batch fewer would not have been enough"
    strict = Precision("asa_min", half_width=1e-9, max_reps=7)
    assert len(klarsim.run(ERLANG_A, reps=3, precision=strict, overrides=SHORT).summary) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [("nope=1", "unknown KPI"), ("asa_min=0", "positive"), ("asa_min", "positive")],
)
def test_precision_specs_are_checked(text: str, expected: str) -> None:
    from klarsim.config import ScenarioError
    from klarsim.experiments.run import Precision

    with pytest.raises(ScenarioError, match=expected):
        Precision.parse(text)


def test_failed_runs_are_reported_and_the_others_go_on(
    short_scenario: klarsim.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klarsim.experiments import tasks as experiment
    from klarsim.experiments.tasks import Failure

    real = experiment.run_task

    def flaky(task: Task) -> klarsim.ReplicationResult:
        if task.replication == 1:
            raise RuntimeError("model failure")
        return real(task)

    monkeypatch.setattr(experiment, "run_task", flaky)
    tasks = [Task(short_scenario, replication, 2) for replication in range(3)]
    failures: list[Failure] = []
    results = execute(tasks, ExecutorOptions(on_failure=failures.append))
    assert [result.replication for result in results] == [0, 2]
    assert failures == [Failure("erlang-a-check", 1, "RuntimeError('model failure')")]
    with pytest.raises(RuntimeError, match="model failure"):
        execute(tasks)
