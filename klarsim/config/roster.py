"""What a roster means: staffed agents at every moment of the week, the headcount it is drawn
for, and its checks.

Shared by the load-time checks (a roster may not staff more agents than its reference
headcount) and the engine (which follows it, scaled by trained employees over that reference).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from klarsim.config.schema import Scenario
from klarsim.config.workforce import CONTRACT_HOURS_PER_WEEK, WEEKDAYS, EmployeePool, Roster
from klarsim.units import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK

Finding = tuple[str, str]


class WeeklySchedule:
    """A piecewise-constant count over the week: ``values[i]`` from ``starts[i]`` (minutes)."""

    def __init__(self, starts: list[float], values: list[float]) -> None:
        self.starts = starts
        self.values = values

    @classmethod
    def of(cls, roster: Roster) -> WeeklySchedule:
        """The schedule of a roster given per hour or as shift templates."""
        if roster.hours_of_week is not None:
            starts = [hour * MINUTES_PER_HOUR for hour in range(len(roster.hours_of_week))]
            return cls(starts, list(roster.hours_of_week))
        changes: dict[float, float] = {0.0: 0.0}
        for shift in roster.shifts or []:
            for day in shift.days:
                start = WEEKDAYS.index(day) * MINUTES_PER_DAY + shift.start_hour * MINUTES_PER_HOUR
                _add_span(changes, start, shift.length_hours * MINUTES_PER_HOUR, shift.agents)
        starts = sorted(changes)
        values: list[float] = []
        level = 0.0
        for start in starts:
            level += changes[start]
            values.append(max(0.0, round(level, 9)))
        return cls(starts, values)

    def at(self, minute: float) -> float:
        """The count at ``minute`` (any time: taken modulo the week)."""
        index = bisect.bisect_right(self.starts, minute % MINUTES_PER_WEEK) - 1
        return self.values[index]

    def next_change(self, minute: float) -> float:
        """The first time after ``minute`` at which the count may change."""
        week_start = minute - minute % MINUTES_PER_WEEK
        index = bisect.bisect_right(self.starts, minute % MINUTES_PER_WEEK)
        if index < len(self.starts):
            return week_start + self.starts[index]
        return week_start + MINUTES_PER_WEEK

    def peak(self) -> float:
        """The largest count of the week."""
        return max(self.values)

    def agent_hours(self) -> float:
        """Agent-hours rostered (paid) in a week."""
        ends = [*self.starts[1:], MINUTES_PER_WEEK]
        minutes = sum(
            value * (end - start)
            for start, end, value in zip(self.starts, ends, self.values, strict=True)
        )
        return minutes / MINUTES_PER_HOUR

    def staffed_hours(self) -> list[float]:
        """The count in each hour of the week with anyone rostered (sampled mid-hour)."""
        counts = [self.at((hour + 0.5) * MINUTES_PER_HOUR) for hour in range(HOURS_PER_WEEK)]
        return [count for count in counts if count > 0]


def implied_headcount(schedule: WeeklySchedule) -> float:
    """The people a roster implies: its paid hours per week over the contract hours, and at
    least its peak (no hour can staff more people than there are)."""
    return max(schedule.peak(), schedule.agent_hours() / CONTRACT_HOURS_PER_WEEK)


def reference_headcount(roster: Roster) -> float:
    """The headcount a roster's counts are drawn for: ``for_headcount``, else the implied one."""
    if roster.for_headcount is not None:
        return roster.for_headcount
    return implied_headcount(WeeklySchedule.of(roster))


def _add_span(changes: dict[float, float], start: float, length: float, agents: float) -> None:
    """Add ``agents`` from ``start`` for ``length`` minutes, wrapping past the week's end."""
    end = start + length
    pieces = [(start, min(end, MINUTES_PER_WEEK))]
    if end > MINUTES_PER_WEEK:
        pieces.append((0.0, end - MINUTES_PER_WEEK))
    for begin, finish in pieces:
        changes[begin] = changes.get(begin, 0.0) + agents
        if finish < MINUTES_PER_WEEK:
            changes[finish] = changes.get(finish, 0.0) - agents


def roster_findings(scenario: Scenario) -> Iterator[Finding]:
    """Weekly rosters must fit their reference: no hour staffs more agents than it has people
    (so no hour staffs more agents than the pool has trained employees)."""
    for name, pool in scenario.pools.items():
        if not isinstance(pool, EmployeePool) or not isinstance(pool.roster, Roster):
            continue
        reference = pool.roster.for_headcount
        peak = WeeklySchedule.of(pool.roster).peak()
        if pool.headcount == 0:
            yield f"pools.{name}.headcount", "a weekly roster needs a headcount above 0"
        elif reference is not None and peak > reference + 1e-9:
            yield (
                f"pools.{name}.roster.for_headcount",
                f"expected at least the roster's peak ({peak:g} agents at one hour), "
                f"got {reference:g}",
            )
