"""Labour outcomes per pool (``labour.csv``): how many people, and what each works and earns.

Measured after the warm-up, in 7-day person-weeks: only weeks a person belonged to the pool
from start to end count (a run shorter than a week counts its measured time pro rata as one
week). Gig people have their own ledgers (``klarsim.model.workforce.people``); employees are
paid for rostered time, so every employee of a pool works the pool's paid hours per head.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from klarsim.config.personas import Labour
from klarsim.config.workforce import EmployeePool
from klarsim.model.workforce.people import Person
from klarsim.model.workforce.staff import Workforce
from klarsim.sim.kpis import ratio
from klarsim.sim.labour_columns import LABOUR_COLUMNS
from klarsim.sim.records import Columns, Row
from klarsim.units import MINUTES_PER_HOUR, MINUTES_PER_WEEK

PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Window:
    """The measured time: from the warm-up's end to the horizon, in intervals of a length."""

    start_min: float
    end_min: float
    interval_min: float
    first_interval: int

    @property
    def weeks(self) -> float:
        """Measured weeks (fractional)."""
        return (self.end_min - self.start_min) / MINUTES_PER_WEEK

    def person_weeks(self) -> list[tuple[float, float, float]]:
        """Each counted week's start, end and the factor turning its sums into a week's."""
        full = int(self.weeks)
        if full == 0:
            return [(self.start_min, self.end_min, 1.0 / self.weeks)]
        return [
            (
                self.start_min + w * MINUTES_PER_WEEK,
                self.start_min + (w + 1) * MINUTES_PER_WEEK,
                1.0,
            )
            for w in range(full)
        ]


def labour_columns(
    workforce: Workforce,
    pool_sums: dict[str, dict[str, list[float]]],
    labour: Labour,
    window: Window,
) -> Columns:
    """One row per pool, in the columns of ``LABOUR_COLUMNS``."""
    rows: list[Row] = []
    for name, pool in workforce.pools.items():
        sums = {key: values[window.first_interval :] for key, values in pool_sums[name].items()}
        if isinstance(pool.spec, EmployeePool):
            rows.append(_employee_row(workforce, name, sums, labour, window))
        else:
            rows.append(_gig_row(workforce, name, sums, labour, window))
    return {column: [row[column] for row in rows] for column in LABOUR_COLUMNS}


def _gig_row(
    workforce: Workforce,
    name: str,
    sums: dict[str, list[float]],
    labour: Labour,
    window: Window,
) -> Row:
    """A gig pool's row from its people's ledgers and the pool's time on duty."""
    supply = workforce.supplies[name]
    people = [
        person
        for person in supply.payroll.people.values()
        if person.joined_min < window.end_min and person.left_min > window.start_min
    ]
    hours, earnings, volatility = _person_weeks(people, window)
    online_min = sum(sums["staffed_min"])
    busy_min = sum(sums["busy_min"])
    earned = sum(sum(person.earned) for person in people)
    rate = supply.payroll.per_engaged_min
    paid_min = busy_min + (supply.payroll.top_ups / rate if rate > 0 else 0.0)
    fees = _fees_after(workforce.headcounts[name].fees, window.start_min)
    person_weeks = _mean(sums["headcount"]) * window.weeks
    return {
        "pool": name,
        "kind": "gig",
        "people": len(people),
        "fte": _fte(online_min, sums, labour, window),
        **_quantiles("hours_per_person_week", hours),
        **_quantiles("earnings_per_person_week", earnings),
        "earnings_week_cv_median": _median(volatility),
        "online_unpaid_share": ratio(max(0.0, online_min - paid_min), online_min),
        "earnings_per_online_hour": ratio(earned, online_min / MINUTES_PER_HOUR),
        "earnings_per_online_hour_below_reference_share": _below(
            people, labour.reference_wage_per_hour
        ),
        "earnings_total": earned,
        "benefits_per_person_week": 0.0,
        "training_per_person_week": ratio(fees, person_weeks),
    }


def _person_weeks(
    people: Sequence[Person], window: Window
) -> tuple[list[float], list[float], list[float]]:
    """Hours and earnings of every whole person-week, and each person's week-to-week CV."""
    hours: list[float] = []
    earnings: list[float] = []
    volatility: list[float] = []
    counted = window.person_weeks()
    for person in people:
        weekly: list[float] = []
        for index, (start, end, factor) in enumerate(counted):
            if person.joined_min <= start and person.left_min >= end:
                hours.append(_week(person.online, index) * factor / MINUTES_PER_HOUR)
                weekly.append(_week(person.earned, index) * factor)
        earnings.extend(weekly)
        cv = _cv(weekly)
        if not math.isnan(cv):
            volatility.append(cv)
    return hours, earnings, volatility


def _below(people: Sequence[Person], reference: float) -> float:
    """Share of people with online time who earned less than ``reference`` per online hour."""
    hours_online = [sum(person.online) / MINUTES_PER_HOUR for person in people]
    rates = [
        sum(person.earned) / hours
        for person, hours in zip(people, hours_online, strict=True)
        if hours > 0
    ]
    return sum(1 for rate in rates if rate < reference) / len(rates) if rates else math.nan


