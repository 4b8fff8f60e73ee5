"""Shift scheduling: coverage, optimality against brute force, the LP bound and the roster."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from klarsim.config import ScenarioError
from klarsim.config.roster import WeeklySchedule
from klarsim.config.workforce import EmployeePool, ShiftTemplate
from klarsim.planning.shifts import ShiftSchedule, schedule_shifts

pytestmark = pytest.mark.unit

WEEK_MIN = 10080
TOLERANCE = 1e-9


def weekly_requirement(interval_min: float, peak: int) -> list[int]:
    """A contact-centre week: a late-morning and an evening peak, quieter weekends."""
    count = round(WEEK_MIN / interval_min)
    hours = (np.arange(count) + 0.5) * interval_min / 60.0
    hour_of_day = hours % 24
    weekend = (hours // 24) >= 5
    shape = (
        np.exp(-(((hour_of_day - 11) / 3.0) ** 2))
        + 0.8 * np.exp(-(((hour_of_day - 19) / 2.5) ** 2))
        + 0.05
    )
    shape = shape * np.where(weekend, 0.6, 1.0)
    return [math.ceil(v) for v in peak * shape / shape.max()]


def schedule(
    required: list[int],
    *,
    interval_min: float,
    templates: list[ShiftTemplate],
    shrinkage: float = 0.0,
) -> ShiftSchedule:
    return schedule_shifts(
        required,
        interval_min=interval_min,
        templates=templates,
        shrinkage=shrinkage,
        cost_per_hour=40.0,
        pool="agents",
    )


def monday_only(values: list[int], interval_min: float) -> list[int]:
    """``values`` at the start of Monday, nothing required for the rest of the week."""
    return values + [0] * (round(WEEK_MIN / interval_min) - len(values))


@pytest.mark.validation
def test_every_interval_of_a_realistic_week_is_covered_after_shrinkage() -> None:
    required = weekly_requirement(30.0, 200)
    templates = EmployeePool(headcount=1, skills=["a"]).shift_templates
    result = schedule(required, interval_min=30.0, templates=templates, shrinkage=0.3)
    assert len(result.rostered) == len(required) == 336
    assert all(
        duty >= need - TOLERANCE for duty, need in zip(result.on_duty, required, strict=True)
    )
    assert all(
        math.isclose(duty, rostered * 0.7)
        for duty, rostered in zip(result.on_duty, result.rostered, strict=True)
    )
    assert not result.time_limit_hit
    assert result.over_coverage >= 0
    assert result.lp_bound_cost <= result.cost_per_week + TOLERANCE
    assert result.gap < 0.01
    part_time = sum(s.paid_hours * s.count for s in result.starts if s.template == "part_time")
    assert part_time <= 0.25 * result.paid_hours_per_week + TOLERANCE


def brute_force_cost(need: list[int], shifts: list[tuple[int, int, float]], most: int) -> float:
    """Cheapest whole counts of ``shifts`` (first interval, span, cost) covering ``need``."""
    best = math.inf
    for counts in itertools.product(range(most + 1), repeat=len(shifts)):
        rostered = [0] * len(need)
        for (first, span, _), count in zip(shifts, counts, strict=True):
            for k in range(first, first + span):
                rostered[k % len(need)] += count
        if all(r >= n for r, n in zip(rostered, need, strict=True)):
            best = min(best, sum(c * cost for (_, _, cost), c in zip(shifts, counts, strict=True)))
    return best


def test_a_tiny_case_costs_what_brute_force_finds() -> None:
    # A Monday of six 4-hour intervals, a week of 42; 8 h shifts at four starts, cheaper 4 h
    # shifts at two, 25 % shrinkage: 1, 2, 3, 2, 1, 0 on duty need 2, 3, 4, 3, 2, 0 rostered.
    interval = 240.0
    required = monday_only([1, 2, 3, 2, 1, 0], interval)
    templates = [
        ShiftTemplate(name="long", length_hours=8, start_hours=[0, 4, 8, 16], days=["mon"]),
        ShiftTemplate(
            name="short", length_hours=4, start_hours=[8, 12], days=["mon"], cost_factor=0.9
        ),
    ]
    result = schedule(required, interval_min=interval, templates=templates, shrinkage=0.25)
    need = [2, 3, 4, 3, 2, 0] + [0] * 36
    shifts = [(first, 2, 8 * 40.0) for first in (0, 1, 2, 4)] + [
        (first, 1, 4 * 0.9 * 40.0) for first in (2, 3)
    ]
    assert result.cost_per_week == pytest.approx(brute_force_cost(need, shifts, most=4))
    assert all(r >= n for r, n in zip(result.rostered, need, strict=True))
    assert result.lp_bound_cost <= result.cost_per_week + TOLERANCE


def test_the_lp_bound_is_below_the_integer_cost_and_the_gap_is_their_distance() -> None:
    # Alternating 1 and 0 under 2-interval shifts: the LP takes half shifts, whole agents cannot.
    interval = 60.0
    required = [1, 0, 1, 0, 1] + [0] * (168 - 5)
    templates = [ShiftTemplate(length_hours=2, start_hours=[0, 1, 2, 3], days=["mon"])]
    result = schedule(required, interval_min=interval, templates=templates)
    assert result.cost_per_week == pytest.approx(3 * 2 * 40.0)
    assert result.lp_bound_cost <= result.cost_per_week + TOLERANCE
    assert result.gap == pytest.approx(
        (result.cost_per_week - result.lp_bound_cost) / result.cost_per_week
    )


def test_the_roster_reproduces_the_rostered_counts_including_a_shift_past_sunday() -> None:
    interval = 30.0
    required = weekly_requirement(interval, 40)
    required[-1] = 30  # Sunday 23:30: only a shift that wraps to Monday (or starts then) covers it
    templates = [
        ShiftTemplate(length_hours=8),
        ShiftTemplate(length_hours=6, start_hours=[20.5, 22.5], days=["sun"]),
    ]
    result = schedule(required, interval_min=interval, templates=templates, shrinkage=0.2)
    weekly = WeeklySchedule.of(result.roster())
    for k, rostered in enumerate(result.rostered):
        assert weekly.at(k * interval) == rostered
        assert weekly.at((k + 0.5) * interval) == rostered
    assert result.headcount() >= max(result.rostered)
    assert result.headcount(contract_hours_per_week=1.0) == math.ceil(result.paid_hours_per_week)


def test_an_uncovered_interval_names_the_key_and_the_interval() -> None:
    required = monday_only([0] * 30 + [5] + [0] * 17, 30.0)  # Monday 15:00-15:30
    templates = [ShiftTemplate(length_hours=4, start_hours=[6], days=["mon"])]
    with pytest.raises(ScenarioError) as caught:
        schedule_shifts(
            required,
            interval_min=30.0,
            templates=templates,
            shrinkage=0.0,
            cost_per_hour=40.0,
            pool="agents",
            source="centre.yaml",
        )
    text = str(caught.value)
    assert "centre.yaml: pools.agents.shift_templates:" in text
    assert "Mon 15:00-15:30" in text


def test_starts_off_the_interval_grid_name_the_template_key() -> None:
    templates = [ShiftTemplate(length_hours=8, start_hours=[6.5])]
    with pytest.raises(ScenarioError, match=r"pools\.agents\.shift_templates\.0\.start_hours"):
        schedule([1] * 168, interval_min=60.0, templates=templates)


def test_shrinkage_raises_the_rostered_count_to_cover_the_requirement() -> None:
    # One-interval shifts every hour: rostered is exactly ceil(required / (1 - shrinkage)).
    templates = [ShiftTemplate(length_hours=1)]
    required = [10] * 168
    for shrinkage, expected in [(0.0, 10), (0.27, 14), (0.5, 20)]:
        result = schedule(required, interval_min=60.0, templates=templates, shrinkage=shrinkage)
        assert set(result.rostered) == {expected}
        assert result.paid_hours_per_week == pytest.approx(168 * expected)
        assert result.over_coverage == pytest.approx(expected * (1 - shrinkage) / 10 - 1)


def test_adding_shift_templates_keeps_an_existing_pool_unchanged() -> None:
    pool = EmployeePool(headcount=5, skills=["a"])
    assert [t.label for t in pool.shift_templates] == ["full_time", "part_time"]
    assert pool.shift_templates[0].paid == 8.0
    assert pool.shift_templates[1].max_share == 0.25
    with pytest.raises(ValueError, match="paid_hours"):
        ShiftTemplate(length_hours=8, paid_hours=9)
