"""Who of a gig pool is online: each person's own sessions block by block, drop-outs, call-ups.

Every block, a person of a persona may be online with chance ``c = min(1, p x w)``: ``p`` the
pool's ``online_probability`` in the hour, ``w`` the persona's availability weight (0: never
online in that hour, not even when called). An online person stays on with ``a = 1 - block /
session_mean_min`` (sessions last that long on average); an offline one logs on with ``b =
(c - a q) / (1 - q)``, clipped to [0, 1] (``q``: the persona's share online now), so the share
online is ``c`` on average. Without a session length ``a = b = c``: a fresh choice every block,
whose count online is the binomial of the former pool model. People drop out at their
persona's hazard (else the pool's attrition), drawn day by day; a call-up asks offline people
available in the hour, each of whom comes with the persona's response chance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
from simpy.events import Event, Timeout

from klarsim.config.personas import Persona
from klarsim.config.workforce import GigPool
from klarsim.kernel.callbacks import Callback
from klarsim.kernel.environment import SimulationEnvironment
from klarsim.model.workforce.gig import GigPayroll
from klarsim.model.workforce.headcount import Headcount
from klarsim.model.workforce.people import Person
from klarsim.model.workforce.pools import Agent, AgentPool
from klarsim.units import DAYS_PER_YEAR, HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR

ONE_PERSONA = "all"
"""The persona of a gig pool that declares none: the pool's own settings."""


class PersonaGroup:
    """The people of one persona, in the order they registered."""

    def __init__(self, name: str, persona: Persona, no_show_probability: float) -> None:
        self.name = name
        self.persona = persona
        self.people: list[Person] = []
        response = persona.call_up_response
        self.call_up_response = 1.0 - no_show_probability if response is None else response