def _employee_row(
    workforce: Workforce,
    name: str,
    sums: dict[str, list[float]],
    labour: Labour,
    window: Window,
) -> Row:
    """An employee pool's row: the pool's paid hours shared by its people, week by week."""
    spec = workforce.pools[name].spec
    assert isinstance(spec, EmployeePool)
    headcount = workforce.headcounts[name]
    trainee_min = sum(sums["training_wages"]) / (spec.cost_per_hour / MINUTES_PER_HOUR or 1.0)
    paid_min = sum(sums["paid_min"]) + trainee_min
    weekly_hours = _employee_weeks(sums, spec, window)
    earned = paid_min / MINUTES_PER_HOUR * spec.wage_per_hour
    person_weeks = _mean(sums["headcount"]) * window.weeks
    starting = sums["headcount"][0] if sums["headcount"] else 0.0
    hired = sum(1 for time in headcount.hire_times if time >= window.start_min)
    training = _fees_after(headcount.fees, window.start_min) + sum(sums["training_wages"])
    weekly_earnings = [hours * spec.wage_per_hour for hours in weekly_hours]
    return {
        "pool": name,
        "kind": "employee",
        "people": int(starting) + hired,
        "fte": _fte(paid_min, sums, labour, window),
        **_quantiles("hours_per_person_week", weekly_hours),
        **_quantiles("earnings_per_person_week", weekly_earnings),
        "earnings_week_cv_median": _cv(weekly_earnings),
        "online_unpaid_share": 0.0 if paid_min > 0 else math.nan,
        "earnings_per_online_hour": spec.wage_per_hour if paid_min > 0 else math.nan,
        "earnings_per_online_hour_below_reference_share": (
            float(spec.wage_per_hour < labour.reference_wage_per_hour) if paid_min > 0 else math.nan
        ),
        "earnings_total": earned,
        "benefits_per_person_week": ratio(earned * spec.benefits_load, person_weeks),
        "training_per_person_week": ratio(training, person_weeks),
    }


def _employee_weeks(
    sums: dict[str, list[float]], spec: EmployeePool, window: Window
) -> list[float]:
    """Paid hours per employee in each counted week (rostered and trainee hours over heads)."""
    counted = window.person_weeks()
    paid = np.asarray(sums["paid_min"]) + np.asarray(sums["training_wages"]) / (
        spec.cost_per_hour / MINUTES_PER_HOUR or 1.0
    )
    week_of = (np.arange(len(paid)) * window.interval_min // MINUTES_PER_WEEK).astype(int)
    inside = week_of < len(counted)
    paid_by_week = np.bincount(week_of[inside], paid[inside], len(counted))
    heads = np.bincount(week_of[inside], np.asarray(sums["headcount"])[inside], len(counted))
    intervals = np.bincount(week_of[inside], minlength=len(counted))
    weeks = []
    for (_, _, factor), week_paid, week_heads, count in zip(
        counted, paid_by_week.tolist(), heads.tolist(), intervals.tolist(), strict=True
    ):
        if count and week_heads > 0:
            weeks.append(week_paid * factor / MINUTES_PER_HOUR / (week_heads / count))
    return weeks


def _fte(worked_min: float, sums: dict[str, list[float]], labour: Labour, window: Window) -> float:
    """Hours worked over the full-time hours of the weeks the pool had people (a pool that
    starts late is not diluted by the weeks before it)."""
    staffed = sum(1 for people in sums["headcount"] if people > 0)
    weeks = staffed * window.interval_min / MINUTES_PER_WEEK
    return float(ratio(worked_min / MINUTES_PER_HOUR, labour.hours_per_fte_week * weeks))


def _week(weekly: list[float], index: int) -> float:
    return weekly[index] if index < len(weekly) else 0.0


def _fees_after(fees: list[tuple[float, float]], start_min: float) -> float:
    return sum(amount for time, amount in fees if time >= start_min)


def _quantiles(prefix: str, values: Sequence[float]) -> Row:
    """``PREFIX_p10``, ``_median`` and ``_p90`` of ``values`` (NaN when there are none)."""
    names = (f"{prefix}_p10", f"{prefix}_median", f"{prefix}_p90")
    if not values:
        return dict.fromkeys(names, math.nan)
    ordered = sorted(float(value) for value in values) if len(values) <= SORTED_MOST else []
    if ordered and all(_plain(value) for value in ordered):
        found = [_percentile(ordered, percent) for percent in PERCENTILES]
    else:
        found = np.percentile(np.asarray(values, dtype=float), PERCENTILES).tolist()
    return dict(zip(names, found, strict=True))


SORTED_MOST = 10_000
"""Most values sorted in Python (about a millisecond); NumPy partitions longer lists faster."""
PLAIN_LIMIT = 1e300
"""Below this size no difference of two values overflows (NumPy would warn of it)."""


def _plain(value: float) -> bool:
    """Finite, not huge and not -0.0 (which sorts level with 0.0, where NumPy's partition
    alone decides its place): values ``_percentile`` takes without NumPy."""
    return abs(value) < PLAIN_LIMIT and (value != 0.0 or math.copysign(1.0, value) > 0.0)


def _percentile(ordered: list[float], percent: int) -> float:
    """``numpy.percentile`` (linear) of sorted values, step for step in the same arithmetic.

    NumPy's own finds its neighbours with ``numpy.unique``, which imports ``numpy.ma`` (about
    10 ms of a small run's start); the same floating-point operations give the same bits.
    """
    last = len(ordered) - 1
    index = last * (percent / 100)
    below = -1 if index >= last else math.floor(index)
    gamma = index - below
    lower, upper = ordered[below], ordered[below + 1 if below >= 0 else -1]
    difference = upper - lower
    if gamma >= 0.5:
        return upper - difference * (1 - gamma)
    return lower + difference * gamma


def _cv(values: Sequence[float]) -> float:
    """Coefficient of variation (sample standard deviation over mean); NaN if undefined."""
    if len(values) < 2 or np.mean(values) <= 0:
        return math.nan
    return float(np.std(values, ddof=1) / np.mean(values))


def _median(values: Sequence[float]) -> float:
    return float(np.median(values)) if values else math.nan


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else 0.0
