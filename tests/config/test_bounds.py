"""Every number is finite, not a boolean, and bounded where a bigger one cannot be meant; the
bounds themselves are accepted; blame for a bad warm-up stays on its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.config import ScenarioError, load_scenario
from klarsim.config.workforce import EmployeePool
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
KLARNA = ROOT / "scenarios" / "klarna" / "2025_hybrid_gig.yaml"
HOURS_OF_A_DAY = 24


def only_problem(overrides: list[str], path: Path = ERLANG_A) -> tuple[str, str]:
    """(dotted key, message) of the one problem ``overrides`` cause."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides)
    [problem] = caught.value.problems
    return problem.key, problem.message


@pytest.mark.parametrize(
    ("override", "key", "message"),
    [
        (
            "demand.contacts_per_day=1e12",
            "demand.contacts_per_day",
            "Input should be less than or equal to 10000000, got '1e12'",
        ),
        (
            "experiment.horizon_days=1e9",
            "experiment.horizon_days",
            "Input should be less than or equal to 3660, got '1e9'",
        ),
        (
            "experiment.interval_min=1e300",
            "experiment.interval_min",
            "Input should be less than or equal to 1440, got '1e300'",
        ),
        (
            "experiment.interval_min=0.001",
            "experiment.interval_min",
            "Input should be greater than or equal to 1, got 0.001",
        ),
        (
            "experiment.replications=10001",
            "experiment.replications",
            "Input should be less than or equal to 10000, got 10001",
        ),
        (
            "experiment.seed=18446744073709551616",
            "experiment.seed",
            "Input should be less than or equal to 9223372036854775807, got 18446744073709551616",
        ),
        (
            "experiment.scale=2",
            "experiment.scale",
            "Input should be less than or equal to 1, got 2",
        ),
        (
            "pools.staff.headcount=1000001",
            "pools.staff.headcount",
            "Input should be less than or equal to 1000000, got 1000001",
        ),
        (
            "pools.staff.attrition_per_year=1.0e+6",
            "pools.staff.attrition_per_year",
            "Input should be less than or equal to 1000, got 1000000.0",
        ),
        (
            "customers.patience_min.chat.mean=.inf",
            "customers.patience_min.chat.mean",
            "expected a finite number, got inf",
        ),
        (
            "demand.intents.general.share=.nan",
            "demand.intents.general.share",
            "expected a finite number, got nan",
        ),
        (
            "demand.contacts_per_day=inf",
            "demand.contacts_per_day",
            "expected a finite number, got 'inf'",
        ),
        (
            "customers.patience_min.chat.mean=1e13",
            "customers.patience_min.chat.mean",
            "Input should be less than or equal to 1000000000000, got '1e13'",
        ),
        (
            "pools.staff.headcount=true",
            "pools.staff.headcount",
            "expected a number, got True",
        ),
        (
            "demand.intents.general.share=true",
            "demand.intents.general.share",
            "expected a number, got True",
        ),
        (
            "experiment.horizon_days=false",
            "experiment.horizon_days",
            "expected a number, got False",
        ),
        (
            "name=" + "n" * 65,
            "name",
            "String should have at most 64 characters, got '" + "n" * 65 + "'",
        ),
    ],
)
def test_a_number_past_its_bound_is_refused_on_its_key(
    override: str, key: str, message: str
) -> None:
    assert only_problem([override]) == (key, message)


def test_huge_profile_weights_are_refused_so_their_sum_cannot_overflow() -> None:
    weights = ", ".join(["1e308"] * HOURS_OF_A_DAY)
    key, message = only_problem([f"demand.hourly_profile=[{weights}]"])
    assert key == "demand.hourly_profile"
    assert message.startswith("expected 'flat' or a list of 24 non-negative numbers up to 1e+06")


def test_a_boolean_in_a_profile_is_refused() -> None:
    weights = ", ".join(["true"] + ["1"] * (HOURS_OF_A_DAY - 1))
    key, _ = only_problem([f"demand.hourly_profile=[{weights}]"])
    assert key == "demand.hourly_profile"


