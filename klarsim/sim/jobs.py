"""Jobs to people over time: employee FTE lost, gig people engaged, and what the unwind costs.

Columns of ``timeseries.csv``, per interval after the warm-up. An employee's FTE is the
pool's paid hours per person-week over a full-time week (``labour.hours_per_fte_week``); a
gig pool's FTE is its online hours over a full-time week's share of the interval.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.model.workforce.staff import Workforce
from klarsim.units import MINUTES_PER_HOUR, MINUTES_PER_WEEK

JOBS_COLUMNS = (
    "employee_fte",
    "employee_fte_lost",
    "gig_people",
    "gig_people_engaged",
    "gig_fte",
    "gig_work_hours",
    "unwind_cost",
)


def jobs_to_people(
    sums: Mapping[str, np.ndarray],
    pool_sums: Mapping[str, Mapping[str, np.ndarray]],
    workforce: Workforce,
    scenario: Scenario,
) -> dict[str, np.ndarray]:
    """The ``JOBS_COLUMNS`` from the interval sums, the per-pool sums and the workforce."""
    intervals = len(sums["gig_online_min"])
    full_time = scenario.labour.hours_per_fte_week
    employee_fte = np.zeros(intervals)
    gig_people = np.zeros(intervals)
    engaged = np.zeros(intervals)
    for name, staffing in workforce.staffing.items():
        share = staffing.paid_hours_per_person_week() / full_time
        employee_fte += pool_sums[name]["headcount"] * share
    for name in workforce.supplies:
        gig_people += pool_sums[name]["headcount"]
        engaged += pool_sums[name]["engaged"]
    interval_min = scenario.experiment.interval_min
    full_time_min = full_time * MINUTES_PER_HOUR * interval_min / MINUTES_PER_WEEK
    return {
        "employee_fte": employee_fte,
        "employee_fte_lost": employee_fte[0] - employee_fte if intervals else employee_fte,
        "gig_people": gig_people,
        "gig_people_engaged": engaged,
        "gig_fte": sums["gig_online_min"] / full_time_min,
        "gig_work_hours": sums["gig_busy_min"] / MINUTES_PER_HOUR,
        "unwind_cost": sums["cost_hiring_fees"]
        + sums["cost_training_wages"]
        + sums["gig_onboarding"],
    }
