"""Shift scheduling: how many agents start each allowed shift to cover a weekly requirement.

The staffing algorithm gives, for one employee pool, the agents required on duty in every
interval of the week (Monday 00:00 first). Shift scheduling turns that into a roster: an
integer programme chooses how many agents start each shift the pool's ``shift_templates``
allow (a start time on a day, of a given length) so that in every interval

    rostered agents x (1 - shrinkage) >= required agents on duty,

at the least paid cost (paid hours x ``cost_factor`` x ``cost_per_hour``). Rostered counts are
whole agents, so the constraint is ``rostered >= ceil(required / (1 - shrinkage))``. HiGHS
solves it through ``scipy.optimize.milp`` within a time limit; its LP relaxation gives a
lower bound on the cost, and the gap to that bound says how much rounding to whole agents
cost (or, if the time limit stopped the solver, how far from optimal it may be).

This is shift scheduling, not tour scheduling: it chooses shifts per day and leaves the
days-off patterns of individual people out. ``ShiftSchedule.headcount`` therefore counts
people from paid hours and contract hours (and never fewer than the peak rostered count).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import csr_matrix

from klarsim.config.errors import Problem, ScenarioError
from klarsim.config.workforce import WEEKDAYS, Roster, Shift, ShiftTemplate, Weekday
from klarsim.planning.shift_candidates import (
    Candidate,
    IntArray,
    candidates_of,
    check_covered,
    coverage,
    interval_count,
)
from klarsim.units import HOURS_PER_WEEK, MINUTES_PER_HOUR

COUNT_TOLERANCE = 1e-9
"""Slack when rounding a fractional requirement up to whole rostered agents."""
DEFAULT_TIME_LIMIT_S = 20.0
"""Wall-clock limit of the integer solve; the best schedule found so far is kept."""
PRESOLVE = False
"""HiGHS presolve off: with a ``max_share`` row (dense over every shift) HiGHS 1.12's
presolve ran for minutes past the time limit on a week of 15-minute starts, which it solves
in half a second without presolve (a covering programme has little to presolve)."""
DEFAULT_MIP_GAP = 1e-3
"""The integer solve stops once its schedule is proven within 0.1 % of the optimum: far
below the noise of any forecast, and it keeps a week of many shift kinds to seconds."""

TIME_OR_ITERATION_LIMIT = 1
INFEASIBLE = 2
"""``scipy.optimize.milp`` status codes."""
CAPPED_OUT = "the templates' max_share caps leave no schedule that covers the requirement"

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ShiftStart:
    """Agents starting one shift: ``count`` agents from ``start_hour`` on ``weekday``."""

    template: str
    """The template's label (its name, or its length such as ``8h``)."""
    weekday: Weekday
    start_hour: float
    length_hours: float
    paid_hours: float
    count: int


@dataclass(frozen=True)
class ShiftSchedule:
    """The cheapest roster found for a pool's requirement, and how well it fits.

    Per-interval tuples have one entry per interval of the week, Monday 00:00 first.
    """

    pool: str
    interval_min: float
    shrinkage: float
    required: tuple[int, ...]
    """Agents required on duty (the input)."""
    starts: tuple[ShiftStart, ...]
    """The chosen starts with a positive count, by day, start hour and template."""
    rostered: tuple[int, ...]
    """Agents rostered (paid) in each interval."""
    on_duty: tuple[float, ...]
    """Agents on duty in each interval on average: rostered x (1 - shrinkage)."""
    paid_hours_per_week: float
    cost_per_week: float
    """Paid hours x the template's ``cost_factor`` x the pool's ``cost_per_hour``."""
    over_coverage_hours: float
    """On-duty minus required agent hours over the week."""
    over_coverage: float
    """``over_coverage_hours`` as a share of required agent hours (0 without a requirement)."""
    lp_bound_cost: float
    """Cost of the LP relaxation: no schedule of these shifts costs less."""
    gap: float
    """(cost - LP bound) / cost: an upper bound on how far from optimal the schedule is."""
    time_limit_hit: bool
    """True when the solver stopped at its time limit with the best schedule so far."""
    solve_seconds: float

    def roster(self) -> Roster:
        """The schedule as a pool ``roster`` of shifts (at a headcount of ``headcount()``).

        Starts with the same time, length and count on several days become one shift; a
        schedule without any start is an all-zero ``hours_of_week`` roster.
        """
        days: dict[tuple[float, float, int], list[Weekday]] = {}
        for start in self.starts:
            key = (start.start_hour, start.length_hours, start.count)
            days.setdefault(key, [])
            if start.weekday not in days[key]:
                days[key].append(start.weekday)
        if not days:
            return Roster(hours_of_week=[0.0] * HOURS_PER_WEEK)
        shifts = [
            Shift(
                start_hour=hour,
                length_hours=length,
                days=sorted(on, key=WEEKDAYS.index),
                agents=float(count),
            )
            for (hour, length, count), on in sorted(days.items())
        ]
        return Roster(shifts=shifts)

    def headcount(self, contract_hours_per_week: float = 40.0) -> int:
        """People needed: paid hours over contract hours, rounded up, at least the peak."""
        if contract_hours_per_week <= 0:
            raise ValueError(f"expected contract hours above 0, got {contract_hours_per_week:g}")
        people = math.ceil(self.paid_hours_per_week / contract_hours_per_week - COUNT_TOLERANCE)
        return max(people, max(self.rostered, default=0))


