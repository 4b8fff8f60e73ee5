"""Dotted overrides (``--set demand.contacts_per_day=5000``) applied to raw scenario data.

Values are parsed as YAML scalars or flow collections, mapping entries are addressed by key
and list items by index. Missing mapping levels are created, so a feature can be switched on.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from klarsim.config.errors import Problem, ScenarioError

Override = tuple[str, Any]
"""A dotted key and the value to put there."""


def parse_override(text: str) -> Override:
    """Split ``key.path=value`` and parse the value as YAML (``5`` is an int, ``flat`` a string)."""
    key, separator, raw_value = text.partition("=")
    key = key.strip()
    if not separator or not key:
        message = "expected KEY=VALUE, for example demand.contacts_per_day=5000"
        raise ScenarioError([Problem(source=f"--set {text}", key="", message=message)])
    try:
        value = yaml.safe_load(raw_value) if raw_value.strip() else ""
    except yaml.YAMLError as error:
        message = f"value is not valid YAML: {error}"
        raise ScenarioError([Problem(source=f"--set {text}", key=key, message=message)]) from None
    return key, value


def parse_overrides(texts: Iterable[str] | Mapping[str, Any] | None) -> list[Override]:
    """Accept ``["k=v", ...]`` from the CLI or ``{"k": v}`` from Python."""
    if texts is None:
        return []
    if isinstance(texts, Mapping):
        return [(str(key), value) for key, value in texts.items()]
    return [parse_override(text) for text in texts]


def apply_overrides(data: Mapping[str, Any], overrides: list[Override]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with every override set; the input is left untouched."""
    result: dict[str, Any] = copy.deepcopy(dict(data))
    for key, value in overrides:
        _set(result, key, value)
    return result


def override_source(key: str, value: Any) -> str:
    """How an override is named in error messages."""
    rendered = yaml.safe_dump(value, default_flow_style=True).removesuffix("...\n").strip()
    return f"--set {key}={rendered}"


def _set(root: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
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
