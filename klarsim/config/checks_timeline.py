"""Cross-key checks of the workforce, the timeline and the guardrails, each tied to a dotted key.

Every timeline action is checked at load time: its time inside the horizon (dates need a
Monday ``experiment.start_date``), its key changeable at run time with a valid value, its pool
of the right kind, a layoff no larger than the pool can be by then. A ramp must end inside the
horizon too, unless the horizon was shortened by an override (``klarsim.config.horizon``):
then it runs unfinished.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, assert_never

from pydantic import ValidationError

from klarsim.config.ai import DEFAULT_OUTCOME
from klarsim.config.checks import Finding, starting_checks
from klarsim.config.overrides import apply_overrides
from klarsim.config.roster import roster_findings
from klarsim.config.runtime_keys import runtime_key
from klarsim.config.schema import Scenario
from klarsim.config.timeline import (
    AiOutage,
    AiUpdate,
    CallUpGig,
    Dated,
    Freeze,
    Hire,
    Layoff,
    LowerAiShare,
    OpenHiring,
    Ramp,
    SetAt,
    SetValue,
    Unfreeze,
)
from klarsim.config.workforce import EmployeePool, GigPool

SHARE_TOLERANCE = 1e-6


def timeline_checks(scenario: Scenario, *, unfinished_ramps: bool = False) -> list[Finding]:
    """Every workforce, timeline and guardrail problem of a scenario (``unfinished_ramps``:
    a ramp may end past the horizon, which an override shortened)."""
    return [
        *_start_date(scenario),
        *roster_findings(scenario),
        *_timeline(scenario, unfinished_ramps),
        *_layoff_sizes(scenario),
        *_guardrails(scenario),
    ]


def _start_date(scenario: Scenario) -> Iterator[Finding]:
    start = scenario.experiment.start_date
    if start is not None and start.weekday() != 0:
        yield (
            "experiment.start_date",
            f"expected a Monday (time zero is Monday 00:00), got {start:%A} {start.isoformat()}",
        )


def _timeline(scenario: Scenario, unfinished_ramps: bool) -> Iterator[Finding]:
    for index, action in enumerate(scenario.timeline):
        where = f"timeline.{index}"
        yield from _when(scenario, action, where)
        match action:
            case SetAt():
                yield from _settable(scenario, action.key, action.value, where)
            case Ramp():
                yield from _ramp(scenario, action, where, unfinished_ramps)
            case Layoff() | Hire() | Freeze() | Unfreeze():
                yield from _pool_reference(scenario, action, where)
            case AiOutage() | AiUpdate():
                yield from _ai_action(scenario, action, where)
            case _:
                assert_never(action)


def _when(scenario: Scenario, action: Dated, where: str) -> Iterator[Finding]:
    experiment = scenario.experiment
    if action.date is not None and experiment.start_date is None:
        yield f"{where}.date", "a date needs experiment.start_date (or give day instead)"
        return
    day = action.at_day(experiment.start_date)
    if not 0 <= day < experiment.horizon_days:
        start = experiment.start_date if action.date is not None else None
        key = f"{where}.day" if action.day is not None else f"{where}.date"
        yield key, _outside(day, experiment.horizon_days, start)


def _outside(day: float, horizon_days: float, start: datetime.date | None) -> str:
    """Why a time (in days, or a date when ``start`` is given) falls outside the horizon."""
    if start is None:
        return (
            f"expected a day from 0 to before the horizon ({horizon_days:g} days), got {day:g}; "
            "move it or lengthen experiment.horizon_days"
        )
    end = start + datetime.timedelta(days=horizon_days)
    date = start + datetime.timedelta(days=day)
    return (
        f"expected a date from {start} to before {end} (the horizon), got {date}; "
        "move it or lengthen experiment.horizon_days"
    )


def _settable(scenario: Scenario, key: str, value: Any, where: str) -> Iterator[Finding]:
    found = runtime_key(key, scenario)
    if isinstance(found, str):
        yield f"{where}.key", found
        return
    data = scenario.model_dump(mode="json")
    data.pop("timeline", None)
    data.pop("guardrails", None)
    try:
        changed = Scenario.model_validate(apply_overrides(data, [(key, value)]))
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        yield f"{where}.value", f"invalid value {value!r} for {key}: {message}"
        return
    already = set(starting_checks(scenario))
    for finding in starting_checks(changed):
        if finding not in already:  # a problem of the scenario itself is reported on its key
            yield f"{where}.value", f"invalid value {value!r} for {key}: {finding[1]}"


def _ramp(scenario: Scenario, ramp: Ramp, where: str, unfinished: bool) -> Iterator[Finding]:
    found = runtime_key(ramp.key, scenario)
    if isinstance(found, str):
        yield f"{where}.key", found
        return
    if not found.numeric:
        yield f"{where}.key", f"{ramp.key} is not a number and cannot be ramped; use set"
        return
    for name in ("start_value", "end_value"):
        value = getattr(ramp, name)
        if value is not None:
            yield from _settable(scenario, ramp.key, value, f"{where}.{name}")
    experiment = scenario.experiment
    if ramp.end_date is not None and experiment.start_date is None:
        yield f"{where}.end_date", "a date needs experiment.start_date (or give end_day)"
        return
    start, end = ramp.at_day(experiment.start_date), ramp.end_at_day(experiment.start_date)
    end_key = f"{where}.end_day" if ramp.end_day is not None else f"{where}.end_date"
    if end <= start:
        yield end_key, f"expected the end after the start (day {start:g}), got day {end:g}"
    elif end > experiment.horizon_days and not unfinished:
        start_date = experiment.start_date if ramp.end_date is not None else None
        yield end_key, _outside(end, experiment.horizon_days, start_date)


def _pool_reference(
    scenario: Scenario, action: Layoff | Hire | Freeze | Unfreeze, where: str
) -> Iterator[Finding]:
    if action.pool is None:
        return
    pool = scenario.pools.get(action.pool)
    if pool is None:
        known = ", ".join(scenario.pools)
        yield f"{where}.pool", f"unknown pool {action.pool!r}; expected one of: {known}"
    elif isinstance(action, Layoff) and not isinstance(pool, EmployeePool):
        yield f"{where}.pool", f"layoffs need an employee pool; {action.pool!r} is a gig pool"


def _ai_action(scenario: Scenario, action: AiOutage | AiUpdate, where: str) -> Iterator[Finding]:
    ai = scenario.ai
    if ai is None:
        yield f"{where}.action", f"{action.action} needs an ai section"
        return
    if isinstance(action, AiOutage):
        return
    intents = scenario.demand.intents
    for name, row in action.outcomes.items():
        if name != DEFAULT_OUTCOME and name not in intents:
            known = ", ".join(intents)
            yield f"{where}.outcomes.{name}", f"unknown intent; expected 'default' or: {known}"
        if abs(row.total() - 1.0) > SHARE_TOLERANCE:
            yield (
                f"{where}.outcomes.{name}",
                f"expected probabilities that sum to 1, got {row.total():.6g}",
            )


def _layoff_sizes(scenario: Scenario) -> Iterator[Finding]:
    """A layoff may not exceed the pool's headcount plus earlier hires less earlier layoffs."""
    start_date = scenario.experiment.start_date
    planned = {
        name: pool.headcount
        for name, pool in scenario.pools.items()
        if isinstance(pool, EmployeePool)
    }
    dated = [
        (action.at_day(start_date), index, action)
        for index, action in enumerate(scenario.timeline)
        if isinstance(action, Layoff | Hire)
        and action.pool in planned
        and (action.date is None or start_date is not None)
    ]
    for _, index, action in sorted(dated, key=lambda item: (item[0], item[1])):
        if isinstance(action, Hire):
            planned[action.pool] += action.count
        elif action.count > planned[action.pool]:
            yield (
                f"timeline.{index}.count",
                f"expected at most {planned[action.pool]} (pool {action.pool!r} by then), "
                f"got {action.count}",
            )
        else:
            planned[action.pool] -= action.count