def schedule_shifts(
    required: Sequence[int],
    *,
    interval_min: float,
    templates: Sequence[ShiftTemplate],
    shrinkage: float,
    cost_per_hour: float,
    pool: str,
    source: str = "scenario",
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    mip_gap: float = DEFAULT_MIP_GAP,
) -> ShiftSchedule:
    """The least-cost whole number of agents starting each allowed shift of ``templates``.

    ``required[k]`` agents must be on duty in interval ``k`` of the week (``interval_min``
    minutes each, Monday 00:00 first). Raises ``ScenarioError`` naming
    ``pools.POOL.shift_templates`` (with ``source`` as the file) when the templates are off
    the interval grid, too many, or cannot cover the requirement.
    """
    count = interval_count(interval_min)
    if len(required) != count:
        raise ValueError(f"expected {count} intervals of {interval_min:g} min, got {len(required)}")
    if not 0 <= shrinkage < 1:
        raise ValueError(f"expected shrinkage in [0, 1), got {shrinkage:g}")
    demand = np.asarray(required, dtype=np.float64)
    if demand.size and (not np.all(np.isfinite(demand)) or demand.min() < 0):
        raise ValueError("expected required agents that are finite and not negative")
    need = _needed_rostered(demand, shrinkage)
    key = f"pools.{pool}.shift_templates"
    candidates = candidates_of(templates, interval_min, key, source)
    check_covered(need, candidates, interval_min, key, source)
    began = time.perf_counter()
    x, lp_cost, limit_hit = _solve(
        need,
        candidates,
        templates,
        key=key,
        source=source,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
    )
    elapsed = time.perf_counter() - began
    return _schedule(
        demand=demand,
        x=x,
        candidates=candidates,
        templates=templates,
        interval_min=interval_min,
        shrinkage=shrinkage,
        cost_per_hour=cost_per_hour,
        pool=pool,
        lp_cost=lp_cost,
        limit_hit=limit_hit,
        elapsed=elapsed,
    )


def _needed_rostered(required: FloatArray, shrinkage: float) -> IntArray:
    """Whole agents to roster so that rostered x (1 - shrinkage) >= required."""
    return np.ceil(required / (1.0 - shrinkage) - COUNT_TOLERANCE).clip(min=0).astype(np.int64)


def _share_rows(
    candidates: list[Candidate], templates: Sequence[ShiftTemplate], paid: FloatArray
) -> csr_matrix | None:
    """One row per capped template: its paid hours - max_share x all paid hours <= 0."""
    rows = []
    for index, template in enumerate(templates):
        if template.max_share >= 1:
            continue
        mine = np.array([c.template == index for c in candidates], dtype=np.float64)
        rows.append(paid * (mine - template.max_share))
    return csr_matrix(np.array(rows)) if rows else None


