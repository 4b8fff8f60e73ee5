"""How a contact ends, what CSAT it earns, and whether its issue can come back.

CSAT = clip((outcome score - empathy gap - wait penalty) x repeat factor ^ (attempt - 1), 0, 1)
where the empathy gap is ``empathy_gap_penalty x empathy_need`` when the AI's answer is scored
(resolved or falsely resolved; not a refused request for a person, whose own score already
prices in the missing person), and the wait penalty is
``wait_penalty_per_min x max(0, wait - wait_tolerance_min)``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from klarsim.config.customers import Csat, RecontactCause


class ContactOutcome(NamedTuple):
    """One way a contact can end."""

    code: int
    """Its position in ``OUTCOMES``."""
    name: str
    resolved: bool
    """Whether the issue is really solved."""
    by_ai: bool
    """Whether the AI gave the final answer."""
    recontact_cause: RecontactCause | None
    """Which ``customers.recontact`` entry decides whether the issue comes back."""
    empathy_gap: bool
    """Whether the empathy gap is subtracted: the AI's answer is scored (not a refusal)."""


RESOLVED_BY_AI: Final = ContactOutcome(0, "resolved_by_ai", True, True, None, True)
FALSE_RESOLVED: Final = ContactOutcome(1, "false_resolved", False, True, "false_resolved", True)
RESOLVED_BY_HUMAN: Final = ContactOutcome(2, "resolved_by_human", True, False, None, False)
RESOLVED_AFTER_ESCALATION: Final = ContactOutcome(
    3, "resolved_after_escalation", True, False, None, False
)
UNRESOLVED_BY_HUMAN: Final = ContactOutcome(
    4, "unresolved_by_human", False, False, "unresolved", False
)
ABANDONED: Final = ContactOutcome(5, "abandoned", False, False, "abandoned", False)
REFUSED_HUMAN: Final = ContactOutcome(6, "refused_human", False, True, "refused", False)
"""A refused request for a person scores ``refused_human`` alone: the refusal is what the
customer rates, so the empathy gap is not subtracted a second time."""
OUTCOMES = (
    RESOLVED_BY_AI,
    FALSE_RESOLVED,
    RESOLVED_BY_HUMAN,
    RESOLVED_AFTER_ESCALATION,
    UNRESOLVED_BY_HUMAN,
    ABANDONED,
    REFUSED_HUMAN,
)


class CsatScorer:
    """Scores finished contacts with the scenario's CSAT parameters."""

    def __init__(self, csat: Csat, empathy_needs: list[float]) -> None:
        self.parameters = csat
        self._tolerance_min = csat.wait_tolerance_min
        self._penalty_per_min = csat.wait_penalty_per_min
        self._repeat_factor = csat.repeat_contact_factor
        self._base = [
            [_outcome_score(csat, outcome, need) for need in empathy_needs] for outcome in OUTCOMES
        ]
        """ContactOutcome score less the empathy gap, by outcome code and intent."""

    def score(self, outcome: ContactOutcome, intent: int, wait_min: float, attempt: int) -> float:
        """CSAT of a contact that ended with ``outcome`` (a false resolution looks solved)."""
        value = self._base[outcome.code][intent]
        if wait_min > self._tolerance_min:
            value -= self._penalty_per_min * (wait_min - self._tolerance_min)
        if attempt > 1:
            value *= self._repeat_factor ** (attempt - 1)
        if value > 1.0:  # clipped with comparisons: min and max are slower calls on this path
            return 1.0
        return value if value > 0.0 else 0.0


def _outcome_score(csat: Csat, outcome: ContactOutcome, empathy_need: float) -> float:
    """The score an outcome earns before waits and repeats (false resolutions look solved)."""
    name = RESOLVED_BY_AI.name if outcome is FALSE_RESOLVED else outcome.name
    score: float = getattr(csat, name)
    return score - csat.empathy_gap_penalty * empathy_need if outcome.empathy_gap else score
