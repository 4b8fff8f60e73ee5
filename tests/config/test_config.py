"""Scenario schema, YAML loading, dotted overrides and the readability of every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from klarsim.config import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_data,
    scenario_yaml,
    with_overrides,
)
from klarsim.config.overrides import apply_overrides, parse_override
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"


def problems(
    overrides: list[str] | None = None, path: Path = ERLANG_A
) -> list[tuple[str, str, str]]:
    """(source, key, message) of every problem loading ``path`` with ``overrides``."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides)
    return [(p.source, p.key, p.message) for p in caught.value.problems]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_example_loads_as_a_plain_mmc_m_queue() -> None:
    scenario = load_scenario(ERLANG_A)
    assert scenario.name == "erlang-a-check"
    assert scenario.experiment.horizon_days == 30
    assert scenario.demand.contacts_per_day == 12960
    assert scenario.pools["staff"].headcount == 48
    assert scenario.customers.patience_min["chat"].mean_value == 3.0


def test_scenario_is_frozen() -> None:
    scenario = load_scenario(ERLANG_A)
    with pytest.raises(Exception, match="frozen"):
        scenario.name = "other"  # type: ignore[misc]


def test_every_bundled_scenario_validates() -> None:
    paths = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert paths
    for path in paths:
        assert isinstance(load_scenario(path), Scenario)


def test_resolved_yaml_round_trips() -> None:
    scenario = load_scenario(ERLANG_A)
    again = parse_scenario(yaml.safe_load(scenario_yaml(scenario)))
    assert again == scenario


def test_unknown_key_names_file_line_key_and_the_allowed_keys(tmp_path: Path) -> None:
    text = ERLANG_A.read_text().replace("    headcount: 48", "    headcount: 48\n    speed: 3")
    [problem] = problems(path=write(tmp_path, text))
    _, key, message = problem
    assert key == "pools.staff.speed"
    assert "unknown key" in message
    assert "headcount" in message and "handle_time_multiplier" in message
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))
    line = text.splitlines().index("    speed: 3") + 1
    assert str(caught.value).startswith(f"{tmp_path / 'scenario.yaml'}:{line}: pools.staff.speed")


def test_wrong_type_and_negative_values_name_key_and_expectation(tmp_path: Path) -> None:
    text = (
        ERLANG_A.read_text()
        .replace("headcount: 48", "headcount: -4")
        .replace("contacts_per_day: 12960", "contacts_per_day: lots")
    )
    found = {key: message for _, key, message in problems(path=write(tmp_path, text))}
    assert "greater than or equal to 0" in found["pools.staff.headcount"]
    assert "-4" in found["pools.staff.headcount"]
    assert "valid number" in found["demand.contacts_per_day"]


def test_all_problems_are_reported_at_once() -> None:
    found = problems(
        ["pools.staff.headcount=-1", "experiment.seed=-3", "demand.contacts_per_day=0"]
    )
    assert {key for _, key, _ in found} == {
        "pools.staff.headcount",
        "experiment.seed",
        "demand.contacts_per_day",
    }


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ("demand.intents.general.share=0.5", "demand.intents", "sum to 1"),
        ("pools.staff.skills.0=billing", "pools.staff.skills.0", "unknown intent 'billing'"),
        ("experiment.warmup_days=40", "experiment.warmup_days", "less than horizon_days"),
        ("experiment.horizon_days=1.01", "experiment.horizon_days", "whole number of intervals"),
        ("demand.hourly_profile=[1, 2]", "demand.hourly_profile", "list of 24"),
        ("demand.weekly_profile=[0, 0, 0, 0, 0, 0, 0]", "demand.weekly_profile", "positive"),
        ("demand.intents.general.handle_time_min.dist=weibull", "", "does not match"),
        ("demand.intents.general.handle_time_min.cv=2", "", "expected one of: dist, mean"),
        ("customers.patience_min.chat.mean=-1", "customers.patience_min.chat.mean", "greater"),
        ("customers.patience_min.fax={dist: exponential, mean: 1}", "", "chat"),
        ("name=has.dot", "name", "pattern"),
        ("demand.intents.general.channel=pigeon", "demand.intents.general.channel", "chat"),
    ],
)
def test_override_errors_name_the_override_the_key_and_the_expectation(
    override: str, key: str, expected: str
) -> None:
    found = problems([override])
    assert any(
        source.startswith("--set ") and (not key or found_key == key) and expected in message
        for source, found_key, message in found
    ), found


