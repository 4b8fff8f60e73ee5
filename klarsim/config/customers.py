"""The ``customers:`` section: patience, satisfaction (CSAT), trust, churn and recontacts.

Patience absent: nobody abandons. ``population`` absent: contacts come from anonymous
customers, so there is no trust, churn or lost revenue. ``recontact`` entries absent: no issue
comes back. CSAT is always scored; its parameters are assumptions unless a source is given.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from klarsim.config.distributions import Distribution
from klarsim.config.types import (
    NOT_BOOLEAN,
    Channel,
    Factor,
    Frozen,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
    RatePerYear,
)

MAX_POPULATION = 100_000_000
"""Customers: each takes about 24 bytes a replication (2.4 GB at this bound)."""

RecontactCause = Literal["unresolved", "abandoned", "refused", "false_resolved"]


class Csat(Frozen):
    """CSAT of a finished contact, in [0, 1] (the formula is in docs/model.md, CSAT).

    csat = clip((outcome score - empathy gap - wait penalty) x repeat factor ^ (contacts - 1)).
    Outcome scores and penalties are assumptions to sweep; the repeat factor follows
    docs/calibration.md (SQM: satisfaction falls about 15 % with each additional contact).
    """

    resolved_by_ai: Probability = 0.80
    resolved_by_human: Probability = 0.85
    resolved_after_escalation: Probability = 0.75
    unresolved_by_human: Probability = 0.35
    abandoned: Probability = 0.20
    refused_human: Probability = 0.10
    false_resolution_discovered: Probability = 0.05
    """Score the customer gives when a 'solved' issue turns out not to be (moves trust): when
    the issue comes back, or at once when it never does (the customer finds out silently)."""
    wait_tolerance_min: NonNegativeFloat = 1.0
    wait_penalty_per_min: NonNegativeFloat = 0.02
    repeat_contact_factor: Probability = 0.85
    empathy_gap_penalty: Probability = 0.30
    """Subtracted, times the intent's ``empathy_need``, when the AI resolved or falsely resolved
    the contact (not from ``refused_human``, which already prices in the missing person)."""


class Trust(Frozen):
    """Each customer's trust: it moves toward every CSAT and drifts back to a baseline."""

    initial: Probability = 0.80
    baseline: Probability = 0.80
    learning_rate: Probability = 0.30
    """Share of the gap to a contact's CSAT that trust closes after that contact."""
    half_life_days: PositiveFloat = 90.0
    """Time for the gap between trust and the baseline to halve (satisfaction decay)."""


class Churn(Frozen):
    """Yearly churn hazard: zero above ``threshold``, rising to ``max_per_year`` at trust 0.

    hazard(trust) = max_per_year x ((threshold - trust) / threshold) ^ shape below the
    threshold. Assumption; PwC (docs/calibration.md) says 17 % leave after one bad experience
    and 59 % after several, a guide for ``max_per_year``.
    """

    threshold: Annotated[float, NOT_BOOLEAN, Field(gt=0, le=1, allow_inf_nan=False)] = 0.5
    max_per_year: RatePerYear = 2.0
    shape: Factor = 1.0


class Recontact(Frozen):
    """Whether and when an issue that did not end resolved comes back."""

    probability: Probability
    delay_hours: Distribution


class ChurnRevenue(Frozen):
    """Over what time a churned customer's revenue counts as lost.

    ``revenue_lost`` always counts it until the run's end and ``revenue_lost_lifetime`` over
    ``lifetime_years`` from the day the customer left, discounted continuously at
    ``discount_rate_per_year`` (present value at the day they left:
    revenue_per_year x (1 - (1 + rate) ^ -years) / ln(1 + rate), or x years at rate 0).
    ``horizon`` chooses which of the two ``cost_total`` adds to the operating cost.
    """

    horizon: Literal["run_end", "lifetime"] = "run_end"
    """``run_end``: lost until the run's end (the default); ``lifetime``: over the lifetime."""
    lifetime_years: Annotated[float, NOT_BOOLEAN, Field(gt=0, le=100, allow_inf_nan=False)] = 3.0
    """Remaining customer lifetime after churn (assumption: a customer would have stayed this
    long more; sweep it)."""
    discount_rate_per_year: NonNegativeFloat = 0.0
    """Yearly discount rate of future revenue; 0: undiscounted."""


class Customers(Frozen):
    """How customers behave: patience, satisfaction, trust, churn and coming back."""

    patience_min: dict[Channel, Distribution] = Field(default_factory=dict)
    """Time a waiting customer stays before abandoning, per channel; absent: never abandons."""
    population: Annotated[int, NOT_BOOLEAN, Field(ge=1, le=MAX_POPULATION)] | None = None
    """Customers at the start; each contact comes from an active one. Absent: no trust model."""
    revenue_per_year: NonNegativeFloat = 0.0
    """Yearly revenue per customer, lost from the day a customer churns."""
    churn_revenue: ChurnRevenue = Field(default_factory=ChurnRevenue)
    """Over what time churned customers' revenue counts as lost (in ``cost_total``)."""
    csat: Csat = Field(default_factory=Csat)
    trust: Trust = Field(default_factory=Trust)
    churn: Churn | None = None
    """Absent: nobody churns."""
    recontact: dict[RecontactCause, Recontact] = Field(default_factory=dict)
    """Per cause: the chance the same customer comes back with the same issue, and when."""
