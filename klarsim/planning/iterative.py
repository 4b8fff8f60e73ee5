"""The iterative staffing algorithm (Feldman, Mandelbaum, Massey and Whitt, 2008), for klarsim.

1. A first run with the scenario's own staffing measures, per interval of the week, the
   contacts that ask for a person (escalations and recontacts included), how long service
   takes and how patient customers are.
2. The first plan is analytic: per interval, the fewest agents meeting the targets in an
   Erlang A queue (Erlang C when nobody abandons) with the interval's offered load, lagged by
   one mean service time.
3. Each iteration simulates the current plan (the same seeds every time: common random
   numbers) and finds each interval's fewest agents for which the targets hold given what
   arrivals of that interval found: the law of the number of the group's contacts in system
   (``klarsim.planning.queueing``). With a delay-probability target this is the original
   algorithm's rule ``min {s : P(L >= s) <= alpha}``. The next plan moves half way there
   (rounded up): without abandonment a full step overshoots and swings.
4. It stops when no interval changes. Simulation noise can keep a settled plan moving: when
   plans cycle, or the next plan differs by at most one agent in a few intervals (5 %), the
   plan takes, interval by interval, the larger of them, and one more iteration checks it.
   Intervals of an hour or less pool what arrivals found with their two neighbours.

Pools that share intents are planned together as one group; the group's agents are split
among them in proportion to the work each did in the last run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from klarsim.config import Scenario
from klarsim.config.workforce import EmployeePool
from klarsim.experiments.executors import Runner
from klarsim.experiments.tasks import Task
from klarsim.planning.observed import Group, Observed, observe
from klarsim.planning.queueing import Service, achieved, erlang_staffing, least_agents
from klarsim.planning.scenarios import (
    Staffing,
    intervals_per_week,
    with_staffing,
)
from klarsim.planning.targets import Target
from klarsim.sim.records import ReplicationResult
from klarsim.units import DAYS_PER_WEEK, MINUTES_PER_DAY, SECONDS_PER_MINUTE

SETTLED_SHARE = 0.05
"""Plans that differ in at most this share of intervals, by one agent each, differ by noise."""
WINDOW_UP_TO_MIN = 60.0
"""Intervals this short pool what arrivals found with their two neighbours (less noise)."""
Progress = Callable[[int, int], None]
"""Told (iterations done, most iterations) after each iteration."""


@dataclass(frozen=True)
class Settings:
    """What a plan aims at and how hard it tries."""

    targets: tuple[Target, ...]
    replications: int
    seed: int
    max_iterations: int = 8
    settle_days: float = 1.0
    """Simulated days before each run is measured (see ``scenarios.planning_base``)."""


@dataclass(frozen=True)
class Iteration:
    """One simulated plan: its staffing and what it achieved per group."""

    staffing: dict[str, tuple[int, ...]]
    observed: dict[str, Observed]
    changed_intervals: int
    """Intervals whose staffing the next plan changes (0: converged)."""


@dataclass
class PlanHistory:
    """Every iteration so far; the last is the plan."""

    groups: tuple[Group, ...]
    iterations: list[Iteration] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        """Whether the last plan reproduced itself."""
        return bool(self.iterations) and self.iterations[-1].changed_intervals == 0

    @property
    def final(self) -> Iteration:
        """The plan and what it achieved."""
        return self.iterations[-1]


def groups_of(scenario: Scenario, planned: Sequence[str]) -> tuple[Group, ...]:
    """Planned pools joined into groups wherever their skills overlap."""
    groups: list[tuple[set[str], set[str]]] = []
    for name in planned:
        skills = set(scenario.pools[name].skills)
        touching = [g for g in groups if g[1] & skills]
        pools, intents = {name}, set(skills)
        for group in touching:
            pools |= group[0]
            intents |= group[1]
            groups.remove(group)
        groups.append((pools, intents))
    order = {name: index for index, name in enumerate(scenario.pools)}
    intent_order = list(scenario.demand.intents)
    return tuple(
        Group(
            pools=tuple(sorted(pools, key=order.__getitem__)),
            intents=tuple(i for i in intent_order if i in intents),
        )
        for pools, intents in groups
    )


def plan(
    base: Scenario,
    planned: Sequence[str],
    settings: Settings,
    runner: Runner,
    progress: Progress | None = None,
) -> PlanHistory:
    """Iterate from the analytic plan until the staffing stops changing (or the limit)."""
    groups = groups_of(base, planned)
    history = PlanHistory(groups)
    first = _observe(base, groups, _simulate(base, settings, runner, 0), settings)
    staffing = _analytic(base, groups, first, settings)
    for done in range(1, settings.max_iterations + 1):
        scenario = with_staffing(base, staffing)
        results = _simulate(scenario, settings, runner, done)
        observed = _observe(scenario, groups, results, settings)
        proposal = _halfway(staffing, _update(scenario, groups, observed, settings.targets))
        earlier = [iteration.staffing for iteration in history.iterations]
        if proposal in earlier:  # a cycle: settle on the most each interval had in it
            proposal = _most([*earlier[earlier.index(proposal) :], staffing])
        elif _settled(staffing, proposal):  # only noise is left: keep the larger of the two
            proposal = _most([staffing, proposal])
        history.iterations.append(Iteration(dict(staffing), observed, _changes(staffing, proposal)))
        if progress is not None:
            progress(done, settings.max_iterations)
        if proposal == staffing:
            break
        staffing = proposal
    return history


def _halfway(current: Staffing, proposal: Staffing) -> dict[str, tuple[int, ...]]:
    """Move each interval half way to its proposal, rounding up: a plan that overshoots the
    target calls for too few agents next time and the other way round, so a full step can
    swing for ever; half steps settle (rounding up keeps a one-agent rise, drops a fall)."""
    return {
        pool: tuple(
            math.ceil((now + new) / 2) for now, new in zip(current[pool], counts, strict=True)
        )
        for pool, counts in proposal.items()
    }


def _settled(current: Staffing, proposal: Staffing) -> bool:
    """Whether the plans differ by simulation noise only: no interval by more than one agent,
    and few intervals at all."""
    steps = [
        abs(a - b) for name in current for a, b in zip(current[name], proposal[name], strict=True)
    ]
    return max(steps, default=0) <= 1 and sum(steps) <= SETTLED_SHARE * len(steps)


def _changes(current: Staffing, proposal: Staffing) -> int:
    """Intervals whose staffing differs."""
    return sum(
        a != b for name in current for a, b in zip(current[name], proposal[name], strict=True)
    )


def _most(staffings: Sequence[Staffing]) -> dict[str, tuple[int, ...]]:
    """Each pool's largest staffing of each interval over several plans."""
    pools = staffings[0]
    return {
        pool: tuple(max(counts) for counts in zip(*(s[pool] for s in staffings), strict=True))
        for pool in pools
    }


