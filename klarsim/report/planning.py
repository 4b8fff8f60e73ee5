"""The report of a plan (``klarsim staff``): the findings of a staffing or capacity plan.

A weekly staffing plan finds the agents needed at the peak, the paid hours and FTE they take,
and whether each interval meets the service-level target with its 95% interval; a capacity plan
(``--by month``) finds the months' FTE path against the scenario's own headcount. Shared by
``report.html`` and ``report.pptx``; the plan's tables are in ``planning_tables``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from klarsim.plots.measures import measure
from klarsim.plots.staffing import DAY_NAMES, MINUTES_PER_DAY
from klarsim.report.findings import MOST_FINDINGS, Finding, amount_text, decimals_for
from klarsim.results.reader import ResultsFolder

DEFAULT_CONTRACT_HOURS = 40.0
LOWER_IS_BETTER = frozenset({"asa_min", "abandonment_rate"})
"""Targets that are ceilings; the service level is a floor."""


def targets_of(folder: ResultsFolder) -> dict[str, float]:
    """The plan's targets, ``KPI=VALUE`` in the manifest's job, as a mapping."""
    found = {}
    for target in folder.job.get("targets", []):
        kpi, _, value = str(target).partition("=")
        try:
            found[kpi] = float(value)
        except ValueError:
            continue
    return found


def planning_question(folder: ResultsFolder) -> str:
    """What the plan asks: the agents each pool needs to meet the targets."""
    name = ", ".join(folder.scenario_names) or folder.path.name
    targets = " and ".join(_target_text(kpi, value) for kpi, value in targets_of(folder).items())
    goal = f" to meet {targets}" if targets else ""
    replications = folder.replications
    setting = f"{replications} replication{'s' if replications != 1 else ''} per simulation"
    setting += f", scale {folder.scale:g}"
    if folder.kind == "capacity":
        months = folder.capacity["month"].nunique() if folder.capacity is not None else 0
        return f"How many people does {name} need each month{goal}? {months} months, {setting}."
    days = folder.job.get("days")
    planned = f"Planned on {float(days):g} simulated days, " if days is not None else ""
    return f"How many agents does {name} need over the week{goal}? {planned}{setting}."


def planning_findings(folder: ResultsFolder) -> list[Finding]:
    """Three to six findings of a staffing or capacity plan, the most telling first."""
    if folder.kind == "capacity" and folder.capacity is not None:
        return capacity_findings(folder.capacity, targets_of(folder))[:MOST_FINDINGS]
    if folder.staffing is None:
        return []
    found = []
    contract = float(folder.job.get("contract_hours_per_week", DEFAULT_CONTRACT_HOURS))
    for pool in pools_of(folder.staffing):
        rows = folder.staffing[folder.staffing["pool"].astype(str) == pool]
        found.append(peak_finding(pool, rows))
        hours = paid_hours_per_week(folder.shifts, pool)
        if hours is not None:
            found.append(hours_finding(pool, hours, contract, people_of(folder, pool)))
        found += target_findings(pool, rows, targets_of(folder))
    if folder.manifest.get("converged") is False:
        found.insert(0, _unconverged(folder))
    return found[:MOST_FINDINGS]


def planning_notes(folder: ResultsFolder) -> list[str]:
    """What a reader must know once: the scale and how the intervals are read."""
    notes = []
    if folder.scale != 1.0:
        notes.append(
            f"The plan was made at scale {folder.scale:g} of the full centre: agents, hours "
            "and costs are those of the smaller centre, not extrapolated (queues do not "
            "scale linearly)."
        )
    if folder.kind == "staff":
        notes.append(
            "Each interval's service level is measured in the plan's last simulation, with "
            "its 95% Student-t interval over the replications; an interval misses the target "
            "beyond noise only when its whole interval lies on the wrong side of it."
        )
    else:
        notes.append(
            "Each month is planned as a week under the conditions in force at its middle; "
            "its service level is that of the week's plan, weighted by contacts offered."
        )
    return notes


def peak_finding(pool: str, rows: pd.DataFrame) -> Finding:
    """The most agents on duty the plan requires, and when."""
    required = rows["required"].to_numpy(dtype=float)
    peak = int(required.max())
    when = [time_of_week(float(m)) for m in rows.loc[rows["required"] == peak, "minute_of_week"]]
    at = when[0] if len(when) == 1 else f"{len(when)} intervals, first {when[0]}"
    quiet = int(required.min())
    text = (
        f"{pool}: {peak} agents on duty at the peak ({at}), {quiet} in the quietest interval "
        "of the week."
    )
    return Finding("peak_required", f"{pool} needs {peak} agents on duty at the peak", text, True)


def hours_finding(pool: str, hours: float, contract: float, people: int | None) -> Finding:
    """The plan's paid agent hours per week and the full-time equivalents they make."""
    fte = hours / contract
    staffed = f", {people} people on contract hours" if people is not None else ""
    text = (
        f"{pool}: the shifts pay {hours:,.0f} agent hours per week, {fte:,.1f} full-time "
        f"equivalents at {contract:g} hours a week{staffed}."
    )
    headline = f"{pool}: {hours:,.0f} paid agent hours per week, {fte:,.1f} FTE"
    return Finding("paid_hours_per_week", headline, text, True)


