"""The iterative staffing algorithm (Feldman, Mandelbaum, Massey and Whitt, 2008), for klarsim.

1. A first run with ample staff (three times each planned pool's headcount, on duty all
   week) measures, per interval of the week, the contacts that ask for a person
   (escalations and recontacts included, but not the returns of contacts that abandoned for
   want of staff), how long service takes and how patient customers are.
2. The first plan is analytic: per interval, the fewest agents meeting the targets in an
   Erlang A queue (Erlang C when nobody abandons) with the interval's offered load, lagged by
   one mean service time.
3. Each iteration simulates the current plan (the same seeds every time: common random
   numbers) and finds each interval's fewest agents for which the targets hold given what
   arrivals of that interval found: the law of the number of the group's contacts in system
   (``klarsim.planning.queueing``). With a delay-probability target this is the original
   algorithm's rule ``min {s : P(L >= s) <= alpha}``. The next plan moves there; half way
   (rounded up) where an interval turns back (without abandonment full steps swing), and a
   step and a half where it keeps going the same way (the plan closes about half its gap
   per iteration otherwise).
4. It stops when no interval changes. Simulation noise can keep a settled plan moving: when
   plans cycle, or the next plan differs from the current one by noise only, the plan takes,
   interval by interval, the larger of the two; one more iteration checks it, and if only
   noise is left then, it stands. Noise is measured, not guessed: each replication's weeks
   are batches, each batch gives its own least staffing per interval, and their spread gives
   the standard error of the interval's requirement. A move is noise when it is within two
   standard errors (and at least one agent or 2 %) in all but 5 % of the intervals (with many
   intervals a few go further by chance), and the agent hours move within two standard
   errors of their sum (and at least 0.5 %). Intervals of an hour or less pool what
   arrivals found with their neighbours (weights 1/4, 1/2, 1/4).

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
from klarsim.experiments.executors import EveryRunFailed, Runner
from klarsim.experiments.tasks import Task
from klarsim.planning.observed import Group, Observed, observe
from klarsim.planning.queueing import Service, achieved, erlang_staffing, least_agents
from klarsim.planning.scenarios import (
    Staffing,
    intervals_per_week,
    with_ample_staff,
    with_staffing,
)
from klarsim.planning.targets import Target
from klarsim.sim.records import ReplicationResult
from klarsim.units import DAYS_PER_WEEK, MINUTES_PER_DAY, SECONDS_PER_MINUTE

NOISE_SHARE = 0.02
"""An interval's staffing may always move by this share of its agents (at least one) by noise."""
SETTLED_SHARE = 0.005
"""The plan's agent hours may always move by this share by noise."""
NOISE_STANDARD_ERRORS = 2.0
"""A move within this many standard errors of the requirement's estimate is noise."""
NOISE_OUTLIERS = 0.05
"""Share of intervals that may move beyond their allowance in a plan that moves by noise only
(with many intervals a few go beyond two standard errors by chance)."""
WINDOW_UP_TO_MIN = 60.0
"""Intervals this short mix what arrivals found with their two neighbours (less noise)."""
Noise = dict[str, tuple[float, ...]]
"""Per pool and interval, the standard error of the requirement in agents."""
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
    noise: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """Standard error of each interval's requirement, in agents, from the batches' spread."""


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
    measured = _simulate(with_ample_staff(base, planned), settings, runner, 0)
    staffing = _analytic(base, groups, _observe(base, groups, measured, settings), settings)
    previous: Staffing | None = None
    checking = False
    for done in range(1, settings.max_iterations + 1):
        scenario = with_staffing(base, staffing)
        results = _simulate(scenario, settings, runner, done)
        observed = _observe(scenario, groups, results, settings)
        wanted, noise = _update(scenario, groups, observed, settings.targets)
        proposal = _step(previous, staffing, wanted)
        earlier = [iteration.staffing for iteration in history.iterations]
        settled = proposal in earlier or _settled(staffing, proposal, noise)
        if settled and checking:  # the larger plan was checked and only noise is left
            proposal = dict(staffing)
        elif proposal in earlier:  # a cycle: settle on the most each interval had in it
            proposal = _most([*earlier[earlier.index(proposal) :], staffing])
        elif settled:  # only noise is left: keep the larger of the two, then check it
            proposal = _most([staffing, proposal])
        checking = settled
        history.iterations.append(
            Iteration(dict(staffing), observed, _changes(staffing, proposal), noise)
        )
        if progress is not None:
            progress(done, settings.max_iterations)
        if proposal == staffing:
            break
        previous, staffing = staffing, proposal
    return history


