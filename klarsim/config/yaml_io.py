"""Safe, bounded YAML reading that rejects duplicate keys and remembers the line of every key.

A small hostile file must not exhaust memory or the stack, so the document is measured while
it is composed, before anything is constructed or walked: at most ``MAX_TEXT_BYTES`` of text,
``MAX_DEPTH`` levels of nesting, and aliases that expand to at most ``MAX_ALIAS_NODES`` nodes
in all (a "billion laughs" file is refused at its first few levels). An alias to a node that
contains it (a cycle) is refused too. Each limit is named in its message.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from klarsim.config.errors import Problem, ScenarioError

KeyPath = tuple[str | int, ...]

MAX_TEXT_BYTES = 1024 * 1024
"""1 MiB: the largest bundled scenario is about 10 KiB."""
MAX_DEPTH = 50
"""Levels of nesting (the schema needs about 8)."""
MAX_ALIAS_NODES = 100_000
"""Nodes that aliases may add to a document when expanded, counted over all aliases."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a repeated key is an error instead of a silent win,
    and that nesting and alias expansion are bounded while the document is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._alias_nodes = 0
        self._shapes: dict[int, tuple[int, int]] = {}
        """Each composed node's size and height with its aliases expanded, by ``id``."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, refusing deep nesting and large or cyclic alias expansion."""
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _limit(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        shapes = [self._shapes.get(id(child), (1, 1)) for child in _children(node)]
        size = 1 + sum(size for size, _ in shapes)
        height = 1 + max((height for _, height in shapes), default=0)
        self._shapes[id(node)] = (size, height)
        return node

    def _count_alias(self, event: yaml.Event) -> None:
        anchor = getattr(event, "anchor", None)
        target = self.anchors.get(anchor)
        if target is None:
            return  # undefined: PyYAML reports it
        shape = self._shapes.get(id(target))
        if shape is None:
            raise _limit(f"alias *{anchor} refers to a node that contains it", event.start_mark)
        size, height = shape
        if self._depth + height > MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels (aliases expanded)"
            raise _limit(message, event.start_mark)
        self._alias_nodes += size
        if self._alias_nodes > MAX_ALIAS_NODES:
            message = f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes"
            raise _limit(message, event.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _limit(message: str, mark: Any) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(None, None, message, mark)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "expected a plain key, got a list or mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error or a limit becomes a ``ScenarioError`` with the line."""
    return read_yaml_with_lines(text, source)[0]


def read_yaml_with_lines(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML text once: the data, and the (1-based) line of every key path in it."""
    check_size(len(text.encode("utf-8", errors="replace")), source)
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)  # reads the first characters: may refuse a control character
        root = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        _walk(root, (), lines, set())
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"invalid YAML: {error.problem or error.context}"
        raise ScenarioError([Problem(source, "", message, line)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"invalid YAML: a control character (#x{error.character:02x}) is not allowed"
        raise ScenarioError([Problem(source, "", message, line)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(source, "", f"invalid YAML: {error}")]) from None
    except CONSTRUCTION_ERRORS as error:
        raise ScenarioError([Problem(source, "", f"invalid YAML: {unreadable(error)}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def load_value(text: str) -> Any:
    """One YAML value (a ``--set`` value), read with the same limits as a file; raises
    ``ValueError`` (``yaml.YAMLError`` or a limit) with what is wrong."""
    if len(text.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
        raise ValueError(f"longer than the limit of {MAX_TEXT_BYTES:,} bytes")
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except CONSTRUCTION_ERRORS as error:
        raise ValueError(unreadable(error)) from None
    finally:
        loader.dispose()


CONSTRUCTION_ERRORS = (ValueError, LookupError, AttributeError, TypeError, OverflowError)
"""What PyYAML's constructors raise, beside ``YAMLError``, on a value they cannot read: an
integer of more than 4300 digits, or a malformed value with an explicit tag (``!!float``
with nothing after it raises IndexError, ``!!timestamp x`` AttributeError, ``!!bool x``
KeyError)."""


def unreadable(error: Exception) -> str:
    """What is wrong, for a constructor error that is not a ``YAMLError``."""
    if isinstance(error, ValueError) and "digits" in str(error):
        return "a number too long to read (more than 4300 digits)"
    return f"a value its type cannot read ({error.__class__.__name__}: {error})"


def check_size(size: int, source: str) -> None:
    """Refuse a text beyond ``MAX_TEXT_BYTES``, naming the limit."""
    if size > MAX_TEXT_BYTES:
        message = f"file too large: expected at most {MAX_TEXT_BYTES:,} bytes (1 MiB)"
        raise ScenarioError([Problem(source, "", message)])


def line_numbers(text: str) -> dict[KeyPath, int]:
    """Map every key path in the YAML text to the (1-based) line where it appears."""
    try:
        return read_yaml_with_lines(text, "<text>")[1]
    except ScenarioError:
        return {}


def _walk(node: yaml.Node | None, path: KeyPath, lines: dict[KeyPath, int], seen: set[int]) -> None:
    """Record the line of every key under ``node``; an aliased subtree is entered once only
    (its keys keep the lines of its first appearance), so aliases never multiply the work."""
    if not isinstance(node, yaml.MappingNode | yaml.SequenceNode) or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: the constructor refuses it
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, seen)
    else:
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines, seen)
