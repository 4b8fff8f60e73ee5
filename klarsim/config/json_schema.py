"""The JSON Schema of the scenario format, for editors that check YAML while it is typed.

Built from the pydantic models, with each key's docstring as its description. Pydantic writes
the bounds of numbers that also have a ``BeforeValidator`` as ``ge``/``le``/``gt``/``lt``, which
JSON Schema does not know, and puts the pattern of a mapping's names only into
``patternProperties`` (so a name that misses it would pass): both are fixed here so the schema
refuses what the loader refuses. The checks across keys (``checks.py``, ``checks_timeline.py``
and the models' own ``model_validator``s) cannot be expressed and are listed in docs/running.md.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from klarsim.config.schema import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "scenario.schema.json"
"""The schema's file name beside the bundled scenarios (``scenarios/scenario.schema.json``)."""
BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
"""Pydantic's bound names and their JSON Schema keywords."""


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = _fixed(_described(Scenario.model_json_schema()))
    return {
        "$schema": DIALECT,
        "title": "klarsim scenario",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def scenario_json_schema_text() -> str:
    """The schema as the text ``klarsim schema`` writes: sorted keys, two-space indent."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _described(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each model field's docstring as its description, as pydantic's
    ``use_attribute_docstrings`` would put it (read here, only when the schema is made)."""
    models = {model.__name__: model for model in _models(BaseModel)}
    definitions: dict[str, Any] = schema.get("$defs", {})
    for name, node in [(Scenario.__name__, schema), *definitions.items()]:
        model = models.get(name)
        if model is None:
            continue
        docstrings = _field_docstrings(model)
        for field, property_schema in node.get("properties", {}).items():
            if field in docstrings and "description" not in property_schema:
                property_schema["description"] = docstrings[field]
    return schema


def _models(base: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model class defined in klarsim.config below ``base``."""
    found = []
    for model in base.__subclasses__():
        if model.__module__.startswith("klarsim.config"):
            found.append(model)
        found += _models(model)
    return found


def _field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstrings under a model's fields, its bases' first (a subclass's own win)."""
    from pydantic._internal._docs_extraction import (  # noqa: PLC0415  # only for the schema
        extract_docstrings_from_cls,
    )

    docstrings: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            docstrings.update(extract_docstrings_from_cls(cls, use_inspect=True))
    return {name: text for name, text in docstrings.items() if name in model.model_fields}


def _fixed(node: Any) -> Any:
    """A copy of a schema node with bounds renamed and name patterns moved into propertyNames."""
    if isinstance(node, list):
        return [_fixed(item) for item in node]
    if not isinstance(node, dict):
        return node
    fixed = {BOUNDS.get(key, key): _fixed(value) for key, value in node.items()}
    if "patternProperties" in fixed and "propertyNames" in fixed:
        (pattern, value), *others = fixed["patternProperties"].items()
        if not others:
            del fixed["patternProperties"]
            fixed["propertyNames"] = {**fixed["propertyNames"], "pattern": pattern}
            fixed["additionalProperties"] = value
    return fixed