def _step(
    previous: Staffing | None, current: Staffing, wanted: Staffing
) -> dict[str, tuple[int, ...]]:
    """The next plan: a step and a half where an interval keeps moving the same way, half a
    step (rounded up) where it turns back, a full step otherwise. A plan that overshoots the
    target calls for too few agents next time and the other way round, so full steps can
    swing for ever; halving the swings settles them, and lengthening steady moves keeps a
    plan that is still far off from crawling."""
    return {
        pool: tuple(
            _one_step(before if previous is not None else None, now, new)
            for before, now, new in zip(
                previous[pool] if previous is not None else counts,
                current[pool],
                counts,
                strict=True,
            )
        )
        for pool, counts in wanted.items()
    }


def _one_step(before: int | None, now: int, new: int) -> int:
    """Half way back where the interval turns; half again further where it keeps going the
    same way (the plan closes about half its gap per iteration: this speeds it up)."""
    if before is None or now in (before, new):
        return new
    if (now - before) * (new - now) < 0:
        return math.ceil((now + new) / 2)
    return max(0, new + round((new - now) / 2))


def _settled(current: Staffing, proposal: Staffing, noise: Noise) -> bool:
    """Whether the plans differ by simulation noise only: every interval within its noise
    allowance, and the agent hours too (noise moves intervals both ways, so their sum moves
    less than its parts)."""
    triples = [
        (a, b, error)
        for name in current
        for a, b, error in zip(current[name], proposal[name], noise[name], strict=True)
    ]
    z = NOISE_STANDARD_ERRORS
    beyond = sum(abs(b - a) > max(1.0, NOISE_SHARE * a, z * error) for a, b, error in triples)
    if beyond > NOISE_OUTLIERS * len(triples):
        return False
    total = sum(a for a, _, _ in triples)
    total_error = math.sqrt(sum(error**2 for _, _, error in triples))
    allowed = max(SETTLED_SHARE * max(total, 1), z * total_error)
    return abs(sum(b - a for a, b, _ in triples)) <= allowed


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
    results = runner.execute(tasks)
    if not results:  # nothing to plan from; the failures are listed by the runner's options
        raise EveryRunFailed(f"every run of planning iteration {iteration} failed")
    return results


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
) -> tuple[dict[str, tuple[int, ...]], Noise]:
    """Each interval's fewest agents meeting the targets given what its arrivals found, and
    the standard error of that figure (from the batches: replications' weeks)."""
    proposal: dict[str, tuple[int, ...]] = {}
    noise: Noise = {}
    pooled = scenario.experiment.interval_min <= WINDOW_UP_TO_MIN
    threshold = target_min(scenario)
    for group in groups:
        seen = observed[group.name]
        intervals = range(seen.seen.shape[0])
        agents = [
            _least_for(seen.seen_law(k, pooled), seen.service, targets, threshold)
            for k in intervals
        ]
        by_batch = np.array(
            [
                [
                    _least_for(seen.seen_law(k, pooled, batch), seen.service, targets, threshold)
                    for k in intervals
                ]
                for batch in range(seen.seen_by_batch.shape[0])
            ],
            dtype=float,
        )
        error = _standard_error(by_batch)
        proposal |= _split(group, agents, seen.work_share, scenario)
        noise |= {pool: tuple(error * seen.work_share[pool]) for pool in group.pools}
    return proposal, noise


def _standard_error(by_batch: np.ndarray) -> np.ndarray:
    """Per interval, the standard error of the mean over batches (zero with one batch)."""
    batches = by_batch.shape[0]
    if batches < 2:
        return np.zeros(by_batch.shape[1])
    error: np.ndarray = by_batch.std(axis=0, ddof=1) / math.sqrt(batches)
    return error


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
