"""Caveats of a scenario, known before it runs: printed as warnings and kept in the manifest.

- **Scale.** At ``experiment.scale`` below 1 an employee pool with fewer than
  ``FEW_AGENTS`` agents on duty at the median staffed hour of the week (roster x scale x
  (1 - shrinkage), at the starting headcount) queues unlike the full-size centre: its waits,
  service level and abandonment are pessimistic. Volumes and costs still extrapolate.
- **Headcount and roster.** A rostered pool whose ``headcount`` differs by more than
  ``LEVEL_TOLERANCE`` from the headcount its roster is drawn for staffs the roster's shape at
  another level (agents on duty = roster x headcount / reference): said, in case it was not
  meant.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator

from klarsim.config.roster import WeeklySchedule, reference_headcount
from klarsim.config.scale import scaled
from klarsim.config.schema import Scenario
from klarsim.config.workforce import EmployeePool, Roster

FEW_AGENTS = 15.0
"""Below this many agents on duty a pool's queueing differs markedly from a large pool's."""
LEVEL_TOLERANCE = 0.1
"""A headcount this far (as a share) from the roster's reference is worth a word."""


def scenario_caveats(scenario: Scenario) -> list[str]:
    """The caveats of one scenario, each naming it and the keys concerned."""
    return [
        f"{scenario.name}: {caveat}"
        for caveat in (*_scale_caveats(scenario), *_level_caveats(scenario))
    ]


def median_on_duty(pool: EmployeePool) -> float:
    """Agents on duty at the median staffed hour of the week, at the starting headcount."""
    if not isinstance(pool.roster, Roster):
        return pool.headcount * (1.0 - pool.shrinkage)
    schedule = WeeklySchedule.of(pool.roster)
    staffed = schedule.staffed_hours()
    if not staffed:
        return 0.0
    level = pool.headcount / reference_headcount(pool.roster)
    return statistics.median(staffed) * level * (1.0 - pool.shrinkage)


def _scale_caveats(scenario: Scenario) -> Iterator[str]:
    scale = scenario.experiment.scale
    if scale >= 1:
        return
    for name, pool in scaled(scenario).pools.items():
        if not isinstance(pool, EmployeePool) or pool.headcount == 0:
            continue
        on_duty = median_on_duty(pool)
        if on_duty < FEW_AGENTS:
            yield (
                f"at experiment.scale={scale:g}, pool {name!r} has about {on_duty:.1f} agents "
                f"on duty at the median staffed hour (under {FEW_AGENTS:g}): queueing results "
                "depend on scale, so waits, service level and abandonment are pessimistic for "
                "the full-size centre (volumes and costs extrapolate: *_full_scale columns)"
            )


def _level_caveats(scenario: Scenario) -> Iterator[str]:
    for name, pool in scenario.pools.items():
        if not isinstance(pool, EmployeePool) or not isinstance(pool.roster, Roster):
            continue
        reference = reference_headcount(pool.roster)
        level = pool.headcount / reference
        if abs(level - 1.0) > LEVEL_TOLERANCE:
            source = "roster.for_headcount" if pool.roster.for_headcount else "its paid hours"
            yield (
                f"pools.{name}.headcount ({pool.headcount}) is {level:.0%} of the headcount "
                f"its roster is drawn for ({reference:g}, from {source}): agents on duty are "
                f"the roster x {level:.2f}"
            )
