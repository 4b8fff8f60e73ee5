"""The opt-in per-contact log: one entry per contact that arrived after the warm-up."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from klarsim.model.demand.contacts import STATE_NAMES, Contact
from klarsim.model.service.outcomes import OUTCOMES
from klarsim.model.workforce.pools import AgentPool
from klarsim.sim.records import Columns

COLUMNS = (
    "contact",
    "arrival_min",
    "offered_min",
    "intent",
    "channel",
    "patience_min",
    "handle_min",
    "wait_min",
    "service_min",
    "outcome",
    "pool",
    "attempt",
    "escalated",
    "customer",
)


class ContactLog:
    """Collects finished contacts column-wise, ready for a parquet file."""

    def __init__(
        self, intent_names: Sequence[str], channels: Sequence[str], warmup_min: float
    ) -> None:
        self.intent_names = intent_names
        self.channels = channels
        self.warmup_min = warmup_min
        self.columns: Columns = {name: [] for name in COLUMNS}

    def record(self, contact: Contact, pool: AgentPool | None) -> None:
        """Log a contact in its current state (final, or as it stood when the run ended)."""
        if contact.arrival_min < self.warmup_min:
            return
        patience = contact.patience_min
        values = (
            contact.identifier,
            contact.arrival_min,
            contact.queued_min if contact.human else math.nan,
            self.intent_names[contact.intent],
            self.channels[contact.intent],
            patience if patience < math.inf else math.nan,
            contact.handle_min,
            contact.wait_min,
            contact.service_min,
            OUTCOMES[contact.outcome].name if contact.outcome >= 0 else STATE_NAMES[contact.state],
            pool.name if pool is not None else "",
            contact.attempt,
            contact.escalated,
            contact.customer,
        )
        for name, value in zip(COLUMNS, values, strict=True):
            self.columns[name].append(value)

    def record_unfinished(self, contacts: Iterable[tuple[Contact, AgentPool | None]]) -> None:
        """Log the contacts still in the system when the run ended."""
        for contact, pool in contacts:
            self.record(contact, pool)