def _simulate(
    scenario: Scenario, settings: Settings, runner: Runner, iteration: int
) -> list[ReplicationResult]:
    """The replications of one iteration (each iteration keeps its own checkpoints)."""
    tasks = [
        Task(scenario, replication, settings.seed, record_contacts=True, point=iteration)
        for replication in range(settings.replications)
    ]
    return runner.execute(tasks)


def _observe(
    scenario: Scenario,
    groups: Sequence[Group],
    results: Sequence[ReplicationResult],
    settings: Settings,
) -> dict[str, Observed]:
    logs = [result.contacts for result in results if result.contacts is not None]
    experiment = scenario.experiment
    return {
        group.name: observe(
            logs,
            group,
            interval_min=experiment.interval_min,
            measure_from_min=settings.settle_days * MINUTES_PER_DAY,
            weeks=(experiment.horizon_days - settings.settle_days) / DAYS_PER_WEEK,
            target_min=target_min(scenario),
            slots_per_agent=_slots(scenario, group),
        )
        for group in groups
    }


def target_min(scenario: Scenario) -> float:
    """The service-level threshold in minutes."""
    return scenario.experiment.service_level_target_s / SECONDS_PER_MINUTE


def _slots(scenario: Scenario, group: Group) -> int:
    """Contacts an agent of the group serves at once (the most of its pools' concurrencies for
    a chat group; one for voice and email)."""
    channels = {scenario.demand.intents[intent].channel for intent in group.intents}
    if channels != {"chat"}:
        return 1
    return max(scenario.pools[pool].concurrency for pool in group.pools)


def _analytic(
    scenario: Scenario,
    groups: Sequence[Group],
    observed: dict[str, Observed],
    settings: Settings,
) -> dict[str, tuple[int, ...]]:
    """Per interval, Erlang A (or C) staffing for the lagged offered load."""
    targets = settings.targets
    intervals = intervals_per_week(scenario)
    interval_min = scenario.experiment.interval_min
    staffing: dict[str, tuple[int, ...]] = {}
    for group in groups:
        seen = observed[group.name]
        service = seen.service
        arrivals_per_min = seen.offered.mean(axis=0) / (seen.weeks * interval_min)
        lag = 1.0 / (service.rate_per_min * interval_min)  # one mean service time, in intervals
        positions = (np.arange(intervals) - lag) % intervals
        lagged = np.interp(
            positions, np.arange(intervals + 1), np.append(arrivals_per_min, arrivals_per_min[0])
        )
        loads = lagged / service.rate_per_min
        agents = [erlang_staffing(load, service, targets, target_min(scenario)) for load in loads]
        staffing |= _split(group, agents, seen.work_share, scenario)
    return staffing


def _update(
    scenario: Scenario,
    groups: Sequence[Group],
    observed: dict[str, Observed],
    targets: tuple[Target, ...],
) -> dict[str, tuple[int, ...]]:
    """Each interval's fewest agents meeting the targets given what its arrivals found."""
    proposal: dict[str, tuple[int, ...]] = {}
    window = 1 if scenario.experiment.interval_min <= WINDOW_UP_TO_MIN else 0
    for group in groups:
        seen = observed[group.name]
        agents = [
            _least_for(seen.seen_law(k, window), seen.service, targets, target_min(scenario))
            for k in range(seen.seen.shape[0])
        ]
        proposal |= _split(group, agents, seen.work_share, scenario)
    return proposal


def _least_for(
    law: np.ndarray, service: Service, targets: tuple[Target, ...], threshold_min: float
) -> int:
    if not law.any():
        return 0
    return least_agents(lambda agents: achieved(law, agents, service, threshold_min).meets(targets))


def _split(
    group: Group, agents: Sequence[int], share: dict[str, float], scenario: Scenario
) -> dict[str, tuple[int, ...]]:
    """A group's agents per interval, split among its pools by their share of the work."""
    if len(group.pools) == 1:
        return {group.pools[0]: tuple(int(a) for a in agents)}
    split: dict[str, list[int]] = {pool: [] for pool in group.pools}
    for total in agents:
        exact = {pool: total * share[pool] for pool in group.pools}
        whole = {pool: math.floor(value) for pool, value in exact.items()}
        left = total - sum(whole.values())
        for pool in sorted(group.pools, key=lambda p: whole[p] - exact[p])[:left]:
            whole[pool] += 1
        for pool in group.pools:
            split[pool].append(whole[pool])
    assert all(isinstance(scenario.pools[p], EmployeePool) for p in group.pools)
    return {pool: tuple(counts) for pool, counts in split.items()}
