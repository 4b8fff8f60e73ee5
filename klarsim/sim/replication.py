"""Runs one replication: the model built by ``klarsim.sim.assembly``, on one environment.

``simulate`` is the one picklable entry point that serial, process-pool and Dask execution
all call. Long-lived processes (the interval clock) are generators; the per-contact path is
a chain of event callbacks (see ``klarsim.model.service.routing``).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Generator, Iterator

import numpy as np
from simpy.events import Event, Timeout

from klarsim.config.scale import scaled
from klarsim.config.schema import Scenario
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.streams import Streams
from klarsim.model.demand.arrivals import Arrivals
from klarsim.model.demand.contacts import IN_SERVICE, QUEUED, Contact, arrival_time
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.workforce.pools import AgentPool
from klarsim.sim.assembly import assemble
from klarsim.sim.collection import collect_young_garbage, rare_collections
from klarsim.sim.contact_log import ContactLog
from klarsim.sim.event_log import EventLog
from klarsim.sim.jobs import jobs_to_people
from klarsim.sim.kpis import Prices, full_scale, kpis
from klarsim.sim.labour import Window, labour_columns
from klarsim.sim.recorder import Recorder
from klarsim.sim.records import Columns, ReplicationResult, Row
from klarsim.units import MINUTES_PER_DAY, SECONDS_PER_MINUTE


def simulate(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    *,
    record_contacts: bool = False,
) -> ReplicationResult:
    """Run one replication; ``seed`` defaults to the scenario's ``experiment.seed``."""
    run_seed = scenario.experiment.seed if seed is None else seed
    model = scaled(scenario)
    run = Replication(model, replication, run_seed, record_contacts=record_contacts)
    result = run.run()
    run.release()
    del run  # the last reference to the model: the collection below frees it
    collect_young_garbage()
    return result


