"""The scenario JSON Schema agrees with the loader: bundled files, variants, the committed copy."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from klarsim.config import ScenarioError, parse_scenario
from klarsim.config.json_schema import SCHEMA_FILE, scenario_json_schema, scenario_json_schema_text
from tests.support import ERLANG_A, ROOT, SCENARIOS

pytestmark = pytest.mark.unit

BUNDLED = sorted(SCENARIOS.rglob("*.yaml"))
SCHEMA_COMMENT = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
Edit = Callable[[dict[str, Any]], None]


def as_json(data: Any) -> Any:
    """YAML data as an editor sees it: dates are text, as JSON has no dates."""
    return json.loads(json.dumps(data, default=str))


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_accepts(validator: jsonschema.Draft202012Validator, data: dict[str, Any]) -> bool:
    return bool(validator.is_valid(data))


def loader_accepts(data: dict[str, Any]) -> bool:
    try:
        parse_scenario(data)
    except ScenarioError:
        return False
    return True


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_every_bundled_scenario_is_valid_under_the_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    errors = [error.message for error in validator.iter_errors(read(path))]
    assert errors == []


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_every_bundled_scenario_names_the_committed_schema_on_its_first_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_COMMENT
    assert (path.parent / f"../{SCHEMA_FILE}").resolve() == SCENARIOS / SCHEMA_FILE


def test_the_committed_schema_is_what_the_models_give() -> None:
    """Regenerate with: klarsim schema --out scenarios/scenario.schema.json"""
    committed = (SCENARIOS / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == scenario_json_schema_text()


def test_keys_carry_their_documentation_and_bounds() -> None:
    definitions = scenario_json_schema()["$defs"]
    horizon = definitions["Experiment"]["properties"]["horizon_days"]
    assert horizon["exclusiveMinimum"] == 0
    assert horizon["maximum"] == 3660.0
    scale = definitions["Experiment"]["properties"]["scale"]
    assert scale["description"].startswith("Multiplies the centre's size")
    assert not {"ge", "le", "gt", "lt"} & set(json.dumps(definitions).split('"'))


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return edit


def _delete(path: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        del node[last]

    return edit


POOL = "pools.staff"
INTENT = "demand.intents.general"
VARIANTS: dict[str, tuple[Edit, bool]] = {
    # valid edits
    "as bundled": (lambda data: None, True),
    "smaller scale": (_set("experiment.scale", 0.5), True),
    "start date": (_set("experiment.start_date", "2024-01-01"), True),
    "hourly profile": (_set("demand.hourly_profile", [1.0] * 24), True),
    "weekly roster": (
        _set(f"{POOL}.roster", {"shifts": [{"start_hour": 8, "length_hours": 8, "agents": 9}]}),
        True,
    ),
    "shift with a wrong key": (
        _set(f"{POOL}.roster", {"shifts": [{"start_hour": 8, "hours": 8, "agents": 9}]}),
        False,
    ),
    "integer where a number": (_set("demand.contacts_per_day", 2000), True),
    "gamma handle time": (
        _set(f"{INTENT}.handle_time_min", {"dist": "gamma", "mean": 4, "cv": 1}),
        True,
    ),
    "no description": (_delete("description"), True),
    # wrong types
    "text for a number": (_set("experiment.replications", "five"), False),
    "boolean for a number": (_set(f"{POOL}.headcount", True), False),
    "number for a name": (_set("name", 7), False),
    "list for a mapping": (_set("experiment", [1, 2]), False),
    "bad date": (_set("experiment.start_date", "2024-13-40"), False),
    # unknown keys
    "unknown top key": (_set("colour", "blue"), False),
    "typo in demand": (_set("demand.contact_per_day", 10), False),
    "typo in a pool": (_set(f"{POOL}.head_count", 10), False),
    "unknown distribution": (
        _set(f"{INTENT}.handle_time_min", {"dist": "weibull", "mean": 1}),
        False,
    ),
    "distribution with extra key": (
        _set(f"{INTENT}.handle_time_min", {"dist": "exponential", "mean": 1, "cv": 1}),
        False,
    ),
    "unknown pool kind": (_set(f"{POOL}.kind", "contractor"), False),
    "name with a dot": (_set("pools.a.b", {"headcount": 1, "skills": ["general"]}), False),
    # out of bounds
    "scale above one": (_set("experiment.scale", 1.5), False),
    "zero replications": (_set("experiment.replications", 0), False),
    "zero horizon": (_set("experiment.horizon_days", 0), False),
    "negative headcount": (_set(f"{POOL}.headcount", -1), False),
    "probability above one": (_set(f"{POOL}.resolution_probability", 1.01), False),
    "23-hour profile": (_set("demand.hourly_profile", [1.0] * 23), False),
    "name too long": (_set("name", "x" * 65), False),
    # missing required keys
    "no demand": (_delete("demand"), False),
    "no contacts per day": (_delete("demand.contacts_per_day"), False),
    "no handle time": (_delete(f"{INTENT}.handle_time_min"), False),
    "no pools": (_set("pools", {}), False),
}
CROSS_FIELD: dict[str, Edit] = {
    "warmup not before the horizon": _set("experiment.warmup_days", 40),
    "shares not summing to one": _set(f"{INTENT}.share", 0.5),
    "skill naming no intent": _set(f"{POOL}.skills", ["billing"]),
    "roster with neither form": _set(f"{POOL}.roster", {"for_headcount": 10}),
    "uniform with high below low": _set(
        f"{INTENT}.handle_time_min", {"dist": "uniform", "low": 5, "high": 1}
    ),
}
"""Checks across keys that JSON Schema cannot express (listed in docs/running.md): the schema
accepts these files, the loader refuses them."""


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    data = read(ERLANG_A)
    assert list(data["pools"]) == ["staff"] and list(data["demand"]["intents"]) == ["general"]
    return data


@pytest.mark.parametrize(("name"), list(VARIANTS))
def test_schema_and_loader_give_the_same_verdict(
    validator: jsonschema.Draft202012Validator, base: dict[str, Any], name: str
) -> None:
    edit, valid = VARIANTS[name]
    data = copy.deepcopy(base)
    edit(data)
    assert (schema_accepts(validator, data), loader_accepts(data)) == (valid, valid)


@pytest.mark.parametrize(("name"), list(CROSS_FIELD))
def test_cross_field_checks_are_the_loaders_alone(
    validator: jsonschema.Draft202012Validator, base: dict[str, Any], name: str
) -> None:
    data = copy.deepcopy(base)
    CROSS_FIELD[name](data)
    assert (schema_accepts(validator, data), loader_accepts(data)) == (True, False)


def test_documentation_lists_the_cross_field_checks() -> None:
    text = (ROOT / "docs" / "running.md").read_text(encoding="utf-8")
    section = text[text.index("## Editing scenarios") :]
    for needle in ("warmup_days", "share", "skills", "low", "high", "klarsim schema"):
        assert needle in section
