"""Scenario configuration: schema, YAML loading, dotted overrides and readable errors."""

from klarsim.config.errors import Problem, ScenarioError
from klarsim.config.loader import (
    load_scenario,
    parse_scenario,
    scenario_data,
    scenario_yaml,
    with_overrides,
)
from klarsim.config.schema import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "scenario_data",
    "scenario_yaml",
    "with_overrides",
]