def _solve(
    need: IntArray,
    candidates: list[Candidate],
    templates: Sequence[ShiftTemplate],
    *,
    key: str,
    source: str,
    time_limit_s: float,
    mip_gap: float,
) -> tuple[IntArray, float, bool]:
    """Shifts started per candidate, the LP bound (cost per unit ``cost_per_hour``), and
    whether the time limit stopped the integer solve."""
    paid = np.array([templates[c.template].paid for c in candidates], dtype=np.float64)
    weights = paid * np.array([templates[c.template].cost_factor for c in candidates])
    covered = coverage(candidates, need.size)
    constraints = [LinearConstraint(covered, lb=need.astype(np.float64), ub=np.inf)]
    shares = _share_rows(candidates, templates, paid)
    if shares is not None:
        constraints.append(LinearConstraint(shares, lb=-np.inf, ub=0.0))
    bounds = Bounds(0.0, np.inf)
    relaxed: OptimizeResult = milp(
        weights,
        integrality=0,
        bounds=bounds,
        constraints=constraints,
        options={"time_limit": time_limit_s, "presolve": PRESOLVE},
    )
    if relaxed.status == INFEASIBLE:
        raise ScenarioError([Problem(source, key, CAPPED_OUT)])
    if relaxed.x is None:
        raise RuntimeError(f"the LP relaxation failed: {relaxed.message}")
    whole: OptimizeResult = milp(
        weights,
        integrality=np.ones(len(candidates)),
        bounds=bounds,
        constraints=constraints,
        options={"time_limit": time_limit_s, "mip_rel_gap": mip_gap, "presolve": PRESOLVE},
    )
    if whole.status == INFEASIBLE:
        raise ScenarioError([Problem(source, key, CAPPED_OUT)])
    limit_hit = whole.status == TIME_OR_ITERATION_LIMIT
    if whole.x is None:
        x = _rounded_up(relaxed.x, covered, need, shares, time_limit_s)
    else:
        x = np.rint(whole.x).astype(np.int64)
    return x, float(relaxed.fun), limit_hit


def _rounded_up(
    relaxed: FloatArray,
    covered: csr_matrix,
    need: IntArray,
    shares: csr_matrix | None,
    time_limit_s: float,
) -> IntArray:
    """The LP solution rounded up: still covers every interval, if the caps allow it."""
    x = np.ceil(relaxed - COUNT_TOLERANCE).astype(np.int64)
    feasible = bool(np.all(covered @ x >= need))
    if shares is not None:
        feasible = feasible and bool(np.all(shares @ x <= COUNT_TOLERANCE))
    if not feasible:
        raise RuntimeError(
            f"no shift schedule found within the time limit of {time_limit_s:g} s; "
            "raise it or allow fewer start_hours"
        )
    return x


def _schedule(
    *,
    demand: FloatArray,
    x: IntArray,
    candidates: list[Candidate],
    templates: Sequence[ShiftTemplate],
    interval_min: float,
    shrinkage: float,
    cost_per_hour: float,
    pool: str,
    lp_cost: float,
    limit_hit: bool,
    elapsed: float,
) -> ShiftSchedule:
    """The schedule of the solved counts ``x``, with its coverage, cost and gap."""
    rostered = np.asarray(coverage(candidates, demand.size) @ x, dtype=np.int64)
    on_duty = rostered * (1.0 - shrinkage)
    interval_hours = interval_min / MINUTES_PER_HOUR
    paid = np.array([templates[c.template].paid for c in candidates], dtype=np.float64)
    factor = np.array([templates[c.template].cost_factor for c in candidates], dtype=np.float64)
    cost = float(x @ (paid * factor)) * cost_per_hour
    bound = min(lp_cost * cost_per_hour, cost)
    over_hours = float(np.sum(on_duty - demand)) * interval_hours
    required_hours = float(np.sum(demand)) * interval_hours
    return ShiftSchedule(
        pool=pool,
        interval_min=interval_min,
        shrinkage=shrinkage,
        required=tuple(int(r) for r in np.ceil(demand - COUNT_TOLERANCE)),
        starts=_starts(x, candidates, templates),
        rostered=tuple(int(r) for r in rostered),
        on_duty=tuple(float(v) for v in on_duty),
        paid_hours_per_week=float(x @ paid),
        cost_per_week=cost,
        over_coverage_hours=over_hours,
        over_coverage=over_hours / required_hours if required_hours > 0 else 0.0,
        lp_bound_cost=bound,
        gap=(cost - bound) / cost if cost > 0 else 0.0,
        time_limit_hit=limit_hit,
        solve_seconds=elapsed,
    )


def _starts(
    x: IntArray, candidates: list[Candidate], templates: Sequence[ShiftTemplate]
) -> tuple[ShiftStart, ...]:
    """The candidates used at least once, by day, start hour and template order."""
    used = sorted(
        (c.day, c.start_hour, c.template, int(n)) for c, n in zip(candidates, x, strict=True) if n
    )
    return tuple(
        ShiftStart(
            template=templates[index].label,
            weekday=WEEKDAYS[day],
            start_hour=hour,
            length_hours=templates[index].length_hours,
            paid_hours=templates[index].paid,
            count=n,
        )
        for day, hour, index, n in used
    )
