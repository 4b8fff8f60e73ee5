"""The ``pools:`` section: employee and gig pools, rosters, hiring, pay and routing rules.

A pool is either ``kind: employee`` (the default: a headcount on a weekly roster, paid for
staffed time, with attrition, a hiring pipeline and layoffs) or ``kind: gig`` (registered
agents who come online in time blocks and are paid for engaged time). Defaults cite rows of
docs/calibration.md; values without a source are assumptions to sweep.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from klarsim.config.distributions import Distribution, Exponential
from klarsim.config.personas import Persona
from klarsim.config.types import (
    MAX_PEOPLE,
    NOT_BOOLEAN,
    Agents,
    Days,
    Factor,
    FactorAtLeastOne,
    Frozen,
    Name,
    NonNegativeFactor,
    NonNegativeFloat,
    People,
    PositiveContacts,
    PositiveFloat,
    PositivePeople,
    Probability,
    RatePerYear,
)
from klarsim.units import HOURS_PER_WEEK

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WeeklyCounts = Annotated[list[Agents], Field(min_length=HOURS_PER_WEEK, max_length=HOURS_PER_WEEK)]
WeeklyProbabilities = Annotated[
    list[Probability], Field(min_length=HOURS_PER_WEEK, max_length=HOURS_PER_WEEK)
]
HourOfDay = Annotated[float, NOT_BOOLEAN, Field(ge=0, lt=24, allow_inf_nan=False)]
ShiftHours = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=24, allow_inf_nan=False)]
MAX_CHATS_PER_AGENT = 100
MAX_BLOCK_MIN = 1440.0
"""A gig block: from one minute (shorter would flood the event queue) to a day."""
BlockMinutes = Annotated[float, NOT_BOOLEAN, Field(ge=1, le=MAX_BLOCK_MIN, allow_inf_nan=False)]
ReferenceHeadcount = Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_PEOPLE, allow_inf_nan=False)]
CONTRACT_HOURS_PER_WEEK = 40.0
"""Hours an employee is contracted per week: turns a roster's paid hours into the headcount it
implies (assumption: full-time, as ``klarsim staff`` assumes by default)."""


class Shift(Frozen):
    """A shift template: ``agents`` work from ``start_hour`` for ``length_hours`` on ``days``."""

    start_hour: HourOfDay
    length_hours: ShiftHours
    days: Annotated[list[Weekday], Field(min_length=1)] = Field(
        default_factory=lambda: list(WEEKDAYS)
    )
    agents: Agents
    """Agents on this shift at the roster's reference headcount (a shift past midnight runs
    on)."""


class Roster(Frozen):
    """The shape of a week's staffing: agents per hour of the week, given per hour or as shifts.

    The counts are drawn for a reference headcount (``for_headcount``, else the people the
    roster implies: see ``klarsim.config.roster.reference_headcount``). The pool's trained
    employees set the level: every count is multiplied by trained / reference, so the
    ``headcount`` key, attrition, hires and layoffs all move the agents on duty.
    """

    hours_of_week: WeeklyCounts | None = None
    """168 counts, Monday 00:00-01:00 first."""
    shifts: Annotated[list[Shift], Field(min_length=1)] | None = None
    for_headcount: (
        Annotated[float, NOT_BOOLEAN, Field(gt=0, le=MAX_PEOPLE, allow_inf_nan=False)] | None
    ) = None
    """The headcount the counts are drawn for (absent: the roster's paid hours per week over
    ``CONTRACT_HOURS_PER_WEEK``, and at least its peak)."""

    @model_validator(mode="after")
    def _one_form(self) -> Roster:
        if (self.hours_of_week is None) == (self.shifts is None):
            raise ValueError("expected exactly one of hours_of_week or shifts")
        return self


def _roster_form(value: Any) -> str:
    """``always`` for the word, ``weekly`` for a mapping (so errors speak of one form only)."""
    return "always" if isinstance(value, str) else "weekly"


class ShiftTemplate(Frozen):
    """A kind of shift ``klarsim staff`` may roster: its length, allowed starts, days and pay.

    Shift scheduling chooses how many agents start each allowed shift, one number per start
    time and day, to cover the required agents on duty at least cost. A template allows a
    start at every hour of ``start_hours`` on every day of ``days`` (the day the shift starts;
    a shift past midnight, or past Sunday midnight, runs on into the next day). Start times
    and lengths must fall on the boundaries of ``experiment.interval_min``.
    """

    name: Name | None = None
    """A label in the staffing outputs (absent: the length, e.g. ``8h``)."""
    length_hours: ShiftHours
    """Rostered length, breaks included (breaks on the clock are part of ``shrinkage``)."""
    start_hours: Annotated[list[HourOfDay], Field(min_length=1)] | None = None
    """Allowed start times, hours after midnight (absent: every whole hour on an interval
    boundary, so all 24 when ``interval_min`` divides an hour)."""
    days: Annotated[list[Weekday], Field(min_length=1)] = Field(
        default_factory=lambda: list(WEEKDAYS)
    )
    """Days on which the shift may start (default: every day)."""
    paid_hours: ShiftHours | None = None
    """Hours paid per shift (absent: ``length_hours``; less when a meal break is unpaid).
    Only the staffing cost uses it: the simulation pays rostered time at ``cost_per_hour``."""
    cost_factor: Factor = 1.0
    """Multiplies the pool's ``cost_per_hour`` for this template: a night or weekend premium
    (1.2), cheaper part-time contracts (0.9). Only the staffing cost uses it."""
    max_share: Probability = 1.0
    """At most this share of the pool's paid hours on this template: the usual cap on
    part-time or split shifts (1: no cap)."""

    @model_validator(mode="after")
    def _paid_within_shift(self) -> ShiftTemplate:
        if self.paid_hours is not None and self.paid_hours > self.length_hours:
            raise ValueError(
                f"expected paid_hours at most length_hours ({self.length_hours:g}), "
                f"got {self.paid_hours:g}"
            )
        return self

    @property
    def label(self) -> str:
        """The name, or the length (``8h``) for an unnamed template."""
        return self.name if self.name is not None else f"{self.length_hours:g}h"

    @property
    def paid(self) -> float:
        """Hours paid per shift."""
        return self.length_hours if self.paid_hours is None else self.paid_hours


def _default_shift_templates() -> list[ShiftTemplate]:
    """Full-time 8 h shifts and part-time 4 h shifts (at most a quarter of the paid hours),
    both starting on any whole hour of any day (assumption: a flexible centre)."""
    return [
        ShiftTemplate(name="full_time", length_hours=8.0),
        ShiftTemplate(name="part_time", length_hours=4.0, max_share=0.25),
    ]


RosterSpec = Annotated[
    Annotated[Literal["always"], Tag("always")] | Annotated[Roster, Tag("weekly")],
    Discriminator(_roster_form),
]
"""``always`` or a weekly ``Roster``."""


class Hiring(Frozen):
    """The hiring pipeline of an employee pool: recruiting, paid training, a proficiency ramp."""

    time_to_hire_days: Days = 30.0
    """From an opened position to the hire's first day (assumption)."""
    training_days: Days = 21.0
    """Paid classroom training, no contacts served: 2-3 weeks for simple work (wfmlabs)."""
    ramp_days: Days = 45.0
    """Handle time falls linearly to the pool's norm over this time: ~45 days (icmi.com)."""
    ramp_start_multiplier: FactorAtLeastOne = 1.5
    """Handle-time multiplier of a hire on the first day after training (assumption)."""
    cost_per_hire: NonNegativeFloat = 1750.0
    """Median cost per hire $1,750 (ContactBabel, via cinareo.com)."""
    training_cost: NonNegativeFloat = 0.0
    """Training cost per hire beside the trainee's wages (trainers, material; assumption)."""
    trainee_paid_hours_per_week: Annotated[
        float, NOT_BOOLEAN, Field(ge=0, le=HOURS_PER_WEEK, allow_inf_nan=False)
    ] = 40.0
    """Hours a trainee is paid per week, at the pool's ``cost_per_hour``."""