def test_intent_no_pool_serves_is_an_error() -> None:
    text = ERLANG_A.read_text()
    data = yaml.safe_load(text)
    data["demand"]["intents"]["general"]["share"] = 0.5
    data["demand"]["intents"]["billing"] = {
        "share": 0.5,
        "handle_time_min": {"dist": "exponential", "mean": 3},
    }
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [p.key for p in caught.value.problems] == ["demand.intents.billing"]
    assert "no pool" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\n  bad: [1, 2", "invalid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("name: a\nname: b\n", "duplicate key 'name'"),
    ],
)
def test_broken_files_are_clear(tmp_path: Path, text: str, expected: str) -> None:
    [(source, _, message)] = problems(path=write(tmp_path, text))
    assert source == str(tmp_path / "scenario.yaml")
    assert expected in message


def test_missing_file(tmp_path: Path) -> None:
    [(_, _, message)] = problems(path=tmp_path / "nope.yaml")
    assert message == "file not found"


def test_missing_required_key(tmp_path: Path) -> None:
    text = ERLANG_A.read_text().replace("    headcount: 48\n", "")
    [(_, key, message)] = problems(path=write(tmp_path, text))
    assert (key, message) == ("pools.staff.headcount", "required key is missing")


def test_overrides_parse_yaml_scalars_and_address_lists_by_index() -> None:
    assert parse_override("a.b=5")[:2] == ("a.b", 5)
    assert parse_override("a.b=flat")[:2] == ("a.b", "flat")
    assert parse_override("a.b=[1, 2]")[:2] == ("a.b", [1, 2])
    assert parse_override("a.b=0.25")[:2] == ("a.b", 0.25)
    data: dict[str, Any] = {"a": {"list": [1, 2, 3]}}
    assert apply_overrides(data, [("a.list.1", 9)]) == {"a": {"list": [1, 9, 3]}}
    assert data == {"a": {"list": [1, 2, 3]}}, "the input must stay untouched"
    assert apply_overrides({}, [("new.key", 1)]) == {"new": {"key": 1}}


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("no-equals-sign", "expected KEY=VALUE"),
        ("pools.staff.skills.5=general", "list index from 0 to 0"),
        ("pools.staff.skills.first=general", "list index"),
        ("name.inner=1", "inside a plain value"),
        ("a=[unclosed", "not valid YAML"),
    ],
)
def test_malformed_overrides(override: str, expected: str) -> None:
    [(source, _, message)] = problems([override])
    assert source.startswith("--set ")
    assert expected in message


def test_overrides_switch_features_on_and_off() -> None:
    scenario = load_scenario(ERLANG_A, {"customers.patience_min": {}})
    assert scenario.customers.patience_min == {}
    again = with_overrides(scenario, ["pools.staff.headcount=50", "experiment.seed=7"])
    assert (again.pools["staff"].headcount, again.experiment.seed) == (50, 7)
    assert scenario.pools["staff"].headcount == 48


def test_defaults_fill_the_resolved_scenario() -> None:
    data = scenario_data(load_scenario(ERLANG_A, ["customers.patience_min={}"]))
    assert data["pools"]["staff"]["handle_time_multiplier"] == 1.0
    assert data["demand"]["growth_per_year"] == 0.0
    assert data["demand"]["day_to_day_cv"] == 0.0