class Replication:
    """One replication: its recorders, its model and arrivals, run over the horizon."""

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
        self.prices = Prices.of(scenario)
        self.env = SimulationEnvironment()
        streams = Streams(seed, replication)
        self.recorder = Recorder(
            self.intervals,
            self.interval_min,
            experiment.service_level_target_s / SECONDS_PER_MINUTE,
            self.warmup_min,
            self.prices.launch_min,
        )
        self.events = EventLog()
        intents = scenario.demand.intents.values()
        self.log = (
            ContactLog(
                list(scenario.demand.intents),
                [intent.channel for intent in intents],
                self.warmup_min,
            )
            if record_contacts
            else None
        )
        self.model = assemble(
            self.env, scenario, streams, recorder=self.recorder, events=self.events, log=self.log
        )
        arrivals = Arrivals(
            scenario.demand,
            self.horizon_min,
            streams.generator("day_volume"),
            streams.generator("arrivals"),
        )
        self._incoming: Iterator[Contact] = self.model.factory.contacts(arrivals.days())

    def run(self) -> ReplicationResult:
        """Simulate the horizon and return the replication's records."""
        model = self.model
        model.workforce.start()
        model.timeline.start()
        self.env.process(self._interval_clock())
        if model.customers is not None:
            self.env.process(self._customer_days(model.customers))
        with rare_collections():
            self.env.run_merged(
                self.horizon_min, self._incoming, arrival_time, model.arrival_handler()
            )
        model.workforce.settle(self.horizon_min)
        self._close_interval(self.intervals - 1)
        for contact, _ in self._in_system():
            self.recorder.unfinished(contact)
        return ReplicationResult(
            scenario=self.scenario.name,
            replication=self.replication,
            seed=self.seed,
            summary=self._summary(),
            timeseries=self._timeseries(),
            contacts=self._contact_log(),
            events=self.env.scheduled + self.env.arrivals_processed,
            event_log=self.events.columns,
            labour=labour_columns(
                model.workforce,
                self.recorder.pool_sums,
                self.scenario.labour,
                Window(self.warmup_min, self.horizon_min, self.interval_min, self.first_interval),
            ),
        )

    def release(self) -> None:
        """Give the model's large arrays back for the next replication (``kernel.reuse``);
        after ``run``, and the model is not used again."""
        if self.model.customers is not None:
            self.model.customers.release()

    def _interval_clock(self) -> Generator[Event, None, None]:
        for index in range(self.intervals - 1):
            yield Timeout(self.env, (index + 1) * self.interval_min - self.env.now)
            self._close_interval(index)
            self.model.guardrails.interval_closed(index, self.env.now)

    def _customer_days(self, customers: CustomerBase) -> Generator[Event, None, None]:
        while True:
            yield Timeout(self.env, MINUTES_PER_DAY)
            leavers = customers.daily_update(self.env.now, MINUTES_PER_DAY)
            if leavers:
                self.recorder.churned(self.env.now, leavers, customers.lifetime_revenue)

    def _close_interval(self, index: int) -> None:
        model = self.model
        ai = model.ai
        self.recorder.close_interval(
            index,
            self.env.now,
            workforce=model.workforce,
            waiting=model.router.waiting,
            customers=model.customers,
            ai_share=ai.share if ai is not None else math.nan,
        )

    def _in_system(self) -> list[tuple[Contact, AgentPool | None]]:
        """Contacts still waiting, in service or with the AI when the run ends."""
        return self.model.in_system()

    def _summary(self) -> Row:
        totals = self.recorder.totals(self.first_interval)
        measured = kpis(totals, self.horizon_min - self.warmup_min, self.prices)
        counted = [c for c, _ in self._in_system() if c.arrival_min >= self.warmup_min]
        in_queue = sum(1 for contact in counted if contact.state == QUEUED)
        in_service = sum(1 for contact in counted if contact.state == IN_SERVICE)
        open_issues = [c.issue_start_min for c, _ in self._in_system()] + [
            away.issue_start_min for away in self.model.journey.returning()
        ]
        return {
            "scenario": self.scenario.name,
            "replication": self.replication,
            "seed": self.seed,
            **measured,
            **full_scale(measured, self.scenario.experiment.scale),
            "in_queue_end": in_queue,
            "in_service_end": in_service,
            "with_ai_end": len(counted) - in_queue - in_service,
            "in_system_end": len(counted),
            "issues_open_end": sum(1 for start in open_issues if start >= self.warmup_min),
        }

    def _timeseries(self) -> Columns:
        """One entry per interval after the warm-up, every KPI computed on whole columns."""
        window = slice(self.first_interval, self.intervals)
        recorded = self.recorder.columns()
        sums = {name: np.asarray(values[window]) for name, values in recorded.items()}
        indices = np.arange(self.first_interval, self.intervals)
        row = kpis(sums, self.interval_min, self.prices)
        row["staffed_agents"] = sums["staffed_agent_min"] / self.interval_min
        row["queue_end"] = sums["queue_end"]
        for name, pool_sums in self.recorder.pool_sums.items():
            staffed = np.asarray(pool_sums["staffed_min"][window]) / self.interval_min
            row[f"staffed_agents_{name}"] = staffed
            row[f"headcount_{name}"] = np.asarray(pool_sums["headcount"][window])
        row |= jobs_to_people(sums, self._pool_window(window), self.model.workforce, self.scenario)
        columns: Columns = {
            "interval": indices.tolist(),
            "time_days": (indices * self.interval_min / MINUTES_PER_DAY).tolist(),
        }
        columns |= {name: np.asarray(values).tolist() for name, values in row.items()}
        return self._with_dates(columns)

    def _pool_window(self, window: slice) -> dict[str, dict[str, np.ndarray]]:
        """Each pool's per-interval sums after the warm-up, as arrays."""
        return {
            name: {key: np.asarray(values[window]) for key, values in pool_sums.items()}
            for name, pool_sums in self.recorder.pool_sums.items()
        }

    def _with_dates(self, columns: Columns) -> Columns:
        """Add each interval's calendar start when the scenario has a start date."""
        start_date = self.scenario.experiment.start_date
        if start_date is None:
            return columns
        origin = datetime.datetime.combine(start_date, datetime.time())
        columns["date"] = [
            (origin + datetime.timedelta(days=days)).isoformat(timespec="minutes")
            for days in columns["time_days"]
        ]
        return columns

    def _contact_log(self) -> Columns | None:
        if self.log is None:
            return None
        unfinished = self._in_system()
        for contact, _ in unfinished:
            if contact.state == QUEUED:
                contact.wait_min = self.horizon_min - contact.queued_min
        self.log.record_unfinished(unfinished)
        return self.log.columns


__all__ = ["Replication", "simulate"]
