"""Read a scenario file, apply overrides, validate, and report every problem readably.

This is the only place raw dictionaries become a frozen ``Scenario``; the rest of klarsim
takes the frozen model. Errors name the file (or the ``--set`` that caused them), the dotted
key, the line in the YAML where there is one, and what was expected. A horizon given as an
override cuts the dated items past it, with a ``ScenarioWarning`` naming them
(``klarsim.config.horizon``).
"""

from __future__ import annotations

import types
import typing
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from klarsim.config.checks import starting_checks
from klarsim.config.checks_timeline import timeline_checks
from klarsim.config.errors import Problem, ScenarioError, dotted
from klarsim.config.horizon import HORIZON_KEY, HorizonCut, ScenarioWarning, cut_to_horizon
from klarsim.config.overrides import Override, apply_overrides, parse_overrides
from klarsim.config.schema import Scenario
from klarsim.config.yaml_io import (
    MAX_DEPTH,
    MAX_TEXT_BYTES,
    check_size,
    read_yaml_with_lines,
)

Path_ = tuple[str | int, ...]
Overrides = Iterable[str] | Mapping[str, Any] | None


def load_scenario(path: str | Path, overrides: Overrides = None) -> Scenario:
    """Load, override and validate a scenario file; raise ``ScenarioError`` listing all problems."""
    source = str(path)
    text = _read_text(Path(path))
    data, lines = read_yaml_with_lines(text, source)
    if not isinstance(data, dict):
        message = f"expected a mapping of scenario keys, got {type(data).__name__}"
        raise ScenarioError([Problem(source, "", message, 1)])
    return parse_scenario(data, source=source, lines=lines, overrides=overrides)


def parse_scenario(
    data: Mapping[str, Any],
    *,
    source: str = "<scenario>",
    lines: Mapping[Path_, int] | None = None,
    overrides: Overrides = None,
) -> Scenario:
    """Validate raw scenario data (as read from YAML) after applying dotted overrides."""
    parsed = parse_overrides(overrides)
    try:
        return _validated(data, source, lines, parsed)
    except RecursionError:  # data built in Python: a file is refused deeper than MAX_DEPTH
        message = f"nesting too deep: expected at most {MAX_DEPTH} levels"
        raise ScenarioError([Problem(source, "", message)]) from None


def _validated(
    data: Mapping[str, Any], source: str, lines: Mapping[Path_, int] | None, parsed: list[Override]
) -> Scenario:
    merged = apply_overrides(data, [(override.key, override.value) for override in parsed])
    locate = _Locator(source, lines or {}, parsed)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as error:
        raise ScenarioError(_validation_problems(error, merged, locate)) from None
    return _checked(scenario, parsed, locate)


def _checked(scenario: Scenario, overrides: list[Override], locate: _Locator) -> Scenario:
    """The scenario after the cross-key checks, cut to a horizon given as an override (with a
    warning naming what was dropped); errors name keys as the scenario given numbers them."""
    shortened = any(override.key == HORIZON_KEY for override in overrides)
    cut = cut_to_horizon(scenario) if shortened else HorizonCut(scenario)
    checks = [
        *starting_checks(cut.scenario),
        *timeline_checks(cut.scenario, unfinished_ramps=shortened),
    ]
    findings = [(cut.original_key(key), message) for key, message in checks]
    if findings:
        raise ScenarioError([locate(_split(key), message) for key, message in findings])
    for note in cut.notes:
        warnings.warn(f"{locate.source}: {note}", ScenarioWarning, stacklevel=4)
    return cut.scenario


def with_overrides(scenario: Scenario, overrides: Overrides) -> Scenario:
    """A new scenario with dotted overrides applied, validated like a file."""
    return parse_scenario(scenario_data(scenario), source=scenario.name, overrides=overrides)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain data (defaults filled in), ready for YAML."""
    return scenario.model_dump(mode="json")


def scenario_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML text, in declaration order.

    A run asks for it several times (its ``scenario.yaml``, the job's and each run file's
    SHA-256), so the text of the last few scenarios is kept: a scenario is frozen.
    """
    cached = _yaml_texts.get(id(scenario))
    if cached is not None and cached[0] is scenario:
        return cached[1]
    text = yaml.safe_dump(scenario_data(scenario), sort_keys=False, allow_unicode=True)
    if len(_yaml_texts) >= YAML_TEXTS_KEPT:
        del _yaml_texts[next(iter(_yaml_texts))]
    _yaml_texts[id(scenario)] = (scenario, text)
    return text


YAML_TEXTS_KEPT = 64
"""Scenarios whose YAML text is kept (each with the scenario, so that its ``id`` stays its)."""
_yaml_texts: dict[int, tuple[Scenario, str]] = {}