def target_findings(pool: str, rows: pd.DataFrame, targets: Mapping[str, float]) -> list[Finding]:
    """For each target, whether every interval with contacts meets it (with its interval)."""
    served = rows[rows["offered"] > 0]
    found = []
    for kpi, target in targets.items():
        if kpi not in served.columns or served.empty:
            continue
        if kpi == "service_level" and "service_level_ci_low" in served.columns:
            found.append(service_finding(pool, served, target))
        else:
            found.append(_ceiling_finding(pool, served, kpi, target))
    return found


def service_finding(pool: str, served: pd.DataFrame, target: float) -> Finding:
    """The service level over the week against its target, and the worst interval's interval."""
    info = measure("service_level")
    weekly = float(np.average(served["service_level"], weights=served["offered"]))
    worst = extreme_row(served, "service_level", highest=False)
    low, high = float(worst["service_level_ci_low"]), float(worst["service_level_ci_high"])
    decimals = decimals_for((high - low) / 2.0 * info.factor)
    goal = amount_text(info, target, None, change=False)

    def shown(value: float) -> str:
        return amount_text(info, value, decimals, change=False)

    when = time_of_week(float(worst["minute_of_week"]))
    worst_text = f"{when} {shown(float(worst['service_level']))}"
    if math.isfinite(low) and math.isfinite(high):
        worst_text += f" (95% CI {shown(low)} to {shown(high)})"
    below = served["service_level"] < target
    clearly = below & (served["service_level_ci_high"] < target)
    unsure = (served["service_level_ci_low"] < target) & ~below
    count = len(served)
    weekly_text = amount_text(info, weekly, 0, change=False)
    if not below.any():
        text = f"{pool}: the {goal} service-level target is met in every interval"
        headline = f"{pool} meets the {goal} service-level target in every interval"
        met = True
    else:
        text = (
            f"{pool}: {int(below.sum())} of {count} intervals fall below the {goal} "
            f"service-level target, {int(clearly.sum())} of them beyond noise"
        )
        missed = int(below.sum())
        plural = "interval" if missed == 1 else "intervals"
        headline = f"{pool} misses the {goal} service-level target in {missed} {plural}"
        met = False
    text += f" ({weekly_text} over the week); the lowest, {worst_text}"
    if unsure.any():
        unsure_count = int(unsure.sum())
        text += (
            f"; {unsure_count} of {count} intervals are not told from the target at these settings"
        )
    return Finding("service_level", headline, f"{text}.", met or bool(clearly.any()))


