"""The workforce of one replication: every pool with its headcount, staffing or gig supply.

Built once per replication; the timeline and guardrails act on pools through it by name.
"""

from __future__ import annotations

import numpy as np

from klarsim.config.schema import Scenario
from klarsim.config.workforce import EmployeePool, GigPool
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.streams import Streams
from klarsim.model.sampling import sampler, uniform_sampler
from klarsim.model.workforce.gig import GigPayroll
from klarsim.model.workforce.headcount import Book, Headcount
from klarsim.model.workforce.pools import AgentPool
from klarsim.model.workforce.staffing import Staffing
from klarsim.model.workforce.supply import GigSupply


class Workforce:
    """Pools by name, with the headcount of each and the staffing or gig supply behind it."""

    def __init__(
        self,
        env: SimulationEnvironment,
        scenario: Scenario,
        pools: list[AgentPool],
        streams: Streams,
        book: Book,
    ) -> None:
        self.env = env
        self.pools = {pool.name: pool for pool in pools}
        self.staffing: dict[str, Staffing] = {}
        self.supplies: dict[str, GigSupply] = {}
        self.headcounts: dict[str, Headcount] = {}
        for pool in pools:
            spec = scenario.pools[pool.name]
            if isinstance(spec, EmployeePool):
                rounding = streams.draws(f"workforce.{pool.name}.rounding", uniform_sampler)
                self.staffing[pool.name] = Staffing(env, pool, spec, rounding)
            else:
                self.supplies[pool.name] = self._supply(pool, spec, streams)
            supply = self.supplies.get(pool.name)
            self.headcounts[pool.name] = Headcount(
                env,
                pool,
                spec,
                generator=streams.generator(f"workforce.{pool.name}"),
                book=book,
                on_change=self._restaffer(pool.name),
                on_join=supply.join if supply is not None else None,
                on_leave=supply.leave if supply is not None else None,
            )
            if supply is not None:
                supply.headcount = self.headcounts[pool.name]

    def _supply(self, pool: AgentPool, spec: GigPool, streams: Streams) -> GigSupply:
        delay = spec.call_up.log_on_delay_min if spec.call_up is not None else None
        delays = streams.draws(f"gig.{pool.name}.log_on_delay", sampler(delay)) if delay else None
        return GigSupply(
            self.env,
            pool,
            spec,
            generator=_PoolStreams(streams, pool.name),
            log_on_delays=delays if delays is not None else _no_delay,
            payroll=_gig_payroll(pool),
        )

    def _restaffer(self, name: str) -> _Restaff:
        return _Restaff(self, name)

    def start(self) -> None:
        """Staff every pool and start attrition, hiring, rosters and gig blocks."""
        for staffing in self.staffing.values():
            staffing.start()
        for supply in self.supplies.values():
            supply.start()
        for headcount in self.headcounts.values():
            headcount.start()

    def settle(self, now: float) -> None:
        """At the end of the run: pay gig agents for their engaged time and online spans so far."""
        for supply in self.supplies.values():
            supply.payroll.settle_all(supply.pool.duty, now)
            for agent in supply.pool.duty:
                supply.payroll.close_span(agent, now)

    def restaff(self, name: str, now: float) -> None:
        """Re-staff an employee pool after its headcount or staffing parameters changed (gig
        people follow their own choices)."""
        if name in self.staffing:
            self.staffing[name].update(now)

    def on_queue(self, now: float, waiting: float) -> None:
        """The queue grew past a call-up threshold: let every gig pool decide whether to call."""
        for supply in self.supplies.values():
            supply.on_queue(now, waiting)

    def call_up_level(self) -> float:
        """The smallest queue length at which some gig pool calls agents up (inf: none)."""
        levels = [
            supply.spec.call_up.queue_threshold
            for supply in self.supplies.values()
            if supply.spec.call_up is not None
        ]
        return float(min(levels)) if levels else float("inf")

    def employees(self) -> int:
        """People in employee pools, trained or in training."""
        return sum(self.headcounts[name].people for name in self.staffing)


class _PoolStreams:
    """The named random streams of one gig pool (``gig.POOL.NAME``)."""

    def __init__(self, streams: Streams, pool: str) -> None:
        self.streams = streams
        self.pool = pool

    def __call__(self, name: str) -> np.random.Generator:
        return self.streams.generator(f"gig.{self.pool}.{name}")


class _Restaff:
    """Callback that re-staffs one pool (picklable and readable, unlike a lambda)."""

    def __init__(self, workforce: Workforce, name: str) -> None:
        self.workforce = workforce
        self.name = name

    def __call__(self, now: float) -> None:
        self.workforce.restaff(self.name, now)


def _gig_payroll(pool: AgentPool) -> GigPayroll:
    """The payroll a gig pool was built with (the composition root gives each one)."""
    if not isinstance(pool.payroll, GigPayroll):
        raise TypeError(f"gig pool {pool.name!r} was built without a gig payroll")
    return pool.payroll


def _no_delay() -> float:
    return 0.0
