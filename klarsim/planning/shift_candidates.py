"""The shifts a pool's templates allow, on the week's interval grid, and what each covers.

Shift scheduling (``klarsim.planning.shifts``) chooses among these candidates: every template
started on each of its days at each of its start hours, checked against the interval grid
and a size cap, with the intervals of the week each one covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix, csr_matrix

from klarsim.config.errors import Problem, ScenarioError
from klarsim.config.workforce import WEEKDAYS, ShiftTemplate
from klarsim.units import HOURS_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK

GRID_TOLERANCE = 1e-6
"""Minutes by which a start or length may miss the interval grid (float noise)."""
MAX_CANDIDATES = 20_000
"""Most candidate shifts (template x day x start) in one programme: a week of 15-minute
starts with seven lengths is about 4,700, and HiGHS solves such a programme in seconds."""

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Candidate:
    """One shift the programme may use: a template started on a day at an hour."""

    template: int
    """Index into the templates."""
    day: int
    start_hour: float
    first: int
    """The first interval of the week it covers."""
    span: int
    """How many intervals it covers (wrapping past Sunday to Monday)."""


def interval_count(interval_min: float) -> int:
    """Intervals in a week; the week must be a whole number of them."""
    if interval_min <= 0:
        raise ValueError(f"expected interval_min above 0, got {interval_min:g}")
    count = round(MINUTES_PER_WEEK / interval_min)
    if abs(count * interval_min - MINUTES_PER_WEEK) > GRID_TOLERANCE:
        raise ValueError(f"expected interval_min to divide a week, got {interval_min:g}")
    return count


def _on_grid(minutes: float, interval_min: float) -> bool:
    return abs(minutes - round(minutes / interval_min) * interval_min) <= GRID_TOLERANCE


def _start_hours(template: ShiftTemplate, interval_min: float) -> list[float]:
    """The template's start hours, or by default every whole hour on the interval grid."""
    if template.start_hours is not None:
        return sorted(set(template.start_hours))
    return [float(h) for h in range(HOURS_PER_DAY) if _on_grid(h * MINUTES_PER_HOUR, interval_min)]


def candidates_of(
    templates: Sequence[ShiftTemplate], interval_min: float, key: str, source: str
) -> list[Candidate]:
    """Every start the templates allow, checked against the interval grid and the size cap."""
    problems = [p for i, t in enumerate(templates) for p in _grid_problems(t, i, interval_min)]
    if problems:
        raise ScenarioError([Problem(source, f"{key}.{where}", msg) for where, msg in problems])
    candidates = [
        Candidate(
            template=index,
            day=WEEKDAYS.index(day),
            start_hour=hour,
            first=round(
                (WEEKDAYS.index(day) * HOURS_PER_DAY + hour) * MINUTES_PER_HOUR / interval_min
            ),
            span=round(template.length_hours * MINUTES_PER_HOUR / interval_min),
        )
        for index, template in enumerate(templates)
        for day in dict.fromkeys(template.days)
        for hour in _start_hours(template, interval_min)
    ]
    if len(candidates) > MAX_CANDIDATES:
        message = (
            f"expected at most {MAX_CANDIDATES} shifts to choose from (template x day x start), "
            f"got {len(candidates)}: allow fewer start_hours or days"
        )
        raise ScenarioError([Problem(source, key, message)])
    return candidates


def _grid_problems(
    template: ShiftTemplate, index: int, interval_min: float
) -> list[tuple[str, str]]:
    """Starts and lengths that miss the boundaries of ``interval_min`` (sub-key, message)."""
    grid = f"the {interval_min:g}-minute intervals of experiment.interval_min"
    problems: list[tuple[str, str]] = []
    if not _on_grid(template.length_hours * MINUTES_PER_HOUR, interval_min):
        problems.append(
            (
                f"{index}.length_hours",
                f"expected a whole number of {grid}, got {template.length_hours:g} h",
            )
        )
    off = [
        h for h in template.start_hours or [] if not _on_grid(h * MINUTES_PER_HOUR, interval_min)
    ]
    if off:
        listed = ", ".join(f"{h:g}" for h in off[:5]) + (
            f" and {len(off) - 5} more" if len(off) > 5 else ""
        )
        problems.append((f"{index}.start_hours", f"expected starts on {grid}, got {listed}"))
    return problems


def check_covered(
    need: IntArray, candidates: list[Candidate], interval_min: float, key: str, source: str
) -> None:
    """Fail on the first interval that needs agents but that no allowed shift covers."""
    covered = coverage(candidates, need.size).sum(axis=1).A1 > 0
    gaps = np.flatnonzero((need > 0) & ~covered)
    if gaps.size:
        first = int(gaps[0])
        message = (
            f"no shift template covers {interval_name(first, interval_min)}, "
            f"where agents are required on duty ({gaps.size} such intervals in the week)"
        )
        raise ScenarioError([Problem(source, key, message)])


def interval_name(index: int, interval_min: float) -> str:
    """``Tue 03:00-03:30`` for interval ``index`` of the week."""
    return f"{_clock(index * interval_min)}-{_clock((index + 1) * interval_min, end=True)}"


def _clock(minute: float, *, end: bool = False) -> str:
    """``Tue 03:00`` for a minute of the week (an end time keeps its day: ``Sun 24:00``)."""
    day, rest = divmod(round(minute), round(MINUTES_PER_HOUR * HOURS_PER_DAY))
    if end and rest == 0:
        day, rest = day - 1, round(MINUTES_PER_HOUR * HOURS_PER_DAY)
    hours, minutes = divmod(rest, round(MINUTES_PER_HOUR))
    if not end:
        return f"{WEEKDAYS[day % len(WEEKDAYS)].title()} {hours:02d}:{minutes:02d}"
    return f"{hours:02d}:{minutes:02d}"


def coverage(candidates: list[Candidate], intervals: int) -> csr_matrix:
    """Intervals x candidates: 1 where the candidate shift is rostered in the interval."""
    rows = [(c.first + offset) % intervals for c in candidates for offset in range(c.span)]
    cols = [j for j, c in enumerate(candidates) for _ in range(c.span)]
    data = np.ones(len(rows))
    return coo_matrix((data, (rows, cols)), shape=(intervals, len(candidates))).tocsr()