class PoolBase(Frozen):
    """What every pool has: skills, speed, quality, chat concurrency, staffing policy, routing."""

    skills: Annotated[list[Name], Field(min_length=1)]
    """Intents this pool may serve."""
    handle_time_multiplier: Factor = 1.0
    """Scales the intent's handle time: below 1 is faster than the norm."""
    resolution_probability: Probability = 1.0
    """Chance that this pool's agents resolve the issue of a contact they serve."""
    concurrency: Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_CHATS_PER_AGENT)] = 1
    """Most chats an agent holds at once (voice and email: always one at a time)."""
    concurrency_slowdown: NonNegativeFactor = 0.39
    """Each extra parallel chat slows all of an agent's chats by this share: with n chats each
    progresses at 1 / (1 + slowdown x (n - 1)). 0.39 gives 1.69x throughput at 3 chats
    (patent US8064589B2 via docs/calibration.md)."""
    attrition_per_year: RatePerYear = 0.0
    """Quit hazard per person per year (0.3: about 30 % of the headcount leaves in a year).
    Contact-centre attrition is 30-45 %/year (QATC, callcenterpower.com)."""
    target_headcount: People | None = None
    """Leavers are replaced up to this many people (absent: the starting headcount)."""
    replace_leavers: bool = True
    """Open a position for every leaver while below the target (unless hiring is frozen)."""
    frozen: bool = False
    """Hiring freeze from the start: leavers are not replaced."""
    overflow_wait_min: PositiveFloat | None = None
    """Serve only contacts whose expected wait for the other pools passes this many minutes
    (overflow); absent: serve whenever an agent is free, in pool order."""


