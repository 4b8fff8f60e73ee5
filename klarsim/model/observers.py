"""What the model tells its observers: the interfaces the engine-side recorders implement.

The model reports finished contacts, lost issues and dated actions through these protocols;
``klarsim.sim`` provides the recorders, so the model never depends on how it is measured.
"""

from __future__ import annotations

from typing import Any, Protocol

from klarsim.model.demand.contacts import AwayIssue, Contact
from klarsim.model.workforce.pools import AgentPool


class ContactObserver(Protocol):
    """Counts every contact once, as it ends (``klarsim.sim.recorder.Recorder``)."""

    def finished(self, contact: Contact, resolved: bool, csat: float) -> None:
        """A contact ended, resolved or not, with its CSAT score."""

    def issue_lost(self, contact: Contact | AwayIssue) -> None:
        """An unresolved issue will not come back (the customer gave up or left)."""

    def false_resolution_returned(self, issue: AwayIssue) -> None:
        """A falsely resolved issue came back (some vendors then take the resolution back)."""


class ContactRecord(Protocol):
    """Keeps one row per finished contact, when asked (``klarsim.sim.contact_log``)."""

    def record(self, contact: Contact, pool: AgentPool | None) -> None:
        """Add the row of a finished contact."""


class EventRecord(Protocol):
    """Keeps the dated timeline actions and guardrail firings (``klarsim.sim.event_log``)."""

    def record(
        self, now: float, kind: str, action: str, *, target: str, value: Any, detail: str = ""
    ) -> None:
        """Add one event at ``now`` (minutes)."""
