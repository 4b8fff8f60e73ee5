"""Safe YAML reading that rejects duplicate keys and remembers the line of every key."""

from __future__ import annotations

from typing import Any

import yaml

from klarsim.config.errors import Problem, ScenarioError

KeyPath = tuple[str | int, ...]


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a repeated key is an error instead of a silent win."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes a ``ScenarioError`` with the file and line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"invalid YAML: {error.problem or error.context}"
        raise ScenarioError([Problem(source, "", message, line)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(source, "", f"invalid YAML: {error}")]) from None


def line_numbers(text: str) -> dict[KeyPath, int]:
    """Map every key path in the YAML text to the (1-based) line where it appears."""
    lines: dict[KeyPath, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    _walk(root, (), lines)
    return lines


def _walk(node: yaml.Node | None, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)
