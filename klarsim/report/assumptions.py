"""The scenarios' assumptions: main parameters side by side, descriptions and resolved YAML.

Reads the resolved scenario files as plain mappings (no validation): the report describes what
was run, whatever version of the schema wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from klarsim.report.html import details, heading, paragraph, table
from klarsim.results.reader import ScenarioText

Values = Mapping[str, Any]
Parameter = tuple[str, Callable[[Values], str]]


def assumptions(scenarios: Sequence[ScenarioText]) -> list[Markup]:
    """The parameters table (a column per scenario), then each description and YAML."""
    parts = [parameters_table(scenarios)]
    for scenario in scenarios:
        parts.append(heading(scenario.name))
        description = str(scenario.values.get("description") or "(no description)")
        parts.append(paragraph(description))
        parts.append(details(f"resolved scenario: {scenario.name}.yaml", scenario.text))
    return parts


def parameters_table(scenarios: Sequence[ScenarioText]) -> Markup:
    """Rows of main parameters, one column per scenario."""
    headers = ["parameter", *(scenario.name for scenario in scenarios)]
    rows = parameter_rows(scenarios)
    return table(headers, rows, table_id="parameters-table", text_columns=len(headers))


def parameter_rows(scenarios: Sequence[ScenarioText]) -> list[list[str]]:
    """Each main parameter (then each pool) and its value in every scenario."""
    rows = [
        [label, *(read(scenario.values) for scenario in scenarios)] for label, read in PARAMETERS
    ]
    for pool in _pool_names(scenarios):
        rows.append([f"pool {pool}", *(_pool(scenario.values, pool) for scenario in scenarios)])
    return rows


def _get(values: Values, dotted: str) -> Any:
    current: Any = values
    for key in dotted.split("."):
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def _text(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    if isinstance(value, float):
        value = f"{value:,.6g}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return f"{value}{unit}"


def _field(dotted: str, unit: str = "") -> Callable[[Values], str]:
    return lambda values: _text(_get(values, dotted), unit)


def _ai_share(values: Values) -> str:
    ai = _get(values, "ai")
    if not isinstance(ai, Mapping):
        return "no AI tier"
    share = ai.get("share")
    return f"{float(share):.0%}" if isinstance(share, int | float) else _text(share)


def _intents(values: Values) -> str:
    intents = _get(values, "demand.intents")
    if not isinstance(intents, Mapping):
        return "-"
    return ", ".join(
        f"{name} {float(spec.get('share', 0)):.0%}" if isinstance(spec, Mapping) else str(name)
        for name, spec in intents.items()
    )


def _seed(values: Values) -> str:
    """The seed is a name for the random streams, not an amount: no thousands separator."""
    seed = _get(values, "experiment.seed")
    return "-" if seed is None else str(seed)


def _count(dotted: str) -> Callable[[Values], str]:
    def read(values: Values) -> str:
        items = _get(values, dotted)
        return str(len(items)) if isinstance(items, list | Mapping) else "none"

    return read


PARAMETERS: list[Parameter] = [
    ("horizon (days)", _field("experiment.horizon_days")),
    ("warm-up (days)", _field("experiment.warmup_days")),
    ("replications (default)", _field("experiment.replications")),
    ("seed", _seed),
    ("scale", _field("experiment.scale")),
    ("contacts per day", _field("demand.contacts_per_day")),
    ("intents (share)", _intents),
    ("customers", _field("customers.population")),
    ("revenue per customer per year ($)", _field("customers.revenue_per_year")),
    ("AI share of contacts", _ai_share),
    ("a person whenever asked", _field("ai.human_on_request")),
    ("intents kept from the AI", _field("ai.excluded_intents")),
    ("AI price per resolution ($)", _field("ai.pricing.price_per_resolution")),
    ("AI platform cost per month ($)", _field("ai.pricing.platform_cost_per_month")),
    ("timeline actions", _count("timeline")),
    ("guardrails", _count("guardrails")),
]


def _pool_names(scenarios: Sequence[ScenarioText]) -> list[str]:
    names: dict[str, None] = {}
    for scenario in scenarios:
        pools = _get(scenario.values, "pools")
        if isinstance(pools, Mapping):
            names |= dict.fromkeys(str(name) for name in pools)
    return list(names)


def _pool(values: Values, name: str) -> str:
    pool = _get(values, f"pools.{name}")
    if not isinstance(pool, Mapping):
        return "-"
    parts = [str(pool.get("kind", "employee"))]
    if "headcount" in pool:
        parts.append(f"{pool['headcount']} agents")
    if "registered" in pool:
        parts.append(f"{pool['registered']} registered")
    online = pool.get("online_probability")
    if isinstance(online, int | float):
        parts.append(f"online {float(online):.0%} of blocks")
    if "cost_per_hour" in pool:
        parts.append(f"${pool['cost_per_hour']:g} per staffed hour")
    engaged = _get(pool, "pay.per_engaged_min")
    if isinstance(engaged, int | float):
        parts.append(f"${60 * float(engaged):g} per engaged hour")
    skills = pool.get("skills")
    if isinstance(skills, list):
        parts.append("skills: " + ", ".join(str(skill) for skill in skills))
    return "; ".join(parts)