def _guardrails(scenario: Scenario) -> Iterator[Finding]:
    names: set[str] = set()
    for index, rule in enumerate(scenario.guardrails):
        where = f"guardrails.{index}"
        if rule.name in names:
            yield f"{where}.name", f"expected a unique name, got {rule.name!r} twice"
        names.add(rule.name)
        if rule.start_date is not None and scenario.experiment.start_date is None:
            yield f"{where}.start_date", "a date needs experiment.start_date (or give start_day)"
        if rule.metric == "trust_mean" and scenario.customers.population is None:
            yield f"{where}.metric", "trust_mean needs customers.population"
        yield from _guardrail_action(scenario, rule.then, f"{where}.then")


def _guardrail_action(
    scenario: Scenario, action: LowerAiShare | CallUpGig | OpenHiring | SetValue, where: str
) -> Iterator[Finding]:
    match action:
        case LowerAiShare():
            if scenario.ai is None:
                yield f"{where}.action", "lower_ai_share needs an ai section"
        case SetValue():
            yield from _settable(scenario, action.key, action.value, where)
        case CallUpGig() | OpenHiring():
            yield from _pool_for(scenario, action, where)
        case _:
            assert_never(action)


def _pool_for(scenario: Scenario, action: CallUpGig | OpenHiring, where: str) -> Iterator[Finding]:
    """The pool a guardrail acts on exists and is of the right kind."""
    pool = scenario.pools.get(action.pool)
    wanted = GigPool if isinstance(action, CallUpGig) else (EmployeePool, GigPool)
    if pool is None:
        known = ", ".join(scenario.pools)
        yield f"{where}.pool", f"unknown pool {action.pool!r}; expected one of: {known}"
    elif not isinstance(pool, wanted):
        yield f"{where}.pool", f"call_up_gig needs a gig pool; {action.pool!r} is not one"
