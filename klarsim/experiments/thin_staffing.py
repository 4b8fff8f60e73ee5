"""The scale caveat seen in the results: a pool that becomes small on duty during a run.

``klarsim.config.caveats`` warns before a run when a scaled-down pool starts with few agents on
duty. Layoffs, attrition and hiring freezes can shrink a pool that started large enough (the
Klarna leap falls to about ten agents on duty at scale 0.05), and its queueing is then as
distorted as a pool that started small. ``ThinStaffing`` watches each finished replication's
``staffed_agents_<pool>`` column in windows of ``WINDOW_DAYS`` and names the first window
whose median staffed interval has fewer than ``FEW_AGENTS`` agents on duty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from klarsim.config.caveats import FEW_AGENTS, median_on_duty
from klarsim.config.scale import scaled
from klarsim.config.schema import Scenario
from klarsim.config.workforce import EmployeePool
from klarsim.sim.records import ReplicationResult

WINDOW_DAYS = 30.0
"""Windows this long: a month's staffing, not a quiet night's."""


@dataclass(frozen=True)
class ThinWindow:
    """The first window of a replication in which a pool is thin on duty."""

    start_day: float
    median_on_duty: float


def first_thin_window(time_days: Sequence[float], staffed: Sequence[float]) -> ThinWindow | None:
    """The first ``WINDOW_DAYS`` window whose median staffed interval is under ``FEW_AGENTS``."""
    days = np.asarray(time_days, dtype=float)
    agents = np.asarray(staffed, dtype=float)
    if days.size == 0:
        return None
    windows = np.floor((days - days[0]) / WINDOW_DAYS).astype(int)
    for window in range(int(windows[-1]) + 1):
        on_duty = agents[(windows == window) & (agents > 0)]
        if on_duty.size and float(np.median(on_duty)) < FEW_AGENTS:
            start = float(days[0] + window * WINDOW_DAYS)
            return ThinWindow(start, float(np.median(on_duty)))
    return None


@dataclass
class ThinStaffing:
    """Collects, over a job's replications, each pool's earliest thin window, as caveats."""

    found: dict[tuple[str, str], tuple[Scenario, ThinWindow]] = field(default_factory=dict)
    unwatched: dict[int, tuple[Scenario, set[str]]] = field(default_factory=dict)
    """By scenario (its id; the scenario is kept with it, so the id is never reused): employee
    pools not to watch, worked out from the scaled scenario (a copy made by validation, tens of
    milliseconds) only once a thin window is seen."""

    def observe(self, scenario: Scenario, result: ReplicationResult) -> None:
        """Look at one finished replication of ``scenario`` (one at scale below 1)."""
        if scenario.experiment.scale >= 1:
            return
        for name, pool in scenario.pools.items():
            column = result.timeseries.get(f"staffed_agents_{name}")
            if not isinstance(pool, EmployeePool) or column is None:
                continue
            window = first_thin_window(result.timeseries["time_days"], column)
            key = (scenario.name, name)
            if (
                window is not None
                and name not in self._unwatched(scenario)
                and _earlier(window, self.found.get(key))
            ):
                self.found[key] = (scenario, window)

    def _unwatched(self, scenario: Scenario) -> set[str]:
        """Employee pools empty at the scaled start, or already called thin before the run."""
        known = self.unwatched.get(id(scenario))
        if known is None:
            pools = scaled(scenario).pools.items()
            skipped = {
                name
                for name, pool in pools
                if isinstance(pool, EmployeePool)
                and (pool.headcount == 0 or median_on_duty(pool) < FEW_AGENTS)
            }
            known = self.unwatched[id(scenario)] = (scenario, skipped)
        return known[1]

    def caveats(self) -> list[str]:
        """One caveat per scenario and pool that became thin, naming when and how thin."""
        return [
            f"{scenario_name}: at experiment.scale={scenario.experiment.scale:g}, pool "
            f"{pool!r} falls to a median of {window.median_on_duty:.1f} agents on duty from "
            f"day {window.start_day:g} (under {FEW_AGENTS:g}): from then on its waits, service "
            "level and abandonment are pessimistic for the full-size centre"
            for (scenario_name, pool), (scenario, window) in self.found.items()
        ]


def _earlier(window: ThinWindow, known: tuple[Scenario, ThinWindow] | None) -> bool:
    if known is None:
        return True
    start = known[1].start_day
    return window.start_day < start or (
        math.isclose(window.start_day, start) and window.median_on_duty < known[1].median_on_duty
    )
