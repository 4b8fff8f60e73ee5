"""What the simulation showed, interval by interval of the week, for each planned group.

From the per-contact logs of a planning run: for every contact that asked for a person with
an intent of the group, the number of the group's contacts in system (waiting, or in service
with the group's pools) it found when it came; and per replication and interval, what was
offered, answered within the target, abandoned and waited. Contacts are placed in the interval
of the week in which they asked for a person. Served contacts leave the group's system when
their service ends; contacts taken by a pool outside the group leave it when taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from klarsim.planning.queueing import Service
from klarsim.sim.records import Columns
from klarsim.units import MINUTES_PER_WEEK

ABANDONED = "abandoned"


@dataclass(frozen=True)
class Group:
    """Planned pools that share intents, planned together, and the intents they serve."""

    pools: tuple[str, ...]
    intents: tuple[str, ...]

    @property
    def name(self) -> str:
        """The pools' names joined with ``+``."""
        return "+".join(self.pools)


@dataclass(frozen=True)
class Observed:
    """One group over one planning run: per-interval counts and the law seen by arrivals."""

    seen: np.ndarray
    """Shape (intervals, states): arrivals of each interval that found j in system."""
    seen_by_batch: np.ndarray
    """Shape (batches, intervals, states): the same, per replication and week measured (the
    batches' spread tells how far simulation noise moves the plan)."""
    offered: np.ndarray
    """Shape (replications, intervals): contacts that asked for a person."""
    answered_in_target: np.ndarray
    abandoned: np.ndarray
    answered: np.ndarray
    wait_answered_min: np.ndarray
    busy_min: np.ndarray
    """Shape (replications, intervals): service minutes of the group's pools, by the interval in
    which the service started."""
    work_share: dict[str, float]
    """Share of the group's service minutes each pool gave."""
    service: Service
    """Service rate per slot and patience, estimated over the whole run."""
    weeks: float
    """Weeks measured in each replication."""

    def seen_law(self, interval: int, pooled: bool = False, batch: int | None = None) -> np.ndarray:
        """The law of the number in system met by arrivals of an interval (zeros: nobody
        came), over the whole run or one ``batch``; ``pooled``: mixed with the two
        neighbours' laws, weights 1/4, 1/2, 1/4."""
        seen = self.seen if batch is None else self.seen_by_batch[batch]
        own = _law(seen[interval])
        if not pooled:
            return own
        intervals = seen.shape[0]
        before = _law(seen[(interval - 1) % intervals])
        after = _law(seen[(interval + 1) % intervals])
        mixed: np.ndarray = 0.5 * own + 0.25 * (before + after)
        return _law(mixed) if own.any() else own


def _law(counts: np.ndarray) -> np.ndarray:
    """Counts as probabilities (all zeros stay zeros)."""
    total = counts.sum()
    law: np.ndarray = counts / total if total > 0 else counts
    return law


def observe(
    logs: Sequence[Columns],
    group: Group,
    *,
    interval_min: float,
    measure_from_min: float,
    weeks: float,
    target_min: float,
    slots_per_agent: int,
) -> Observed:
    """Measure one group from the contact logs of a run's replications."""
    intervals = round(MINUTES_PER_WEEK / interval_min)
    week = _Week(interval_min, intervals)
    contacts = [_contacts(log, group) for log in logs]
    measured = [c.since(measure_from_min) for c in contacts]
    per_rep = [_counts(c, week, target_min) for c in measured]
    batches = [batch for c in contacts for batch in _seen(c, week, measure_from_min)]
    width = max((counts.shape[1] for counts in batches), default=1)
    seen_by_batch = np.zeros((max(len(batches), 1), intervals, width))
    for index, counts in enumerate(batches):
        seen_by_batch[index, :, : counts.shape[1]] = counts
    stacked = {name: np.array([rep[name] for rep in per_rep]) for name in per_rep[0]}
    return Observed(
        seen=seen_by_batch.sum(axis=0),
        seen_by_batch=seen_by_batch,
        offered=stacked["offered"],
        answered_in_target=stacked["answered_in_target"],
        abandoned=stacked["abandoned"],
        answered=stacked["answered"],
        wait_answered_min=stacked["wait_answered_min"],
        busy_min=stacked["busy_min"],
        work_share=_work_share(measured, group),
        service=_service(measured, slots_per_agent),
        weeks=weeks,
    )


@dataclass(frozen=True)
class _Week:
    """Intervals of the week."""

    interval_min: float
    intervals: int

    def of(self, times: np.ndarray) -> np.ndarray:
        """The interval of the week of each time."""
        return (np.floor(times / self.interval_min) % self.intervals).astype(int)