def _read_text(path: Path) -> str:
    """The file's text; never more than one byte past the size limit is read."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_TEXT_BYTES + 1)
        check_size(len(raw), str(path))
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        message = f"cannot read the file: {error.__class__.__name__}"
        raise ScenarioError([Problem(str(path), "", message)]) from None


class _Locator:
    """Turns a key path and a message into a ``Problem`` with its source and line."""

    def __init__(self, source: str, lines: Mapping[Path_, int], overrides: list[Override]):
        self.source = source
        self.lines = lines
        self.overrides = overrides

    def __call__(self, path: Path_, message: str) -> Problem:
        key = dotted(path)
        for override in self.overrides:
            if _related(key, override.key):
                return Problem(override.source, key, message)
        return Problem(self.source, key, message, self._line(path))

    def _line(self, path: Path_) -> int | None:
        for depth in range(len(path), 0, -1):
            if path[:depth] in self.lines:
                return self.lines[path[:depth]]
        return None


def _related(key: str, override_key: str) -> bool:
    return (
        key == override_key
        or key.startswith(override_key + ".")
        or (override_key.startswith(key + "."))
    )


def _split(key: str) -> Path_:
    return tuple(int(part) if part.isdigit() else part for part in key.split("."))


def _validation_problems(
    error: ValidationError, data: Mapping[str, Any], locate: _Locator
) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors():
        path = _data_path(item["loc"], data)
        problem = locate(path, _message(item, path, data))
        if problem not in problems:
            problems.append(problem)
    return problems


def _data_path(loc: tuple[int | str, ...], data: Any) -> Path_:
    """Drop the union-member labels pydantic puts in error locations (``gamma``, ``list[...]``)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if _has_child(node, part):
            path.append(part)
            node = node[part]
        elif not _is_union_label(node, part):
            path.append(part)
            node = None
    return tuple(path)


def _has_child(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


TAG_KEYS = {"dist": None, "kind": "employee", "action": None}
"""Keys that choose a union member, with the member chosen when the key is absent."""
SHAPE_TAGS = frozenset({"weekly"})
"""Union labels chosen by a value's shape rather than by a key (a weekly roster mapping)."""


def _is_union_label(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        tags = {node.get(key, default) for key, default in TAG_KEYS.items()}
        if part in tags or part in SHAPE_TAGS:
            return True
    return isinstance(part, str) and ("[" in part or not isinstance(node, dict))


def _message(item: Any, path: Path_, data: Any) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1], data)
        return f"unknown key; expected one of: {', '.join(allowed)}" if allowed else "unknown key"
    if kind == "missing":
        return "required key is missing"
    text = str(item["msg"]).removeprefix("Value error, ")
    for value in (item.get("ctx") or {}).values():  # a union's tag is quoted in the message
        if isinstance(value, str) and len(value) > SHOWN_LIMIT:
            text = text.replace(value, value[: SHOWN_LIMIT - 3] + "...")
    if "input" in item and not isinstance(item["input"], dict | list):
        text += f", got {_shown(item['input'])}"
    return text


SHOWN_LIMIT = 80
"""The most characters of a given value quoted in a message, so one problem stays one line."""


def _shown(value: Any, limit: int = SHOWN_LIMIT) -> str:
    """A value as it reads in a message, cut so that one problem stays one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _allowed_keys(path: Path_, data: Any) -> list[str]:
    """The keys a mapping at ``path`` may hold, found by walking the schema along the data."""
    annotation: Any = Scenario
    node = data
    for part in path:
        annotation = _resolve(annotation, node)
        node = node[part] if _has_child(node, part) else None
        annotation = _child_annotation(annotation, part)
        if annotation is None:
            return []
    model = _resolve(annotation, node)
    return list(model.model_fields) if _is_model(model) else []


def _resolve(annotation: Any, node: Any) -> Any:
    """Strip ``Annotated`` and pick the union member that matches the data."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [_resolve(member, node) for member in typing.get_args(annotation)]
        models = [member for member in members if _is_model(member)]
        for model in models:
            if isinstance(node, dict) and _accepts_tags(model, node):
                return model
        return models[0] if models else members[-1]
    return annotation


def _child_annotation(annotation: Any, part: str | int) -> Any:
    if _is_model(annotation):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin = typing.get_origin(annotation)
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin is list:
        return typing.get_args(annotation)[0]
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _accepts_tags(model: type[BaseModel], node: dict[str, Any]) -> bool:
    """Whether the model's tag field (``dist``, ``kind`` or ``action``) accepts the data's tag."""
    for key in TAG_KEYS:
        field = model.model_fields.get(key)
        if field is not None:
            tag = node.get(key, field.default)
            return tag in typing.get_args(field.annotation)
    return False
