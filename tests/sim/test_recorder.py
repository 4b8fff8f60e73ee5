"""The recorder: contact counts go to the arrival interval, and every view of them agrees."""

from __future__ import annotations

import pytest

from klarsim.model.demand.contacts import ABANDONED, COMPLETED, AwayIssue, Contact
from klarsim.model.demand.luck import NO_DECISIONS
from klarsim.model.service.ai import ESCALATE
from klarsim.sim.recorder import ALL_SUMS, CONTACT_COUNTERS, ContactCounts, Recorder

pytestmark = pytest.mark.unit

INTERVAL_MIN = 60.0


def contact(arrival_min: float, *, state: int, wait_min: float, handle_min: float) -> Contact:
    """A contact that went to a person and was escalated by the AI before that."""
    booked = Contact(1, arrival_min, int(arrival_min // INTERVAL_MIN), 0, handle_min, 5.0, 1.0,
                     NO_DECISIONS)  # fmt: skip
    booked.ai_result = ESCALATE
    booked.human = True
    booked.state = state
    booked.wait_min = wait_min
    booked.service_min = handle_min
    return booked


def test_the_fields_of_an_interval_are_the_contact_counters() -> None:
    public = {name for name in dir(ContactCounts()) if not name.startswith("_")}
    assert public == set(CONTACT_COUNTERS)
    assert all(getattr(ContactCounts(), name) == 0.0 for name in CONTACT_COUNTERS)


def test_contacts_count_in_the_interval_they_arrived_in() -> None:
    recorder = Recorder(3, INTERVAL_MIN, service_level_target_min=1.0, warmup_min=0.0)
    served = contact(70.0, state=COMPLETED, wait_min=0.5, handle_min=8.0)
    left = contact(100.0, state=ABANDONED, wait_min=3.0, handle_min=4.0)
    recorder.finished(served, True, 0.9)
    recorder.finished(left, False, 0.1)
    recorder.issue_lost(left)
    recorder.false_resolution_returned(AwayIssue(served, 1))
    columns = recorder.columns()
    assert list(columns) == list(ALL_SUMS)
    expected = {
        "contacts": 2.0,
        "offered_human": 2.0,
        "waited": 2.0,
        "answered": 1.0,
        "answered_in_target": 1.0,
        "wait_answered_min": 0.5,
        "abandoned": 1.0,
        "wait_abandoned_min": 3.0,
        "completed": 1.0,
        "handle_min": 8.0,
        "ai_contacts": 2.0,
        "escalated": 2.0,
        "finished": 2.0,
        "csat_sum": 1.0,
        "issues_created": 2.0,
        "issues_resolved": 1.0,
        "issues_resolved_first": 1.0,
        "issues_lost": 1.0,
        "ai_false_resolved_returned": 1.0,
    }
    for name in CONTACT_COUNTERS:
        assert columns[name] == [0.0, expected.get(name, 0.0), 0.0], name
        assert recorder.window_sum(name, 0, 3) == expected.get(name, 0.0), name
    assert recorder.window_sum("contacts", 0, 1) == 0.0


def test_a_contact_still_in_the_system_counts_but_has_not_finished() -> None:
    recorder = Recorder(1, INTERVAL_MIN, service_level_target_min=1.0, warmup_min=0.0)
    recorder.unfinished(contact(10.0, state=COMPLETED, wait_min=0.0, handle_min=2.0))
    totals = recorder.totals(0)
    assert (totals["contacts"], totals["completed"], totals["finished"]) == (1.0, 1.0, 0.0)
    assert totals["csat_sum"] == totals["issues_resolved"] == 0.0