@dataclass(frozen=True)
class _Contacts:
    """The group's contacts of one log as arrays (those that asked for a person)."""

    offered_min: np.ndarray
    wait_min: np.ndarray
    service_min: np.ndarray
    """Zero for contacts never served."""
    abandoned: np.ndarray
    pool: np.ndarray
    by_group: np.ndarray
    """Served by one of the group's pools."""

    def since(self, from_min: float) -> _Contacts:
        """Those that asked for a person at or after ``from_min``."""
        keep = self.offered_min >= from_min
        return _Contacts(
            self.offered_min[keep],
            self.wait_min[keep],
            self.service_min[keep],
            self.abandoned[keep],
            self.pool[keep],
            self.by_group[keep],
        )


def _contacts(log: Columns, group: Group) -> _Contacts:
    offered = np.asarray(log["offered_min"], dtype=float)
    mine = ~np.isnan(offered) & np.isin(np.asarray(log["intent"]), group.intents)
    pools = np.asarray(log["pool"])[mine]
    service = np.asarray(log["service_min"], dtype=float)[mine]
    return _Contacts(
        offered_min=offered[mine],
        wait_min=np.asarray(log["wait_min"], dtype=float)[mine],
        service_min=np.nan_to_num(service, nan=0.0),
        abandoned=np.asarray(log["outcome"])[mine] == ABANDONED,
        pool=pools,
        by_group=np.isin(pools, group.pools),
    )


def _counts(contacts: _Contacts, week: _Week, target_min: float) -> dict[str, np.ndarray]:
    """Per interval: offered, answered (within the target), abandoned, waits, busy minutes."""
    where = week.of(contacts.offered_min)
    answered = ~contacts.abandoned & (contacts.service_min > 0)
    in_target = answered & (contacts.wait_min <= target_min + 1e-9)

    def per_interval(weights: np.ndarray) -> np.ndarray:
        return np.bincount(where, weights=weights, minlength=week.intervals)

    started = week.of(contacts.offered_min + contacts.wait_min)
    busy = np.where(contacts.by_group, contacts.service_min, 0.0)
    return {
        "offered": per_interval(np.ones(where.size)),
        "answered_in_target": per_interval(in_target.astype(float)),
        "abandoned": per_interval(contacts.abandoned.astype(float)),
        "answered": per_interval(answered.astype(float)),
        "wait_answered_min": per_interval(np.where(answered, contacts.wait_min, 0.0)),
        "busy_min": np.bincount(started, weights=busy, minlength=week.intervals),
    }


def _seen(contacts: _Contacts, week: _Week, from_min: float) -> list[np.ndarray]:
    """Per week measured and interval, how many arrivals found each number of the group's
    contacts in system (counting every logged contact, those before ``from_min`` too)."""
    start = contacts.offered_min
    in_service = np.where(contacts.by_group, contacts.service_min, 0.0)
    end = start + contacts.wait_min + in_service
    starts, ends = np.sort(start), np.sort(end)
    found = np.searchsorted(starts, start, "left") - np.searchsorted(ends, start, "right")
    found = np.maximum(found, 0)
    used = start >= from_min
    where = week.of(start[used])
    width = int(found[used].max()) + 1 if used.any() else 1
    weeks = np.floor((start[used] - from_min) / MINUTES_PER_WEEK).astype(int)
    counts = np.zeros((int(weeks.max()) + 1 if used.any() else 1, week.intervals, width))
    np.add.at(counts, (weeks, where, found[used]), 1.0)
    return list(counts)


def _work_share(measured: Sequence[_Contacts], group: Group) -> dict[str, float]:
    """Each pool's share of the group's service minutes."""
    minutes = {
        pool: sum(float(c.service_min[c.pool == pool].sum()) for c in measured)
        for pool in group.pools
    }
    total = sum(minutes.values())
    if total <= 0:
        return {pool: 1.0 / len(group.pools) for pool in group.pools}
    return {pool: value / total for pool, value in minutes.items()}


def _service(measured: Sequence[_Contacts], slots_per_agent: int) -> Service:
    """Service rate per slot (served over service minutes) and patience (abandons over the
    minutes spent waiting: the exponential estimate), from the group's contacts."""
    served = service_min = abandoned = waited_min = 0.0
    for contacts in measured:
        by_group = contacts.by_group & (contacts.service_min > 0)
        served += float(by_group.sum())
        service_min += float(contacts.service_min[by_group].sum())
        abandoned += float(contacts.abandoned.sum())
        waited_min += float(contacts.wait_min.sum())
    rate = served / service_min if service_min > 0 else 1.0
    patience = abandoned / waited_min if waited_min > 0 else 0.0
    return Service(rate_per_min=rate, slots_per_agent=slots_per_agent, abandon_per_min=patience)
