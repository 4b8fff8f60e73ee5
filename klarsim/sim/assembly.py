"""The composition root: builds one replication's model and wires its parts.

Every part gets its collaborators and callbacks through its constructor; nothing here or
elsewhere assigns onto another object afterwards. Parts that call each other are built in an
order that needs as few forward references as possible: the journey first (the router and the
AI tier report to it directly, on the busiest path), then the pools, queues, desks and router.
The three handlers that must reach a part built later (the journey's ``offer`` and ``ai_take``
and a pool's ``on_available``) are closures over the local name assigned a few lines below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from klarsim.config.schema import Scenario
from klarsim.config.workforce import GigPool
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.kernel.streams import Streams
from klarsim.model.control.controls import Controls
from klarsim.model.control.guardrails import Guardrails
from klarsim.model.control.timeline import Timeline
from klarsim.model.demand.contacts import Contact, ContactFactory
from klarsim.model.demand.customers import CustomerBase
from klarsim.model.observers import ContactRecord, EventRecord
from klarsim.model.service.ai import AiTier
from klarsim.model.service.chats import ChatDesk
from klarsim.model.service.journey import Journey
from klarsim.model.service.queues import Queues
from klarsim.model.service.routing import CallUp, Router
from klarsim.model.workforce.gig import GigPayroll
from klarsim.model.workforce.people import Weeks
from klarsim.model.workforce.pools import Agent, AgentPool
from klarsim.model.workforce.staff import Workforce
from klarsim.sim.recorder import Recorder


@dataclass(frozen=True)
class Model:
    """The parts of one replication's contact centre that the run loop drives and reads."""

    factory: ContactFactory
    customers: CustomerBase | None
    journey: Journey
    ai: AiTier | None
    router: Router
    workforce: Workforce
    timeline: Timeline
    guardrails: Guardrails

    def arrival_handler(self) -> Callable[[Contact], None]:
        """What to call for each first contact: the journey, or straight to the router when
        there is neither an AI tier nor a customer base (one call fewer per contact)."""
        if self.ai is None and self.customers is None:
            return self.router.offer
        return self.journey.arrive

    def in_system(self) -> list[tuple[Contact, AgentPool | None]]:
        """Contacts still waiting, in service or with the AI (no pool) at this time."""
        with_ai = self.ai.in_system() if self.ai is not None else []
        return [*self.router.in_system(), *((contact, None) for contact in with_ai)]


def assemble(
    env: SimulationEnvironment,
    scenario: Scenario,
    streams: Streams,
    *,
    recorder: Recorder,
    events: EventRecord,
    log: ContactRecord | None,
) -> Model:
    """Build every part of the model of one replication, wired to the recorders."""
    factory = ContactFactory(scenario, streams)
    customers = _customers(scenario, streams)
    router: Router

    def on_available(agent: Agent) -> None:
        router.fill(agent)

    journey = Journey(
        env,
        scenario,
        factory=factory,
        recorder=recorder,
        streams=streams,
        customers=customers,
        log=log,
    )
    ai_tier = None
    if scenario.ai is not None:
        ai_tier = AiTier(env, scenario.ai, factory.intent_names, journey.after_ai())
    pools = _pools(scenario, factory.intent_names, recorder, on_available)
    workforce = Workforce(env, scenario, pools, streams, recorder.book_at)
    intents = scenario.demand.intents.values()
    queues = Queues(
        env,
        pools,
        [intent.channel for intent in intents],
        [intent.handle_time_min.mean_value for intent in intents],
    )
    router = Router(
        env,
        queues,
        ChatDesk(env, queues, journey.human_finished),
        on_finished=journey.human_finished,
        call_up=CallUp(workforce.call_up_level(), workforce.on_queue),
    )
    journey.connect(router, ai_tier)
    controls = Controls(journey, ai_tier, workforce)
    timeline = Timeline(
        env, scenario, controls=controls, workforce=workforce, ai=ai_tier, log=events
    )
    guardrails = Guardrails(
        env,
        scenario.guardrails,
        start_date=scenario.experiment.start_date,
        window_sum=recorder.window_sum,
        interval_min=scenario.experiment.interval_min,
        customers=customers,
        controls=controls,
        workforce=workforce,
        log=events,
        book=recorder.book_at,
    )
    return Model(factory, customers, journey, ai_tier, router, workforce, timeline, guardrails)


def _customers(scenario: Scenario, streams: Streams) -> CustomerBase | None:
    spec = scenario.customers
    if spec.population is None:
        return None
    return CustomerBase(spec, spec.population, streams.generator("churn"))


def _pools(
    scenario: Scenario,
    intent_names: list[str],
    recorder: Recorder,
    on_available: Callable[[Agent], None],
) -> list[AgentPool]:
    """The human pools in declared order, gig pools with their payroll."""
    index = {name: position for position, name in enumerate(intent_names)}
    weeks = Weeks(recorder.warmup_min)
    return [
        AgentPool(
            name,
            spec,
            tuple(index[skill] for skill in spec.skills),
            on_available=on_available,
            payroll=GigPayroll(spec.pay, recorder.book_at, weeks)
            if isinstance(spec, GigPool)
            else None,
        )
        for name, spec in scenario.pools.items()
    ]
