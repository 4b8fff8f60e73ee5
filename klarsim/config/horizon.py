"""Quick looks: a horizon given as an override cuts the dated items that fall past it.

``--days``, ``--set experiment.horizon_days=...`` or ``overrides=`` in Python may shorten a
scenario to look at its first weeks. Timeline actions, guardrails and AI outages that would
start on or after the new horizon are dropped, each named in a ``ScenarioWarning``; a ramp
that starts inside and ends past it is kept and runs unfinished (at the horizon its value is
where its straight line has got to). A scenario file whose own ``horizon_days`` misses its
timeline is still an error: only an override cuts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from klarsim.config.schema import Scenario
from klarsim.config.timeline import Guardrail, Ramp, TimelineAction

HORIZON_KEY = "experiment.horizon_days"
"""The override that cuts: ``--days`` becomes it on the command line."""
Item = TypeVar("Item")


class ScenarioWarning(UserWarning):
    """Something about a scenario to know before trusting its results (printed, not fatal)."""


@dataclass(frozen=True)
class HorizonCut:
    """A scenario cut to its horizon, notes on what changed, and where kept entries came from."""

    scenario: Scenario
    notes: list[str] = field(default_factory=list)
    kept: dict[str, list[int]] = field(default_factory=dict)
    """For ``timeline``, ``guardrails`` and ``ai.outages``: each kept entry's original index."""

    def original_key(self, key: str) -> str:
        """A dotted key of the cut scenario as it reads in the scenario given."""
        for name, indices in self.kept.items():
            match = re.fullmatch(rf"{re.escape(name)}\.(\d+)(\..*)?", key)
            if match is not None and int(match.group(1)) < len(indices):
                return f"{name}.{indices[int(match.group(1))]}{match.group(2) or ''}"
        return key


def cut_to_horizon(scenario: Scenario) -> HorizonCut:
    """Drop the timeline actions, guardrails and AI outages that start past the horizon."""
    horizon = scenario.experiment.horizon_days
    start = scenario.experiment.start_date
    outages = list(scenario.ai.outages) if scenario.ai is not None else []
    kept = {
        "timeline": _kept(scenario.timeline, lambda action: _action_day(action, start), horizon),
        "guardrails": _kept(scenario.guardrails, lambda rule: _rule_day(rule, start), horizon),
        "ai.outages": _kept(outages, lambda outage: outage.start_day, horizon),
    }
    update: dict[str, object] = {
        "timeline": [scenario.timeline[index] for index in kept["timeline"]],
        "guardrails": [scenario.guardrails[index] for index in kept["guardrails"]],
    }
    if scenario.ai is not None:
        kept_outages = [outages[index] for index in kept["ai.outages"]]
        update["ai"] = scenario.ai.model_copy(update={"outages": kept_outages})
    dropped = _dropped(scenario, kept, start)
    notes = [_dropped_note(horizon, dropped)] if dropped else []
    notes += _unfinished_ramps(scenario, kept["timeline"], start)
    return HorizonCut(scenario.model_copy(update=update), notes, kept)


def _kept(items: Sequence[Item], day: Callable[[Item], float], horizon: float) -> list[int]:
    """Indices of the items that start before the horizon."""
    return [index for index, item in enumerate(items) if day(item) < horizon]


def _action_day(action: TimelineAction, start: datetime.date | None) -> float:
    """When an action happens; -1 (kept, for the checks to report) for a date without a start."""
    return -1.0 if action.date is not None and start is None else action.at_day(start)


def _rule_day(rule: Guardrail, start: datetime.date | None) -> float:
    """When a guardrail is first evaluated; -1 (kept) for a date without a start."""
    return -1.0 if rule.start_date is not None and start is None else rule.first_day(start)


def _dropped(
    scenario: Scenario, kept: dict[str, list[int]], start: datetime.date | None
) -> list[str]:
    """Each dropped item: its dotted key, what it is and when."""
    notes = [
        f"timeline.{index} ({_what(action)} on day {action.at_day(start):g})"
        for index, action in enumerate(scenario.timeline)
        if index not in kept["timeline"]
    ]
    notes += [
        f"guardrails.{index} ({rule.name}, from day {rule.first_day(start):g})"
        for index, rule in enumerate(scenario.guardrails)
        if index not in kept["guardrails"]
    ]
    outages = scenario.ai.outages if scenario.ai is not None else []
    notes += [
        f"ai.outages.{index} (day {outage.start_day:g})"
        for index, outage in enumerate(outages)
        if index not in kept["ai.outages"]
    ]
    return notes


def _what(action: TimelineAction) -> str:
    """An action in a few words: ``ramp of ai.share``, ``layoff in agents``."""
    key = getattr(action, "key", None)
    pool = getattr(action, "pool", None)
    if key is not None:
        return f"{action.action} of {key}"
    return f"{action.action} in {pool}" if pool is not None else action.action


def _dropped_note(horizon: float, dropped: list[str]) -> str:
    return (
        f"{HORIZON_KEY}={horizon:g} (given as an override) ends before "
        f"{len(dropped)} dated item(s), dropped from this run: {', '.join(dropped)}"
    )


def _unfinished_ramps(
    scenario: Scenario, kept: list[int], start: datetime.date | None
) -> list[str]:
    """A note for each kept ramp that ends past the horizon: it runs unfinished."""
    horizon = scenario.experiment.horizon_days
    notes = []
    for index in kept:
        ramp = scenario.timeline[index]
        if not isinstance(ramp, Ramp) or (ramp.end_date is not None and start is None):
            continue
        end = ramp.end_at_day(start)
        if end > horizon:
            notes.append(
                f"timeline.{index} (ramp of {ramp.key} to {ramp.end_value:g} by day {end:g}) "
                f"runs unfinished: the run ends on day {horizon:g}"
            )
    return notes
