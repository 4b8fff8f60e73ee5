"""The fitted scenario as commented YAML: each value says how it was fitted and from what.

What the export cannot tell (handle-time and patience shapes, the channel, staffing without
an ``agents`` column, costs) is marked ``assumption``. The text is validated by the scenario
loader before it is returned, so a written ``scenario.yaml`` always loads and runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from klarsim.config import Scenario, parse_scenario
from klarsim.fitting.days import DAYS_PER_WEEK, HOURS_PER_DAY, Days
from klarsim.fitting.estimators import MIN_DAYS_FOR_GROWTH, Estimates
from klarsim.fitting.export import Export
from klarsim.fitting.profiles import WEEKDAY_NAMES, ShapeTest, weekday_shapes

POOL = "staff"
ASSUMED_PATIENCE_MIN = 3.0
"""Mean patience written when the export cannot tell it (assumption)."""
REPLICATIONS = 5
MINUTES_PER_HOUR = 60.0
MAX_INTENT_NAME = 50


@dataclass(frozen=True)
class Fitted:
    """Everything the YAML and the fit table are written from."""

    export: Export
    days: Days
    point: Estimates
    bounds: dict[str, tuple[float, float]]
    patience_method: str
    shape: ShapeTest
    roster: list[float] | None
    channel: str
    name: str

    def parameters(self) -> Iterator[tuple[str, str, str]]:
        """(scenario key, estimate name, method) of every fitted value."""
        demand = self.demand_method()
        yield "demand.contacts_per_day", "contacts_per_day", demand
        yield "demand.growth_per_year", "growth_per_year", self.growth_method()
        for day in range(DAYS_PER_WEEK):
            yield f"demand.weekly_profile.{day}", f"weekly_profile.{day}", demand
        for hour in range(HOURS_PER_DAY):
            method = f"offered in hour {hour} over {self.days.count} whole days / mean hour"
            yield f"demand.hourly_profile.{hour}", f"hourly_profile.{hour}", method
        cv = "method of moments: variance of daily totals beyond Poisson after weekday and trend"
        yield "demand.day_to_day_cv", "day_to_day_cv", cv
        for queue, intent in intent_names(self.export.queues).items():
            yield f"demand.intents.{intent}.share", f"share.{queue}", "offered share of the queue"
            yield (
                f"demand.intents.{intent}.handle_time_min.mean",
                f"handle_time_min.{queue}",
                "answered-weighted mean of aht_s / 60",
            )
        if self.patience_method != "none":
            yield (
                f"customers.patience_min.{self.channel}.mean",
                "patience_mean_min",
                self.patience_text(),
            )

    def demand_method(self) -> str:
        return (
            f"Poisson GLM (statsmodels, log link) of {self.days.count} daily totals of offered "
            "on weekday" + (" and time" if self._with_growth() else "")
        )

    def growth_method(self) -> str:
        if self._with_growth():
            return "exp(GLM time coefficient per year) - 1"
        return f"assumption: fewer than {MIN_DAYS_FOR_GROWTH} whole days, growth not estimated"

    def _with_growth(self) -> bool:
        return self.days.count >= MIN_DAYS_FOR_GROWTH

    def patience_text(self) -> str:
        if self.patience_method == "erlang_a":
            return (
                "Erlang A (M/M/c+M) per interval with its staffed agents and the fitted mean "
                "handle time; binomial likelihood of abandoned given offered, maximised"
            )
        return "P(abandon) = E[wait] / mean patience, E[wait] from asa_s (known-biased)"


def intent_names(queues: tuple[str, ...]) -> dict[str, str]:
    """An intent name per queue: letters, digits, - and _ only (others become _), unique."""
    names: dict[str, str] = {}
    for queue in queues:
        base = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in queue)
        base = (base.strip("_") or "queue")[:MAX_INTENT_NAME]
        name, count = base, 1
        while name in names.values():
            count += 1
            name = f"{base}_{count}"
        names[queue] = name
    return names


def scenario_text(fitted: Fitted) -> tuple[str, Scenario, list[str]]:
    """The commented YAML, the scenario it loads as, and notes for the user."""
    notes = _notes(fitted)
    lines = [*_header(fitted, notes), *_experiment(fitted), *_demand(fitted)]
    lines += [*_customers(fitted), *_pools(fitted)]
    text = "\n".join(lines) + "\n"
    scenario = parse_scenario(yaml.safe_load(text), source=f"{fitted.name} (fitted)")
    return text, scenario, notes


def _interval(fitted: Fitted, key: str, digits: int = 3) -> str:
    low, high = fitted.bounds[key]
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no interval"
    return f"95% CI {low:.{digits}g} to {high:.{digits}g}"


def _notes(fitted: Fitted) -> list[str]:
    notes = []
    if fitted.shape.differs:
        notes.append(
            "weekdays have clearly different hourly shapes (chi-square p = "
            f"{fitted.shape.p_value:.2g}, Cramer's V = {fitted.shape.cramers_v:.3f}): each "
            "weekday's own shape is in hourly_profile_by_weekday (see fit_profiles.csv)"
        )
    if fitted.export.filled:
        notes.append(
            f"{fitted.export.filled} interval(s) missing from the export were taken as "
            "zero contacts"
        )
    if fitted.patience_method == "none":
        notes.append("patience cannot be fitted from this export: see scenario.yaml")
    return notes


def _header(fitted: Fitted, notes: list[str]) -> list[str]:
    days = fitted.days
    first = days.start.toordinal() + int(days.day_number.min())
    last = days.start.toordinal() + int(days.day_number.max())
    from datetime import date  # noqa: PLC0415

    lines = [
        f"# Fitted by klarsim fit from {fitted.export.source}: {days.count} whole days "
        f"({date.fromordinal(first)} to {date.fromordinal(last)}), "
        f"{fitted.export.interval_min}-minute intervals.",
        "# Each fitted value says how it was fitted; 'assumption' marks what the export",
        "# cannot tell. Intervals are 95 % bootstrap intervals over days (fit.csv).",
    ]
    lines += [f"# NOTE: {note}" for note in notes]
    lines += [f"name: {fitted.name}", f"description: Fitted to {_quoted(fitted.export.source)}."]
    return lines


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"').strip().removesuffix("...").strip()


def _experiment(fitted: Fitted) -> list[str]:
    horizon = int(fitted.days.day_number.max()) + 1
    return [
        "experiment:",
        f"  start_date: {fitted.days.start.isoformat()}  # the Monday on or before the start",
        f"  horizon_days: {horizon}  # through the export's last whole day",
        f"  interval_min: {fitted.export.interval_min}  # the export's interval",
        f"  replications: {REPLICATIONS}  # assumption: raise for tighter intervals",
    ]


def _demand(fitted: Fitted) -> list[str]:
    point = fitted.point
    weekly = [round(point[f"weekly_profile.{day}"], 4) for day in range(DAYS_PER_WEEK)]
    hourly = [round(point[f"hourly_profile.{hour}"], 4) for hour in range(HOURS_PER_DAY)]
    count = fitted.days.count
    return [
        "demand:",
        f"  # {fitted.demand_method()}; arrivals are offered contacts, not answered ones",
        f"  contacts_per_day: {point['contacts_per_day']:.1f}  # the mean day at start_date, "
        f"{_interval(fitted, 'contacts_per_day', 4)}",
        f"  growth_per_year: {point['growth_per_year']:.4f}  # {fitted.growth_method()}, "
        f"{_interval(fitted, 'growth_per_year')}",
        f"  weekly_profile: {weekly}  # Monday first, mean 1; GLM weekday effects",
        f"  # offered by hour over {count} whole days, mean 1 (one shape for every weekday"
        + (": weekdays DIFFER, see fit.csv)" if fitted.shape.differs else ", as tested)"),
        f"  hourly_profile: {hourly}",
        *_weekday_shapes(fitted),
        f"  day_to_day_cv: {point['day_to_day_cv']:.4f}  # gamma day multiplier: variance of "
        f"daily totals beyond Poisson (method of moments), {_interval(fitted, 'day_to_day_cv')}",
        "  intents:",
        *_intents(fitted),
    ]


def _weekday_shapes(fitted: Fitted) -> list[str]:
    """Each weekday's own hourly shape, when the weekdays clearly differ (none otherwise)."""
    if not fitted.shape.differs:
        return []
    lines = [
        "  # weekdays differ: each weekday's offered by hour over its whole days, mean 1",
        "  hourly_profile_by_weekday:",
    ]
    return lines + [f"    {day}: {shape}" for day, shape in weekday_shapes(fitted.days).items()]