def _ceiling_finding(pool: str, served: pd.DataFrame, kpi: str, target: float) -> Finding:
    """A target that is a floor or a ceiling without an interval: the worst interval."""
    info = measure(kpi)
    lower = kpi in LOWER_IS_BETTER
    values = served[kpi]
    worst = extreme_row(served, kpi, highest=lower)
    missed = int((values > target).sum() if lower else (values < target).sum())
    goal = amount_text(info, target, None, change=False)
    worst_text = amount_text(info, float(worst[kpi]), None, change=False)
    name = info.label
    state = f"missed in {missed} of {len(served)} intervals" if missed else "met in every interval"
    text = (
        f"{pool}: the {name} target of {goal} is {state}; the worst, "
        f"{time_of_week(float(worst['minute_of_week']))}, {worst_text} (pooled over the "
        "replications: no interval)."
    )
    return Finding(kpi, f"{pool}: {name} target {state}", text, missed == 0)


def capacity_findings(capacity: pd.DataFrame, targets: Mapping[str, float]) -> list[Finding]:
    """Per pool: the FTE path over the months, and how the scenario's headcount compares."""
    found = []
    for pool in pools_of(capacity):
        rows = capacity[capacity["pool"].astype(str) == pool]
        found.append(fte_path_finding(pool, rows))
        gap = headcount_finding(pool, rows)
        if gap is not None:
            found.append(gap)
        found.append(_monthly_service(pool, rows, targets))
    unsettled = capacity.loc[~capacity["converged"].astype(bool), "month"].astype(str)
    if not unsettled.empty:
        months = ", ".join(dict.fromkeys(unsettled))
        text = f"The plans of {months} did not converge: their figures are not final."
        found.insert(0, Finding("converged", "Some months' plans did not converge", text, False))
    return found


def fte_path_finding(pool: str, rows: pd.DataFrame) -> Finding:
    """The required FTE from the first month to the last, with its highest and lowest month."""
    months = rows["month"].astype(str).tolist()
    fte = rows["required_fte"].to_numpy(dtype=float)
    first, last = fte[0], fte[-1]
    top, bottom = int(np.argmax(fte)), int(np.argmin(fte))
    if len(months) == 1:
        text = f"{pool}: {first:,.1f} FTE required in {months[0]}."
        return Finding("required_fte", f"{pool} needs {first:,.1f} FTE", text, True)
    trend = "rises" if last > first else "falls" if last < first else "stays"
    text = (
        f"{pool}: the required FTE {trend} from {first:,.1f} in {months[0]} to {last:,.1f} in "
        f"{months[-1]}; highest {fte[top]:,.1f} ({months[top]}), lowest {fte[bottom]:,.1f} "
        f"({months[bottom]})."
    )
    headline = f"{pool}: required FTE {trend} from {first:,.1f} to {last:,.1f}"
    return Finding("required_fte", headline, text, True)


def headcount_finding(pool: str, rows: pd.DataFrame) -> Finding | None:
    """Months whose own headcount falls short of the requirement, and by how much at most."""
    known = rows[rows["headcount"].notna()]
    if known.empty:
        return None
    gap = known["headcount"].to_numpy(dtype=float) - known["required_fte"].to_numpy(dtype=float)
    months = known["month"].astype(str).tolist()
    short = gap < 0
    if short.any():
        worst = int(np.argmin(gap))
        text = (
            f"{pool}: the scenario's own headcount falls short of the requirement in "
            f"{int(short.sum())} of {len(months)} months, by up to {-gap[worst]:,.1f} FTE "
            f"({months[worst]})."
        )
        headline = f"{pool}: headcount short of the requirement in {int(short.sum())} months"
        return Finding("headcount_gap", headline, text, True)
    spare = int(np.argmax(gap))
    text = (
        f"{pool}: the scenario's own headcount covers the requirement in every month, with up "
        f"to {gap[spare]:,.1f} FTE to spare ({months[spare]})."
    )
    return Finding("headcount_gap", f"{pool}: headcount covers every month", text, True)


