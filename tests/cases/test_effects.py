"""The Klarna effects separated: the chain of scenarios, the attribution, the yearly savings."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cases.klarna import demo
from klarsim.cases.klarna.check import LEAP, savings_by_year
from klarsim.cases.klarna.effects import (
    AI_ONLY,
    CUTS_ALONE,
    FREEZE_ALONE,
    Contrast,
    EffectsResult,
    attribute_effects,
    chain_contrasts,
    effect_scenarios,
    klarna_contrasts,
    klarna_effects,
)
from klarsim.cases.klarna.scenarios import klarna_scenarios
from klarsim.cli import app
from klarsim.config.loader import scenario_data

pytestmark = pytest.mark.unit

T_975_2 = 4.302652729911275
"""Student t quantile 0.975 with 2 degrees of freedom."""


def _loaded() -> list[klarsim.Scenario]:
    return [klarsim.load_scenario(path) for path in klarna_scenarios()[:3]]


def test_the_chain_rebuilds_the_leap_and_the_hybrid_from_the_baseline() -> None:
    baseline, leap, hybrid = _loaded()
    chain = {scenario.name: scenario for scenario in effect_scenarios(baseline, leap, hybrid)}
    assert len(chain) == 9
    assert scenario_data(chain[leap.name]) == scenario_data(leap)
    assert scenario_data(chain[hybrid.name]) == scenario_data(hybrid)
    launch = chain["effects-ai-launch"]
    assert launch.ai is not None and launch.ai.human_on_request
    assert launch.ai.handoff.with_context
    assert [entry.action for entry in launch.timeline] == ["ramp"]
    ai_only = chain[AI_ONLY]
    assert ai_only.ai is not None and not ai_only.ai.human_on_request
    assert not ai_only.ai.handoff.with_context
    assert [entry.action for entry in chain[FREEZE_ALONE].timeline] == ["freeze"]
    assert [entry.action for entry in chain[CUTS_ALONE].timeline] == ["freeze", "layoff"]
    assert chain[CUTS_ALONE].ai is None


def _summary(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"scenario": name, "replication": replication, "csat_mean": value}
        for name, series in values.items()
        for replication, value in enumerate(series)
    ]
    return pd.DataFrame(rows)


def _difference(change: str, start: str, end: str) -> Contrast:
    return Contrast(change, "step", ((end, 1.0), (start, -1.0)), start, end)


def test_paired_effects_have_the_known_means_and_intervals_and_sum_to_the_total() -> None:
    summary = _summary(
        {"a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 6.0], "c": [2.1, 3.8, 6.1], "d": [5.0, 5.0, 5.0]}
    )
    contrasts = [
        _difference("first", "a", "b"),
        _difference("does nothing", "b", "c"),
        _difference("last", "c", "d"),
        Contrast("total", "total", (("d", 1.0), ("a", -1.0)), "a", "d"),
    ]
    table = attribute_effects(summary, contrasts, kpis=["csat_mean"]).set_index("change")
    first = table.loc["first"]  # paired differences 1, 2, 3: mean 2, sd 1
    assert first["effect"] == pytest.approx(2.0)
    assert first["ci_high"] - first["effect"] == pytest.approx(T_975_2 / math.sqrt(3))
    assert (first["start"], first["end"]) == pytest.approx((2.0, 4.0))
    nothing = table.loc["does nothing"]  # differences 0.1, -0.2, 0.1
    assert nothing["effect"] == pytest.approx(0.0, abs=1e-12)
    assert nothing["ci_low"] < 0.0 < nothing["ci_high"]
    steps = table[table["kind"] == "step"]["effect"].sum()
    assert steps == pytest.approx(table.loc["total", "effect"])
    assert table.loc["total", "effect"] == pytest.approx(3.0)


def test_klarna_contrasts_split_an_interaction_exactly() -> None:
    """Additive AI and cuts effects plus an interaction: the rows recover each part."""
    ai, cuts, both = 0.10, -0.30, -0.04
    noise = np.array([0.01, -0.02, 0.03])
    levels = {
        "human-centre-2023": 0.0,
        "effects-ai-launch": 0.06,
        "effects-refused-requests": 0.08,
        AI_ONLY: ai,
        "effects-freeze": ai - 0.1 + both / 2,
        LEAP: ai + cuts + both,
        "hybrid-gig-2025": ai + cuts + both + 0.05,
        FREEZE_ALONE: -0.1,
        CUTS_ALONE: cuts,
    }
    summary = _summary({name: list(0.7 + level + noise) for name, level in levels.items()})
    table = attribute_effects(summary, klarna_contrasts(), kpis=["csat_mean"])
    effect = table.set_index("change")["effect"]
    steps = table[table["kind"] == "step"]["effect"]
    assert steps.sum() == pytest.approx(effect["total to the hybrid"])
    assert steps.iloc[:5].sum() == pytest.approx(effect["total to the leap"])
    assert effect["interaction of the AI and the staff cuts"] == pytest.approx(both)
    assert effect["AI (Shapley)"] == pytest.approx(ai + both / 2)
    assert effect["staff cuts (Shapley)"] == pytest.approx(cuts + both / 2)
    assert effect["AI after the staff cuts"] == pytest.approx(ai + both)
    assert table["ci_low"].isna().sum() == 0  # every row is a paired sample of 3


def test_savings_by_year_pairs_replications_at_full_scale_against_the_published_figure() -> None:
    dates = pd.date_range("2023-12-30", "2025-01-02", freq="D").strftime("%Y-%m-%d")
    rows = []
    for scenario, cost in (("human-centre-2023", 10.0), (LEAP, 6.0)):
        for replication in range(3):
            for day, date in enumerate(dates):
                extra = 0.5 * replication if scenario == LEAP else 0.0
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": replication,
                        "date": date,
                        "time_days": float(day),
                        "interval": day,
                        "cost_operating": cost + extra,
                    }
                )
    timeseries = pd.DataFrame(rows)
    summary = pd.DataFrame(
        [
            {"scenario": name, "replication": r, "contacts": 10, "contacts_full_scale": 1000}
            for name in ("human-centre-2023", LEAP)
            for r in range(3)
        ]
    )
    savings = savings_by_year(summary, timeseries).set_index("year")
    in_2024 = savings.loc[2024]
    assert in_2024["days"] == 366
    # Per day the leap saves 4, 3.5 and 3 in replications 0-2, times 100 for full scale.
    assert in_2024["saving"] == pytest.approx(3.5 * 100 * 366)
    half_width = T_975_2 * 0.5 * 100 * 366 / math.sqrt(3)
    assert in_2024["ci_high"] - in_2024["saving"] == pytest.approx(half_width)
    assert in_2024["published"] == 40e6
    assert savings.loc[2025, "days"] == 2
    assert bool(savings["published"].isna().loc[2025])


TINY = [
    "experiment.scale=0.0003",
    "experiment.start_date=2024-01-01",
    "experiment.horizon_days=500",
]
"""The AI launch to the reversal at a centre of a few agents (about 40 s on one core)."""


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::klarsim.config.horizon.ScenarioWarning")  # tiny on purpose
def test_the_effects_chain_runs_end_to_end_and_writes_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "effects"
    result = klarna_effects(
        reps=2, overrides=TINY, executor=klarsim.ExecutorOptions(workers=1), out=out
    )
    effects = pd.read_csv(out / "effects.csv")
    assert len(effects) == 5 * len(klarna_contrasts())
    for _kpi, rows in effects.groupby("kpi"):
        by_change = rows.set_index("change")["effect"]
        steps = rows.loc[rows["kind"] == "step", "effect"].sum()
        assert steps == pytest.approx(by_change["total to the hybrid"], rel=1e-9, abs=1e-9)
    assert set(effects["kpi"]) >= {"csat_mean", "churned_full_scale", "service_level"}
    savings = pd.read_csv(out / "savings_by_year.csv")
    assert set(savings["year"]) == {2024, 2025}
    assert len(result.comparison.scenarios) == 9


def test_any_chain_of_scenarios_gives_steps_that_sum_to_its_total() -> None:
    summary = _summary({"a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 7.0], "c": [0.0, 1.0, 5.0]})
    table = attribute_effects(summary, chain_contrasts(["a", "b", "c"]), kpis=["csat_mean"])
    assert list(table["change"]) == ["b", "c", "total to c"]
    assert list(table["effect"]) == pytest.approx([7 / 3, -7 / 3, 0.0])


def test_the_demo_runs_the_chain_in_its_own_folder_and_copies_effects_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's wiring, with the chain itself replaced by a stub that records its call."""
    calls: list[klarsim.OutputOptions] = []
    table = pd.DataFrame({"kpi": ["csat_mean"], "change": ["AI launch"], "effect": [0.01]})

    def stub(**arguments: object) -> EffectsResult:
        out = arguments["out"]
        assert isinstance(out, klarsim.OutputOptions)
        calls.append(out)
        return EffectsResult(comparison=None, effects=table, savings=table, folder=out.path)  # type: ignore[arg-type]

    monkeypatch.setattr(demo, "klarna_effects", stub)
    (tmp_path / "effects").mkdir()
    (tmp_path / "new").mkdir()
    demo._effects(klarsim.OutputOptions(tmp_path, resume=True), 2, None, None)
    demo._effects(klarsim.OutputOptions(tmp_path / "new", resume=True), 2, None, None)
    assert [(out.path, out.resume) for out in calls] == [
        (tmp_path / "effects", True),
        (tmp_path / "new" / "effects", False),
    ]
    assert pd.read_csv(tmp_path / "effects.csv").equals(table)


@pytest.mark.cli
def test_demo_with_effects_refuses_bad_input_before_running(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    arguments = ["demo", "--effects", "--out", str(out), "--set", "experiment.nonsense=1"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2
    assert "experiment.nonsense" in result.output
    assert not out.exists()