def _intents(fitted: Fitted) -> list[str]:
    shares = [round(fitted.point[f"share.{queue}"], 6) for queue in fitted.export.queues]
    shares[-1] = round(1 - sum(shares[:-1]), 6)
    lines = []
    names = intent_names(fitted.export.queues)
    for queue, share in zip(fitted.export.queues, shares, strict=True):
        key = f"handle_time_min.{queue}"
        mean = fitted.point[key]
        shown = f"{mean:.3f}" if math.isfinite(mean) else "5.0"
        how = (
            f"answered-weighted aht_s, {_interval(fitted, key)}"
            if math.isfinite(mean)
            else "assumption: nothing answered in this queue"
        )
        lines += [
            f"    {names[queue]}:  # queue {_quoted(queue)}",
            f"      share: {share}  # offered share, {_interval(fitted, f'share.{queue}')}",
            f"      channel: {fitted.channel}  # from --channel (the export does not say)",
            f"      handle_time_min: {{dist: exponential, mean: {shown}}}  # mean: {how}; "
            "exponential shape: assumption",
        ]
    return lines


def _customers(fitted: Fitted) -> list[str]:
    mean = fitted.point["patience_mean_min"]
    lines = ["customers:", "  patience_min:"]
    if fitted.patience_method == "none" and fitted.days.abandoned.sum() <= 0:
        return [
            "customers:",
            "  patience_min: {}  # nobody abandoned in the export: no abandonment",
        ]
    if fitted.patience_method == "none" or not math.isfinite(mean):
        lines.append(
            f"    {fitted.channel}: {{dist: exponential, mean: {ASSUMED_PATIENCE_MIN}}}  # "
            "assumption: the export has neither agents nor asa_s to fit patience from"
        )
        return lines
    lines.append(
        f"    {fitted.channel}: {{dist: exponential, mean: {mean:.3f}}}  # "
        f"{fitted.patience_text()}; {_interval(fitted, 'patience_mean_min')}; "
        "exponential shape: assumption"
    )
    return lines


