"""Builds the model of one replication on a ``simpy.Environment`` and runs it.

``simulate`` is the one picklable entry point that serial, process-pool and Dask execution
all call. Long-lived processes (the interval clock) are generators; the per-contact path is
a chain of event callbacks (see ``klarsim.model.routing``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import simpy
from simpy.events import Event, Timeout

from klarsim.config.schema import Scenario
from klarsim.metrics.contact_log import ContactLog
from klarsim.metrics.kpis import kpis
from klarsim.metrics.recorder import Recorder
from klarsim.model.contacts import QUEUED, Contact, ContactFactory
from klarsim.model.demand import MINUTES_PER_DAY, Arrivals
from klarsim.model.events import Call
from klarsim.model.routing import Router
from klarsim.model.workforce import Pool
from klarsim.records import Columns, ReplicationResult, Row
from klarsim.rng import Streams

SECONDS_PER_MINUTE = 60.0


def simulate(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    *,
    record_contacts: bool = False,
) -> ReplicationResult:
    """Run one replication; ``seed`` defaults to the scenario's ``experiment.seed``."""
    run_seed = scenario.experiment.seed if seed is None else seed
    return Replication(scenario, replication, run_seed, record_contacts=record_contacts).run()


class Replication:
    """The model of one replication: demand, contacts, pools and router on one clock."""

    def __init__(
        self, scenario: Scenario, replication: int, seed: int, *, record_contacts: bool = False
    ) -> None:
        experiment = scenario.experiment
        self.scenario = scenario
        self.replication = replication
        self.seed = seed
        self.interval_min = experiment.interval_min
        self.horizon_min = experiment.horizon_days * MINUTES_PER_DAY
        self.warmup_min = experiment.warmup_days * MINUTES_PER_DAY
        self.intervals = round(self.horizon_min / self.interval_min)
        self.first_interval = round(self.warmup_min / self.interval_min)
        self.env = simpy.Environment()
        streams = Streams(seed, replication)
        self.recorder = Recorder(
            self.intervals, experiment.service_level_target_s / SECONDS_PER_MINUTE
        )
        self.contacts = ContactFactory(scenario, streams)
        self.pools = self._build_pools()
        self.log = (
            ContactLog(self.contacts.intent_names, self.contacts.intent_channels, self.warmup_min)
            if record_contacts
            else None
        )
        self.router = Router(
            self.env,
            self.pools,
            len(self.contacts.intent_names),
            self.recorder,
            on_finished=self.log.record if self.log is not None else None,
        )
        arrivals = Arrivals(
            scenario.demand,
            self.horizon_min,
            streams.generator("day_volume"),
            streams.generator("arrivals"),
        )
        self._incoming: Iterator[Contact] = self.contacts.contacts(arrivals.days())

    def _build_pools(self) -> list[Pool]:
        index = {name: position for position, name in enumerate(self.contacts.intent_names)}
        return [
            Pool(name, spec, tuple(index[skill] for skill in spec.skills))
            for name, spec in self.scenario.pools.items()
        ]

    def run(self) -> ReplicationResult:
        """Simulate the horizon and return the replication's records."""
        self._schedule_next_arrival()
        self.env.process(self._interval_clock())
        self.env.run(until=self.horizon_min)
        self._close_interval(self.intervals - 1)
        return ReplicationResult(
            scenario=self.scenario.name,
            replication=self.replication,
            seed=self.seed,
            summary=self._summary(),
            timeseries=self._timeseries(),
            contacts=self._contact_log(),
            events=next(self.env._eid),
        )

    def _schedule_next_arrival(self) -> None:
        contact = next(self._incoming, None)
        if contact is not None:
            Call(self.env, contact.arrival_min - self.env.now, self._on_arrival, contact)

    def _on_arrival(self, event: Call) -> None:
        self._schedule_next_arrival()
        contact: Contact = event.subject
        self.recorder.arrived(contact)
        self.router.offer(contact)

    def _interval_clock(self) -> Generator[Event, None, None]:
        for index in range(self.intervals - 1):
            yield Timeout(self.env, (index + 1) * self.interval_min - self.env.now)
            self._close_interval(index)

    def _close_interval(self, index: int) -> None:
        self.recorder.close_interval(
            index,
            self.env.now,
            busy=[pool.busy for pool in self.pools],
            staffed=[pool.staffed for pool in self.pools],
            waiting=self.router.waiting,
        )

    def _summary(self) -> Row:
        totals = self.recorder.totals(self.first_interval)
        unfinished = [
            (contact, pool)
            for contact, pool in self.router.in_system()
            if contact.arrival_min >= self.warmup_min
        ]
        in_queue = sum(1 for contact, _ in unfinished if contact.state == QUEUED)
        return {
            "scenario": self.scenario.name,
            "replication": self.replication,
            "seed": self.seed,
            **kpis(totals, self.horizon_min - self.warmup_min),
            "in_queue_end": in_queue,
            "in_service_end": len(unfinished) - in_queue,
            "in_system_end": len(unfinished),
        }

    def _timeseries(self) -> Columns:
        sums = self.recorder.sums
        columns: Columns = {"interval": [], "time_days": []}
        for index in range(self.first_interval, self.intervals):
            columns["interval"].append(index)
            columns["time_days"].append(index * self.interval_min / MINUTES_PER_DAY)
            interval_sums = {name: values[index] for name, values in sums.items()}
            row = kpis(interval_sums, self.interval_min)
            row["staffed_agents"] = interval_sums["staffed_agent_min"] / self.interval_min
            row["queue_end"] = interval_sums["queue_end"]
            for name, value in row.items():
                columns.setdefault(name, []).append(value)
        return columns

    def _contact_log(self) -> Columns | None:
        if self.log is None:
            return None
        unfinished = self.router.in_system()
        for contact, _ in unfinished:
            if contact.state == QUEUED:
                contact.wait_min = self.horizon_min - contact.queued_min
        self.log.record_unfinished(unfinished)
        return self.log.columns


__all__ = ["Replication", "simulate"]