def test_the_bounds_themselves_are_accepted() -> None:
    scenario = load_scenario(
        ERLANG_A,
        [
            "demand.contacts_per_day=10000000",
            "experiment.horizon_days=3660",
            "experiment.interval_min=1440",
            "experiment.replications=10000",
            "experiment.seed=9223372036854775807",
            "pools.staff.headcount=1000000",
            "name=" + "n" * 64,
        ],
    )
    assert scenario.demand.contacts_per_day == 10_000_000
    assert scenario.experiment.horizon_days == 3660
    pool = scenario.pools["staff"]
    assert isinstance(pool, EmployeePool) and pool.headcount == 1_000_000
    assert len(scenario.name) == 64


def test_too_many_timeseries_rows_are_refused_on_the_interval() -> None:
    key, message = only_problem(["experiment.horizon_days=3660", "experiment.interval_min=5"])
    assert key == "experiment.interval_min"
    assert message == (
        "expected at most 200,000 intervals in the horizon (3660 days), got 1,054,080; "
        "widen interval_min or shorten horizon_days"
    )
    ten_years_of_half_hours = ["experiment.horizon_days=3660", "experiment.interval_min=30"]
    assert load_scenario(ERLANG_A, ten_years_of_half_hours).experiment.interval_min == 30


def test_a_whole_float_is_still_an_integer() -> None:
    scenario = load_scenario(ERLANG_A, ["pools.staff.headcount=5.0"])
    pool = scenario.pools["staff"]
    assert isinstance(pool, EmployeePool)
    assert pool.headcount == 5 and isinstance(pool.headcount, int)


def test_warmup_at_the_horizon_is_blamed_once_on_its_key(tmp_path: Path) -> None:
    text = ERLANG_A.read_text(encoding="utf-8").replace(
        "  warmup_days: 2\n", "  warmup_days: 30\n  start_date: 2024-01-01\n"
    )
    text += (
        "timeline:\n"
        "  - {day: 1, action: set, key: pools.staff.resolution_probability, value: 0.9}\n"
        "  - {day: 2, action: set, key: pools.staff.resolution_probability, value: 1.5}\n"
        "  - {day: 3, action: ramp, key: pools.staff.handle_time_multiplier, "
        "end_value: 1.2, end_day: 5}\n"
        "guardrails:\n"
        "  - {name: g, metric: service_level, below: 0.5,\n"
        "     then: {action: set, key: pools.staff.resolution_probability, value: 0.8}}\n"
    )
    path = tmp_path / "warm.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    found = [(problem.key, problem.message) for problem in caught.value.problems]
    assert found == [
        ("experiment.warmup_days", "expected less than horizon_days (30), got 30"),
        (
            "timeline.1.value",
            "invalid value 1.5 for pools.staff.resolution_probability: "
            "Input should be less than or equal to 1",
        ),
    ]


runner = CliRunner()


@pytest.mark.cli
@pytest.mark.parametrize(
    ("options", "key"),
    [
        (["--set", "demand.contacts_per_day=1e12"], "demand.contacts_per_day"),
        (["--days", "1e9"], "experiment.horizon_days"),
        (["--set", "experiment.interval_min=1e300"], "experiment.interval_min"),
        (["--set", "pools.agents.headcount=true"], "pools.agents.headcount"),
        (["--set", "ai.share=0.3", "--set", "ai.share=0.4"], "ai.share"),
    ],
)
def test_run_refuses_an_absurd_number_with_exit_2(
    tmp_path: Path, options: list[str], key: str
) -> None:
    out = tmp_path / "results"
    result = runner.invoke(app, ["run", str(KLARNA), *options, "--quiet", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert key in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_300_letter_name_is_refused_in_one_short_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(ERLANG_A, ["name=" + "n" * 300])
    [problem] = caught.value.problems
    assert problem.key == "name"
    assert problem.message == ("String should have at most 64 characters, got '" + "n" * 76 + "...")
    assert problem.source == "--set name=" + "n" * 86 + "..."


def test_a_long_union_tag_is_cut_in_its_message(tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "validation" / "erlang_c.yaml").read_text(encoding="utf-8")
    tag = "-" * 100_000
    path = tmp_path / "tag.yaml"
    path.write_text(text.replace("dist: exponential, mean: 5.0", f"dist: '{tag}', mean: 5.0"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    message = str(problem)
    assert len(message) < 400 and "-" * 77 + "..." in message
    assert "expected tags: 'exponential', 'lognormal'" in message
