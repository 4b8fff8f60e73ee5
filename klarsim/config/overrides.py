"""Dotted overrides (``--set demand.contacts_per_day=5000``) applied to raw scenario data.

Values are parsed as YAML scalars or flow collections, mapping entries are addressed by key
and list items by index. Missing mapping levels are created, so a feature can be switched on.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import yaml

from klarsim.config.errors import Problem, ScenarioError
from klarsim.config.yaml_io import MAX_DEPTH, load_value


class Override(NamedTuple):
    """A dotted key, the value to put there, and how messages name it (the option given)."""

    key: str
    value: Any
    source: str


OPTION_KEYS = {"--days": "experiment.horizon_days"}
"""Command-line options that set a scenario key. The CLI passes them among the overrides as
``--days=VALUE``, so that a message about the value names the option the user typed."""


def parse_override(text: str) -> Override:
    """Split ``key.path=value`` and parse the value as YAML (``5`` is an int, ``flat`` a string)."""
    key, separator, raw_value = text.partition("=")
    key = key.strip()
    option = key if key in OPTION_KEYS else None
    key = OPTION_KEYS.get(key, key)
    if not separator or not key:
        message = "expected KEY=VALUE, for example demand.contacts_per_day=5000"
        raise ScenarioError([Problem(source=f"--set {text}", key="", message=message)])
    try:
        value = load_value(raw_value) if raw_value.strip() else ""
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a limit, or a 5000-digit integer
        message = f"value is not valid YAML: {_first_line(error)}"
        raise ScenarioError([Problem(_shortened(f"--set {text}"), key, message)]) from None
    source = f"{option} {raw_value.strip()}" if option else override_source(key, value)
    return Override(key, value, _shortened(source))


def _shortened(text: str, limit: int = 100) -> str:
    """A long option cut for a message that should fit a line."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_line(error: Exception) -> str:
    """The gist of a parse error (PyYAML's messages quote the whole value over several lines)."""
    problem = getattr(error, "problem", None)
    if isinstance(problem, str):
        return problem
    text = str(error)
    return _shortened(text.splitlines()[0] if text else type(error).__name__)


def parse_overrides(texts: Iterable[str] | Mapping[str, Any] | None) -> list[Override]:
    """Accept ``["k=v", ...]`` from the CLI or ``{"k": v}`` from Python; a key given twice, or
    a key and one of its own keys (``a.b`` and ``a.b.c``), is an error naming both."""
    if texts is None:
        return []
    if isinstance(texts, Mapping):
        overrides = [Override(str(k), v, override_source(str(k), v)) for k, v in texts.items()]
    else:
        overrides = [parse_override(text) for text in texts]
    _refuse_overlaps(overrides)
    return overrides


def _refuse_overlaps(overrides: list[Override]) -> None:
    """Two overrides of one key, or of a key and a key inside it: which wins would be a guess."""
    problems: list[Problem] = []
    for index, (key, _, source) in enumerate(overrides):
        for earlier in overrides[:index]:
            if earlier.key == key:
                message = f"given twice (also {earlier.source}); give each key once"
            elif key.startswith(earlier.key + ".") or earlier.key.startswith(key + "."):
                message = f"overlaps {earlier.source}; set a key or the keys inside it, not both"
            else:
                continue
            problems.append(Problem(source, key, message))
            break
    if problems:
        raise ScenarioError(problems)


def apply_overrides(data: Mapping[str, Any], values: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with each (dotted key, value) set; the input is untouched."""
    result: dict[str, Any] = copy.deepcopy(dict(data))
    for key, value in values:
        _set(result, key, value)
    return result


def override_source(key: str, value: Any) -> str:
    """How an override is named in error messages."""
    rendered = yaml.safe_dump(value, default_flow_style=True).removesuffix("...\n").strip()
    return _shortened(f"--set {key}={rendered}")


def _set(root: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    if len(parts) > MAX_DEPTH:
        message = f"expected a key at most {MAX_DEPTH} levels deep, got {len(parts)}"
        raise ScenarioError([Problem(override_source(key, value), key[:80], message)])
    node: Any = root
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _list_index(node, part, key, where, value)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
        else:
            message = "cannot set a key inside a plain value"
            raise ScenarioError([Problem(override_source(key, value), where, message)])


def _list_index(node: list[Any], part: str, key: str, where: str, value: Any) -> int:
    if not part.isdigit() or int(part) >= len(node):
        message = f"expected a list index from 0 to {len(node) - 1}, got {part!r}"
        raise ScenarioError([Problem(override_source(key, value), where, message)])
    return int(part)