class GigSupply:
    """Brings a gig pool's people online by their own choice and on call."""

    def __init__(
        self,
        env: SimulationEnvironment,
        pool: AgentPool,
        spec: GigPool,
        *,
        generator: Callable[[str], np.random.Generator],
        log_on_delays: Callable[[], float],
        payroll: GigPayroll,
    ) -> None:
        self.env = env
        self.pool = pool
        self.spec = spec
        self.online_probability = spec.online_probability
        """One probability, or 168 by hour of the week (the timeline may change it)."""
        self.payroll = payroll
        self._choices = generator("choices")
        self._registrations = generator("personas")
        self._dropouts = generator("dropouts")
        self._calls = generator("call_up")
        self._log_on_delays = log_on_delays
        no_show = spec.call_up.no_show_probability if spec.call_up is not None else 0.0
        personas = spec.personas or {ONE_PERSONA: Persona(share=1.0)}
        self.groups = [PersonaGroup(name, p, no_show) for name, p in personas.items()]
        self._shares = np.array([group.persona.share for group in self.groups])
        self._quota = _largest_remainder(self._shares, spec.registered)
        """Personas of the people registered at the start, exactly in their shares."""
        self.headcount: Headcount | None = None
        """Set by the workforce once built: drop-outs leave through it."""
        self._seen: dict[Person, None] = {}
        """People online at some time since the last ``take_engaged``."""
        self._next_call_min = 0.0

    def start(self) -> None:
        """Start the block clock and the daily drop-outs."""
        self.env.process(self._blocks())
        self.env.process(self._drop_outs())

    def join(self, agent: Agent, now: float) -> None:
        """A newly registered agent: give it a persona (the starting mix exactly, then by share)."""
        if self._quota:
            index = self._quota.pop(0)
        else:
            index = int(self._registrations.choice(len(self.groups), p=self._shares))
        person = Person(agent, index, now)
        self.groups[index].people.append(person)
        self.payroll.people[agent] = person

    def leave(self, agent: Agent, now: float) -> None:
        """A person left the platform (its agent has left the pool)."""
        person = self.payroll.people[agent]
        person.left_min = now
        person.scheduled = person.called = False
        self.groups[person.persona].people.remove(person)

    def _blocks(self) -> Generator[Event, None, None]:
        guaranteed = self.payroll.guaranteed_per_online_hour > 0
        while True:
            now = self.env.now
            if guaranteed:  # without a minimum, pay is booked as contacts end: nothing to settle
                self.payroll.settle_all(self.pool.duty, now)
            chance = self.probability(now)
            hour = int(now // MINUTES_PER_HOUR) % HOURS_PER_WEEK
            for group in self.groups:
                self._choose(group, chance, hour, now)
            yield Timeout(self.env, self.spec.block_min)

    def probability(self, now: float) -> float:
        """The pool's chance an agent is online in the block starting at ``now``."""
        chance = self.online_probability
        if isinstance(chance, list):
            return chance[int(now // MINUTES_PER_HOUR) % HOURS_PER_WEEK]
        return chance

    def _choose(self, group: PersonaGroup, pool_chance: float, hour: int, now: float) -> None:
        """Each person of ``group`` decides to be online this block (or is sent off hours)."""
        people = group.people
        if not people:
            return
        weight = group.persona.weight(hour)
        if weight == 0:
            for person in people:
                if person.wants_online:
                    person.scheduled = person.called = False
                    self._follow(person, now)
            return
        stay, join = self._chances(group, min(1.0, pool_chance * weight))
        for person, uniform in zip(people, self._choices.random(len(people)).tolist(), strict=True):
            scheduled = person.scheduled
            if scheduled != (uniform < (stay if scheduled else join)):
                person.scheduled = not scheduled
                if not person.called:  # a called person stays on either way
                    self._follow(person, now)

    def _chances(self, group: PersonaGroup, chance: float) -> tuple[float, float]:
        """Chances to stay on and to log on that keep the expected share online at ``chance``."""
        session = group.persona.session_mean_min
        if session is None:
            return chance, chance
        stay = 1.0 - self.spec.block_min / session
        online = sum(1 for person in group.people if person.scheduled) / len(group.people)
        if online >= 1.0:
            return stay, chance
        return stay, min(1.0, max(0.0, (chance - stay * online) / (1.0 - online)))

    def _follow(self, person: Person, now: float) -> None:
        """Put the person's agent on or off duty as the person now wants."""
        agent = person.agent
        if person.wants_online:
            if not agent.on_duty:
                person.online_since = now
                self._seen[person] = None
            self.pool.bring_on(agent, now)
        else:
            self.pool.send_off(agent, now)

    def take_engaged(self) -> int:
        """Distinct people online at some time since the last call; start counting anew."""
        engaged = len(self._seen)
        self._seen = {
            self.payroll.people[agent]: None for agent in self.pool.duty if not agent.departed
        }
        return engaged

    def _drop_outs(self) -> Generator[Event, None, None]:
        while True:
            for group in self.groups:
                self._draw_drop_outs(group)
            yield Timeout(self.env, MINUTES_PER_DAY)

    def _draw_drop_outs(self, group: PersonaGroup) -> None:
        """Schedule today's drop-outs of ``group`` at random times of the day."""
        rate = group.persona.dropout_per_year
        if rate is None:
            rate = self.headcount.attrition_per_year if self.headcount is not None else 0.0
        people = group.people
        if rate <= 0 or not people:
            return
        quits = int(self._dropouts.binomial(len(people), -math.expm1(-rate / DAYS_PER_YEAR)))
        if not quits:
            return
        leavers = self._dropouts.choice(len(people), quits, replace=False)
        offsets = np.sort(self._dropouts.uniform(0.0, MINUTES_PER_DAY, quits))
        for index, offset in zip(leavers.tolist(), offsets.tolist(), strict=True):
            Callback(self.env, offset, self._on_drop_out, people[index])

    def _on_drop_out(self, event: Callback) -> None:
        person: Person = event.subject
        if math.isinf(person.left_min) and self.headcount is not None:
            self.headcount.quit(person.agent, self.env.now)

    def on_queue(self, now: float, waiting: float) -> None:
        """The queue grew: call agents up if it passed the threshold and the cooldown is over."""
        call_up = self.spec.call_up
        if call_up is None or waiting < call_up.queue_threshold or now < self._next_call_min:
            return
        self._next_call_min = now + call_up.cooldown_min
        self.call_up(call_up.agents)

    def call_up(self, agents: int) -> int:
        """Ask up to ``agents`` offline people available now to come; return how many will."""
        hour = int(self.env.now // MINUTES_PER_HOUR) % HOURS_PER_WEEK
        candidates = [
            person
            for group in self.groups
            if group.persona.weight(hour) > 0
            for person in group.people
            if not person.wants_online and not person.agent.on_duty and not person.pending
        ]
        asked = min(agents, len(candidates))
        if asked <= 0:
            return 0
        chosen = self._calls.choice(len(candidates), asked, replace=False).tolist()
        responses = self._calls.random(asked).tolist()
        coming = 0
        for index, uniform in zip(chosen, responses, strict=True):
            person = candidates[index]
            if uniform < self.groups[person.persona].call_up_response:
                coming += 1
                person.pending = True
                Callback(self.env, self._log_on_delays(), self._on_logged_on, person)
        return coming

    def _on_logged_on(self, event: Callback) -> None:
        person: Person = event.subject
        person.pending = False
        hour = int(self.env.now // MINUTES_PER_HOUR) % HOURS_PER_WEEK
        if not math.isinf(person.left_min) or self.groups[person.persona].persona.weight(hour) == 0:
            return
        person.called = True
        self._follow(person, self.env.now)
        stay = self.spec.call_up.stay_min if self.spec.call_up is not None else self.spec.block_min
        Callback(self.env, stay, self._on_stay_over, person)

    def _on_stay_over(self, event: Callback) -> None:
        person: Person = event.subject
        if person.called:
            person.called = False
            if not person.wants_online:
                self._follow(person, self.env.now)


def _largest_remainder(shares: np.ndarray, total: int) -> list[int]:
    """Persona indices for ``total`` people, each persona's count its share rounded fairly."""
    exact = shares * total
    counts = np.floor(exact).astype(int)
    for index in np.argsort(-(exact - counts), kind="stable")[: total - int(counts.sum())]:
        counts[index] += 1
    return [index for index, count in enumerate(counts.tolist()) for _ in range(count)]
