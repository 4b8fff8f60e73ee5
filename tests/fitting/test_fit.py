"""``fit`` on exports drawn directly from a known truth (tests/fitting/synthetic.py): each
parameter within its bootstrap interval, the weekday test, the YAML that loads and runs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klarsim.config import load_scenario
from klarsim.fitting.export import ExportError
from klarsim.fitting.fit import MIN_WHOLE_DAYS, FitOptions, FitResult, fit, write_fit
from tests.fitting.synthetic import Truth, synthetic_export

pytestmark = pytest.mark.unit
TRUTH = Truth()
DAYS = 56


def estimate(result: FitResult, parameter: str) -> tuple[float, float, float]:
    row = result.table.set_index("parameter").loc[parameter]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> FitResult:
    path = tmp_path_factory.mktemp("fit") / "export.csv"
    synthetic_export(TRUTH, DAYS, seed=3).to_csv(path, index=False)
    return fit(path, options=FitOptions(resamples=120))


def inside(result: FitResult, parameter: str, truth: float) -> bool:
    _, low, high = estimate(result, parameter)
    return low <= truth <= high


def test_headline_parameters_are_inside_their_intervals(fitted: FitResult) -> None:
    assert inside(fitted, "demand.contacts_per_day", TRUTH.contacts_per_day)
    assert inside(fitted, "demand.growth_per_year", TRUTH.growth_per_year)
    assert inside(fitted, "demand.day_to_day_cv", TRUTH.day_to_day_cv)
    assert inside(fitted, "demand.intents.general.handle_time_min.mean", TRUTH.aht_min)
    assert inside(fitted, "customers.patience_min.voice.mean", TRUTH.patience_min)


def test_profiles_are_inside_their_intervals(fitted: FitResult) -> None:
    weekly, hourly = TRUTH.weights(TRUTH.weekly), TRUTH.weights(TRUTH.hourly)
    hits = [inside(fitted, f"demand.weekly_profile.{day}", weekly[day]) for day in range(7)]
    hits += [inside(fitted, f"demand.hourly_profile.{hour}", hourly[hour]) for hour in range(24)]
    # 31 intervals of 95 %: about 1.5 misses expected; more than 5 (P < 0.5 %) is a fault
    assert sum(hits) >= 26, hits


def test_the_fitted_scenario_loads_with_its_comments(fitted: FitResult, tmp_path: Path) -> None:
    written = write_fit(tmp_path, fitted)
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert scenario.demand.contacts_per_day == pytest.approx(
        estimate(fitted, "demand.contacts_per_day")[0], rel=1e-3
    )
    assert scenario.experiment.start_date is not None
    assert scenario.experiment.start_date.weekday() == 0
    roster = scenario.pools["staff"].roster
    assert not isinstance(roster, str) and roster.hours_of_week == [TRUTH.agents] * 168
    text = fitted.yaml_text
    assert "assumption" in text and "Erlang A" in text and f"{DAYS} whole days" in text
    assert {path.name for path in written} == {
        "scenario.yaml",
        "fit.csv",
        "fit_daily.csv",
        "fit_profiles.csv",
    }
    table = pd.read_csv(tmp_path / "fit.csv")
    assert list(table.columns) == ["parameter", "estimate", "ci_low", "ci_high", "method"]


def test_one_shape_every_weekday_is_not_flagged(fitted: FitResult) -> None:
    assert not fitted.shape.differs
    assert not any("weekdays" in note for note in fitted.notes)


def test_different_weekday_shapes_are_flagged(tmp_path: Path) -> None:
    evening = tuple(reversed(TRUTH.hourly))
    truth = Truth(hourly_by_weekday={5: evening, 6: evening})
    path = tmp_path / "export.csv"
    synthetic_export(truth, 21, seed=4).to_csv(path, index=False)
    result = fit(path, options=FitOptions(resamples=20))
    assert result.shape.differs and result.shape.p_value < 1e-6
    assert any("different hourly shapes" in note for note in result.notes)
    assert "weekdays DIFFER" in result.yaml_text
    (tmp_path / "scenario.yaml").write_text(result.yaml_text)
    shapes = load_scenario(tmp_path / "scenario.yaml").demand.hourly_profile_by_weekday
    assert set(shapes) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    for weekday, own in ((0, shapes["mon"]), (5, shapes["sat"]), (6, shapes["sun"])):
        true_shape = np.asarray(truth.hourly_by_weekday.get(weekday, TRUTH.hourly), dtype=float)
        true_shape = true_shape * 24 / true_shape.sum()
        busy = true_shape > 0.5  # enough contacts in three weeks to compare hour by hour
        np.testing.assert_allclose(np.asarray(own)[busy], true_shape[busy], rtol=0.35)


def test_without_agents_patience_comes_from_waits(tmp_path: Path) -> None:
    table = synthetic_export(TRUTH, 14, seed=5).drop(columns="agents")
    path = tmp_path / "export.csv"
    table.to_csv(path, index=False)
    result = fit(path, options=FitOptions(resamples=20))
    waits = ((table["answered"] + table["abandoned"]) * table["asa_s"]).sum()
    expected = waits / table["abandoned"].sum() / 60  # whole days only: all 14 are whole
    value, _, _ = estimate(result, "customers.patience_min.voice.mean")
    assert value == pytest.approx(expected)
    assert "square-root staffing" in result.yaml_text
    assert "E[wait]" in result.yaml_text


def test_without_agents_or_waits_patience_is_an_assumption(tmp_path: Path) -> None:
    table = synthetic_export(TRUTH, 7, seed=6).drop(columns=["agents", "asa_s"])
    path = tmp_path / "export.csv"
    table.to_csv(path, index=False)
    result = fit(path, options=FitOptions(resamples=20))
    assert "assumption: the export has neither agents nor asa_s" in result.yaml_text
    growth = estimate(result, "demand.growth_per_year")
    assert growth[0] == 0.0 and math.isnan(growth[1])
    assert result.scenario.customers.patience_min["voice"].mean_value == 3.0


def test_less_than_a_week_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    synthetic_export(TRUTH, 6).to_csv(path, index=False)
    with pytest.raises(ExportError, match="at least 7"):
        fit(path)


def test_the_bootstrap_is_seeded(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    synthetic_export(TRUTH, 14, seed=8).to_csv(path, index=False)
    first = fit(path, options=FitOptions(resamples=20, seed=1)).table
    again = fit(path, options=FitOptions(resamples=20, seed=1)).table
    pd.testing.assert_frame_equal(first, again)
    assert np.isfinite(first["estimate"]).all()
    assert MIN_WHOLE_DAYS == 7


def test_queue_names_become_valid_unique_intent_names(tmp_path: Path) -> None:
    from klarsim.fitting.scenario_text import intent_names

    names = intent_names(("Billing Support", "Billing/Support", "sales-EU", "???"))
    assert names == {
        "Billing Support": "Billing_Support",
        "Billing/Support": "Billing_Support_2",
        "sales-EU": "sales-EU",
        "???": "queue",
    }
    billing = synthetic_export(TRUTH, 7, seed=9).assign(Skill="Billing Support")
    sales = synthetic_export(TRUTH, 7, seed=10).assign(Skill="sales/EU")
    path = tmp_path / "export.csv"
    pd.concat([billing, sales]).to_csv(path, index=False)
    result = fit(path, queue_column="Skill", options=FitOptions(resamples=20))
    assert set(result.scenario.demand.intents) == {"Billing_Support", "sales_EU"}
    shares = [intent.share for intent in result.scenario.demand.intents.values()]
    assert sum(shares) == pytest.approx(1.0)
    assert '# queue "Billing Support"' in result.yaml_text


def test_the_package_offers_fit_and_backtest() -> None:
    import klarsim.fitting

    assert klarsim.fitting.fit is fit
    assert callable(klarsim.fitting.backtest)
