"""A staffing plan as tables: per pool and interval of the week, per shift start, per iteration."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from klarsim.metrics.confidence import t_interval
from klarsim.planning.iterative import PlanHistory
from klarsim.planning.observed import Observed
from klarsim.planning.shifts import ShiftSchedule

STAFFING_COLUMNS = (
    "pool",
    "minute_of_week",
    "required",
    "rostered",
    "offered",
    "service_level",
    "service_level_ci_low",
    "service_level_ci_high",
    "abandonment_rate",
    "asa_min",
    "occupancy",
)


def staffing_table(
    history: PlanHistory, schedules: Mapping[str, ShiftSchedule], interval_min: float
) -> pd.DataFrame:
    """One row per planned pool and interval: required and rostered agents on duty, and what
    the plan achieved there (its group's KPIs; ``offered`` per week)."""
    final = history.final
    frames = []
    for group in history.groups:
        observed = final.observed[group.name]
        kpis = _interval_kpis(observed)
        for pool in group.pools:
            required = np.asarray(final.staffing[pool])
            frames.append(
                pd.DataFrame(
                    {
                        "pool": pool,
                        "minute_of_week": np.arange(required.size) * interval_min,
                        "required": required,
                        "rostered": np.asarray(schedules[pool].on_duty),
                        **kpis,
                        "occupancy": _occupancy(
                            observed, final.staffing, group.pools, interval_min
                        ),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)[list(STAFFING_COLUMNS)]


def _interval_kpis(observed: Observed) -> dict[str, np.ndarray]:
    """Per interval over all replications, with a t-interval of the service level across them."""
    offered = observed.offered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_rep = observed.answered_in_target / observed.offered
        intervals = [t_interval(per_rep[:, k]) for k in range(offered.size)]
        return {
            "offered": observed.offered.mean(axis=0) / observed.weeks,
            "service_level": observed.answered_in_target.sum(axis=0) / offered,
            "service_level_ci_low": np.clip([i.low for i in intervals], 0.0, 1.0),
            "service_level_ci_high": np.clip([i.high for i in intervals], 0.0, 1.0),
            "abandonment_rate": observed.abandoned.sum(axis=0) / offered,
            "asa_min": observed.wait_answered_min.sum(axis=0) / observed.answered.sum(axis=0),
        }


def _occupancy(
    observed: Observed,
    staffing: Mapping[str, tuple[int, ...]],
    pools: tuple[str, ...],
    interval_min: float,
) -> np.ndarray:
    """Busy slot-minutes over on-duty slot-minutes of the group, per interval."""
    agents = np.sum([np.asarray(staffing[pool]) for pool in pools], axis=0)
    capacity = agents * observed.service.slots_per_agent * interval_min * observed.weeks
    busy = observed.busy_min.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy: np.ndarray = np.where(capacity > 0, busy / capacity, np.nan)
    return occupancy


def shifts_table(schedules: Mapping[str, ShiftSchedule]) -> pd.DataFrame:
    """One row per pool and shift start chosen: template, weekday, start, length, agents."""
    rows = [
        {
            "pool": pool,
            "template": start.template,
            "weekday": start.weekday,
            "start_hour": start.start_hour,
            "length_hours": start.length_hours,
            "paid_hours": start.paid_hours,
            "agents": start.count,
        }
        for pool, schedule in schedules.items()
        for start in schedule.starts
    ]
    columns = ["pool", "template", "weekday", "start_hour", "length_hours", "paid_hours", "agents"]
    return pd.DataFrame(rows, columns=columns)


def iterations_table(history: PlanHistory, interval_min: float) -> pd.DataFrame:
    """One row per iteration and pool: agent-hours planned, intervals the next plan changed."""
    rows = []
    for number, iteration in enumerate(history.iterations, start=1):
        for pool, counts in iteration.staffing.items():
            rows.append(
                {
                    "iteration": number,
                    "pool": pool,
                    "agent_hours_per_week": float(np.sum(counts)) * interval_min / 60.0,
                    "peak_agents": int(max(counts, default=0)),
                    "changed_intervals": iteration.changed_intervals,
                }
            )
    return pd.DataFrame(rows)