def _pools(fitted: Fitted) -> list[str]:
    roster, how = _roster(fitted)
    headcount = max(1, math.ceil(max(roster)))
    skills = ", ".join(intent_names(fitted.export.queues).values())
    rows = [
        ", ".join(f"{value:g}" for value in roster[day * HOURS_PER_DAY : (day + 1) * HOURS_PER_DAY])
        for day in range(DAYS_PER_WEEK)
    ]
    body = ",\n".join(f"        {row}" for row in rows)
    return [
        "pools:",
        f"  {POOL}:",
        "    kind: employee",
        f"    headcount: {headcount}  # the roster's peak, so its counts are staffed as written",
        "    roster:",
        f"      for_headcount: {headcount}",
        f"      # {how}; a line per day, Monday first ({', '.join(WEEKDAY_NAMES)})",
        "      hours_of_week: [",
        body,
        "      ]",
        f"    skills: [{skills}]",
        "    shrinkage: 0.0  # assumption: the export's staffed agents are all available",
    ]


def _roster(fitted: Fitted) -> tuple[list[float], str]:
    """Agents by hour of week: the export's, else square-root staffing (an assumption)."""
    if fitted.roster is not None:
        weeks = fitted.export.table["interval_start"].dt.isocalendar().week.nunique()
        return fitted.roster, f"mean staffed agents by hour of week over {weeks} week(s)"
    point = fitted.point
    aht = sum(
        point[f"share.{queue}"] * point[f"handle_time_min.{queue}"]
        for queue in fitted.export.queues
        if math.isfinite(point[f"handle_time_min.{queue}"])
    )
    roster = []
    for day in range(DAYS_PER_WEEK):
        for hour in range(HOURS_PER_DAY):
            per_hour = (
                point["contacts_per_day"]
                * point[f"weekly_profile.{day}"]
                * point[f"hourly_profile.{hour}"]
                / HOURS_PER_DAY
            )
            load = per_hour / MINUTES_PER_HOUR * aht  # contacts per minute x minutes
            roster.append(float(math.ceil(load + math.sqrt(load))) if load > 0 else 0.0)
    return roster, "assumption: no agents column; square-root staffing (load + sqrt(load))"


__all__ = ["Fitted", "scenario_text"]