class EmployeePool(PoolBase):
    """Employees: a headcount on a weekly roster, paid for staffed time busy or idle."""

    kind: Literal["employee"] = "employee"
    headcount: People
    """Employees at the start, all trained: the level of staffing (a roster gives its shape)."""
    roster: RosterSpec = "always"
    """``always``: every trained employee staffed around the clock; or a weekly roster, scaled
    by trained employees over the roster's reference headcount."""
    shrinkage: Annotated[float, NOT_BOOLEAN, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.0
    """Share of rostered time lost to breaks, training and absence: paid, not serving.
    Mean 27 % over 1,230 centres (opsdog.com); 0 keeps the pool an exact M/M/c server."""
    cost_per_hour: NonNegativeFloat = 40.0
    """Loaded cost per rostered agent hour: about $40 (iterumconnections.com)."""
    hiring: Hiring = Field(default_factory=Hiring)
    severance_per_head: NonNegativeFloat = 0.0
    """Paid to each employee laid off (assumption)."""
    wage_per_hour: NonNegativeFloat = 19.08
    """What an employee earns per paid hour, before benefits (``labour.csv`` only; costs use
    ``cost_per_hour``): US customer service representatives' median, May 2023 (BLS OEWS)."""
    benefits_load: NonNegativeFactor = 0.30
    """Benefits carried on wages (paid leave, insurance, retirement): about 30 % of wages
    (docs/calibration.md, loaded cost)."""
    shift_templates: Annotated[list[ShiftTemplate], Field(min_length=1)] = Field(
        default_factory=_default_shift_templates
    )
    """Shifts ``klarsim staff`` may roster for this pool (the simulation follows ``roster``).
    Default: full-time 8 h and part-time 4 h (at most 25 % of paid hours) starting on any
    whole hour of any day."""


class CallUp(Frozen):
    """Bringing offline gig agents online when the queue grows."""

    queue_threshold: PositiveContacts
    """Call when this many contacts are waiting."""
    agents: PositivePeople
    """Offline registered agents asked per call."""
    log_on_delay_min: Distribution = Field(
        default_factory=lambda: Exponential(dist="exponential", mean=10.0)
    )
    """From the call to being online (assumption: no published figure)."""
    no_show_probability: Probability = 0.2
    """Chance a called agent does not come (assumption: no published figure)."""
    stay_min: PositiveFloat = 60.0
    """How long a called agent stays online once logged on."""
    cooldown_min: NonNegativeFloat = 30.0
    """No new call within this time of the previous one."""


class GigPay(Frozen):
    """How gig agents are paid: for engaged time and contacts, idle time unpaid."""

    per_engaged_min: NonNegativeFloat = 0.25
    """$15 per engaged hour: LiveOps $12-15/h basic (techtarget.com)."""
    per_contact: NonNegativeFloat = 0.0
    guaranteed_per_online_hour: NonNegativeFloat = 0.0
    """Minimum pay per online hour, topped up per block; some contracts guarantee 30 of 60
    minutes (Los Angeles Times 2022), i.e. half the engaged rate."""


class GigPool(PoolBase):
    """On-demand agents: registered, online in time blocks by choice, paid for engaged time."""

    kind: Literal["gig"]
    registered: People
    """Registered, onboarded agents at the start."""
    online_probability: Probability | WeeklyProbabilities
    """Chance each registered agent is online in a block; one value or 168 by hour of week
    (assumption: no published figures, sweep it)."""
    block_min: Annotated[float, NOT_BOOLEAN, Field(ge=1, le=MAX_BLOCK_MIN, allow_inf_nan=False)] = (
        30.0
    )
    """Agents choose to work in blocks of this length: 30 minutes (LiveOps, techtarget.com)."""
    call_up: CallUp | None = None
    pay: GigPay = Field(default_factory=GigPay)
    onboarding_cost: NonNegativeFloat = 0.0
    """Paid for each agent registered during the run (the starting ones are onboarded)."""
    onboarding_days: Days = 0.0
    """From registering to the first block online: certification about 4 weeks, often
    unpaid (globalworksolution.com, propublica.org)."""
    personas: dict[Name, Persona] = Field(default_factory=dict)
    """Kinds of people registered, each with a share of registrations; absent: one persona
    with the pool's settings."""

    @model_validator(mode="after")
    def _personas_fit(self) -> GigPool:
        shares = sum(persona.share for persona in self.personas.values())
        if self.personas and abs(shares - 1.0) > 1e-6:
            raise ValueError(f"expected persona shares summing to 1, got {shares:g}")
        hourly = any(isinstance(p.availability, list) for p in self.personas.values())
        if hourly and 60.0 % self.block_min:
            raise ValueError(
                f"expected block_min dividing an hour when personas have hourly availability, "
                f"got {self.block_min:g}"
            )
        for name, persona in self.personas.items():
            session = persona.session_mean_min
            if session is not None and session < self.block_min:
                raise ValueError(
                    f"personas.{name}.session_mean_min: expected at least block_min "
                    f"({self.block_min:g}), got {session:g}"
                )
        return self


def _pool_kind(value: Any) -> str:
    """The pool's kind for the discriminated union; ``employee`` when the key is absent."""
    if isinstance(value, dict):
        return str(value.get("kind", "employee"))
    return str(getattr(value, "kind", "employee"))


PoolSpec = Annotated[
    Annotated[EmployeePool, Tag("employee")] | Annotated[GigPool, Tag("gig")],
    Discriminator(
        _pool_kind,
        custom_error_type="pool_kind",
        custom_error_message="expected kind 'employee' or 'gig'",
    ),
]
"""Any pool, chosen by its ``kind`` key (default ``employee``)."""


class Routing(Frozen):
    """Queue priorities beyond escalations (which ``ai.handoff.priority`` sets)."""

    recontact_priority: bool = False
    """Recontacts (an issue coming back) go ahead of first contacts in the human queue."""
