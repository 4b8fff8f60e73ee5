"""The ``ai:`` section: routing share, handle time, capacity, outcomes per intent, prices, outages.

Absent, there is no AI tier. Outcome probabilities are per intent, with a ``default`` row
for intents not listed; each row sums to one (checked in ``checks.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from klarsim.config.distributions import Distribution
from klarsim.config.types import (
    MAX_CONTACTS,
    NOT_BOOLEAN,
    Days,
    FactorAtLeastOne,
    Frozen,
    Name,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
)

DEFAULT_OUTCOME = "default"


class Outcomes(Frozen):
    """What happens at the end of an AI conversation, as probabilities that sum to one."""

    resolve: Probability = 0.0
    """Solved: the customer leaves satisfied."""
    false_resolve: Probability = 0.0
    """Looks solved, is not: billed as a resolution, the customer comes back later, angrier."""
    escalate: Probability = 0.0
    """Handed to a human queue."""
    ask_human: Probability = 0.0
    """The customer asks for a person; ``human_on_request`` decides whether they get one."""

    def total(self) -> float:
        """Sum of the four probabilities (must be 1)."""
        return self.resolve + self.false_resolve + self.escalate + self.ask_human


class Handoff(Frozen):
    """How a conversation passes from the AI to a human."""

    with_context: bool = True
    """Whether the human sees the AI conversation; without it the human handle time grows."""
    lost_context_extra_min: NonNegativeFloat = 0.0
    """Minutes added to the human handle time when context is lost."""
    lost_context_factor: FactorAtLeastOne = 1.0
    """Factor on the human handle time when context is lost (applied before the extra minutes)."""
    priority: bool = True
    """Escalated contacts and human requests go ahead of first-time contacts in the human queue."""


class Pricing(Frozen):
    """What the AI costs; a false resolution is billed as a resolution (docs/calibration.md,
    AI vendors' published prices)."""

    price_per_conversation: NonNegativeFloat = 0.0
    """Per conversation the AI takes, resolved or not (Salesforce Agentforce's unit)."""
    price_per_resolution: NonNegativeFloat = 0.0
    """Per resolution the AI claims, false ones included (Intercom Fin's, Zendesk's unit)."""
    bill_returned_false_resolutions: bool = True
    """Bill a false resolution whose issue comes back; false: it is taken back (Intercom
    deducts a resolution when the customer returns for more help)."""
    platform_cost_per_month: NonNegativeFloat = 0.0
    """Fixed fee, accrued by the minute from the AI's launch (the first moment ``ai.share``
    can be above zero) to the end of the run."""


class Outage(Frozen):
    """A window in which the AI is unavailable and all traffic goes to humans."""

    start_day: Days
    duration_hours: PositiveFloat


class AI(Frozen):
    """An AI assistant that takes a share of arriving contacts before any human does."""

    share: Probability
    """Fraction of arriving contacts sent to the AI first (the timeline may change it)."""
    handle_time_min: Distribution
    concurrency: Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_CONTACTS)] | None = None
    """Most conversations at once; absent: unlimited."""
    when_full: Literal["wait", "human"] = "human"
    """At the concurrency cap a contact waits for the AI or goes straight to a human queue."""
    outcomes: Annotated[dict[Name, Outcomes], Field(min_length=1)]
    """Outcome probabilities per intent; ``default`` covers intents not listed."""
    excluded_intents: list[Name] = Field(default_factory=list)
    """Intents never sent to the AI (for example hardship or disputes)."""
    human_on_request: bool = True
    """Honour a customer's request for a person; refused requests end unresolved."""
    handoff: Handoff = Field(default_factory=Handoff)
    pricing: Pricing = Field(default_factory=Pricing)
    outages: list[Outage] = Field(default_factory=list)

    def outcomes_for(self, intent: str) -> Outcomes:
        """The outcome row of ``intent``, or the default row."""
        return self.outcomes.get(intent) or self.outcomes[DEFAULT_OUTCOME]