def _monthly_service(pool: str, rows: pd.DataFrame, targets: Mapping[str, float]) -> Finding:
    info = measure("service_level")
    levels = rows["service_level"].to_numpy(dtype=float)
    levels = levels[np.isfinite(levels)]
    cost = float(rows["cost"].sum())
    span = (
        f"between {amount_text(info, levels.min(), 0, change=False)} and "
        f"{amount_text(info, levels.max(), 0, change=False)}"
        if levels.size
        else "not measured"
    )
    target = targets.get("service_level")
    goal = f" (target {amount_text(info, target, None, change=False)})" if target else ""
    text = (
        f"{pool}: the months' plans give a service level {span}{goal}; their shifts cost "
        f"${cost:,.0f} over the {len(rows)} months."
    )
    met = target is None or bool(levels.size and levels.min() >= target)
    return Finding("service_level", f"{pool}: monthly plans' service level {span}", text, met)


def paid_hours_per_week(shifts: pd.DataFrame | None, pool: str) -> float | None:
    """Paid hours per week of the pool's shift starts (None without shifts.csv)."""
    if shifts is None or not {"pool", "agents", "paid_hours"} <= set(shifts.columns):
        return None
    mine = shifts[shifts["pool"].astype(str) == pool]
    return float((mine["agents"] * mine["paid_hours"]).sum())


def time_of_week(minute: float) -> str:
    """'Tue 09:30' for a minute of the week from Monday 00:00 ('Tue' at midnight)."""
    day = int(minute // MINUTES_PER_DAY) % 7
    clock = int(minute % MINUTES_PER_DAY)
    name = DAY_NAMES[day]
    return name if clock == 0 else f"{name} {clock // 60:02d}:{clock % 60:02d}"


def extreme_row(frame: pd.DataFrame, column: str, *, highest: bool) -> pd.Series:
    """The first row with the column's highest (or lowest) value."""
    values = frame[column].to_numpy(dtype=float)
    return frame.iloc[int(np.nanargmax(values) if highest else np.nanargmin(values))]


def pools_of(table_: pd.DataFrame) -> list[str]:
    """The pools a plan's table lists, in their order."""
    return list(dict.fromkeys(str(pool) for pool in table_["pool"]))


def people_of(folder: ResultsFolder, pool: str) -> int | None:
    """The planned scenario's headcount of ``pool`` (a staffing plan's scenario.yaml)."""
    for scenario in folder.scenarios:
        pools = scenario.values.get("pools")
        if isinstance(pools, Mapping) and isinstance(pools.get(pool), Mapping):
            headcount = pools[pool].get("headcount")
            if isinstance(headcount, int | float):
                return int(headcount)
    return None


def _unconverged(folder: ResultsFolder) -> Finding:
    iterations = folder.manifest.get("iterations", "every")
    text = (
        f"The plan did not converge after {iterations} iterations: its figures are not final "
        "(raise --max-iterations)."
    )
    return Finding("converged", "The plan did not converge", text, False)


def _target_text(kpi: str, value: float) -> str:
    info = measure(kpi)
    sign = "at most" if kpi in LOWER_IS_BETTER else "at least"
    return f"{info.label} {sign} {amount_text(info, value, None, change=False)}"


def planning_title(folder: ResultsFolder) -> str:
    """'Staffing plan for NAME' or 'Capacity plan for NAME, month by month'."""
    name = ", ".join(folder.scenario_names) or folder.path.name
    if folder.kind == "capacity":
        return f"Capacity plan for {name}, month by month"
    return f"Staffing plan for {name}"


__all__ = [
    "DEFAULT_CONTRACT_HOURS",
    "capacity_findings",
    "extreme_row",
    "paid_hours_per_week",
    "people_of",
    "planning_findings",
    "planning_notes",
    "planning_question",
    "planning_title",
    "pools_of",
    "targets_of",
    "time_of_week",
]
