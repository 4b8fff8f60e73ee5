"""Gig workers as people: hours of availability, sessions, drop-outs, call-ups, one persona."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from klarsim.config.personas import Persona
from klarsim.model.workforce.gig import SPAN_OBSERVERS
from klarsim.model.workforce.people import Person
from klarsim.model.workforce.supply import _largest_remainder
from klarsim.units import MINUTES_PER_HOUR
from tests.support.builders import centre, gig, run, timeseries

pytestmark = pytest.mark.unit

SIX_MINUTES = {"dist": "deterministic", "value": 6.0}
EVENINGS = [2.0 if 18 <= hour < 23 else 0.0 for hour in range(24)]
"""A student's day: online only from 18:00 to 23:00."""

Span = tuple[int, float, float]


def gig_centre(pool: dict[str, Any], **options: Any) -> dict[str, Any]:
    data = centre({"gig": pool}, **options)
    data["demand"]["intents"]["general"]["handle_time_min"] = dict(SIX_MINUTES)
    return data


def same(first: object, second: object) -> bool:
    """Equal, NaN equal to NaN (the compiled engine's NaNs are distinct objects)."""
    return repr(first) == repr(second)


@contextmanager
def online_spans() -> Iterator[list[Span]]:
    """Record every closed online span as (person's persona, start, end)."""
    spans: list[Span] = []

    def recording(person: Person, start: float, end: float) -> None:
        spans.append((person.persona, start, end))

    SPAN_OBSERVERS.append(recording)
    try:
        yield spans
    finally:
        SPAN_OBSERVERS.remove(recording)


def test_a_persona_is_never_online_outside_its_hours() -> None:
    personas = {
        "students": {"share": 0.5, "availability": EVENINGS, "session_mean_min": 90},
        "anytime": {"share": 0.5},
    }
    call_up = {"queue_threshold": 1, "agents": 20, "cooldown_min": 10, "stay_min": 120}
    pool = gig(200, 0.2, personas=personas, call_up=call_up)
    with online_spans() as spans:
        run(gig_centre(pool, days=7, volume=3000, patience_min=5))
    students = [(start, end) for persona, start, end in spans if persona == 0]
    assert len(students) > 100
    for start, end in students:
        # Online from a block in the evening until the window closes (plus a contact in hand).
        assert 18 <= (start / MINUTES_PER_HOUR) % 24 < 23
        last_available = start - start % (24 * 60) + 23 * 60
        assert end <= last_available + SIX_MINUTES["value"] + 1e-9
    assert any(not 18 <= (start / MINUTES_PER_HOUR) % 24 < 23 for p, start, _ in spans if p == 1)


def test_sessions_last_their_mean_length() -> None:
    personas = {"steady": {"share": 1.0, "session_mean_min": 150}}
    pool = gig(400, 0.3, personas=personas)
    with online_spans() as spans:
        run(gig_centre(pool, days=14, volume=10))
    lengths = np.array([end - start for _, start, end in spans if start > 0 and end < 14 * 1440])
    # Geometric in 30-minute blocks with mean 150 min: sd = 30 sqrt(p)/(1-p), p = 0.8.
    standard_error = 30 * math.sqrt(0.8) / 0.2 / math.sqrt(len(lengths))
    assert lengths.mean() == pytest.approx(150, abs=4 * standard_error + 6)
    table = timeseries(run(gig_centre(pool, days=14, volume=10)))
    assert table["staffed_agents_gig"].iloc[48:].mean() == pytest.approx(120, rel=0.05)


def test_drop_outs_follow_the_persona_hazard() -> None:
    personas = {
        "leavers": {"share": 0.5, "dropout_per_year": 12.0},
        "stayers": {"share": 0.5, "dropout_per_year": 0.0},
    }
    pool = gig(4000, 0.01, personas=personas, replace_leavers=False)
    result = run(gig_centre(pool, days=30, volume=10))
    remaining = timeseries(result)["headcount_gig"].iloc[-1]
    expected_leavers = 2000 * (1 - math.exp(-12 * 30 / 365))
    sd = math.sqrt(2000 * math.exp(-12 * 30 / 365) * (1 - math.exp(-12 * 30 / 365)))
    assert 4000 - remaining == pytest.approx(expected_leavers, abs=4 * sd)


def test_a_persona_that_never_answers_a_call_is_never_called_online() -> None:
    personas = {
        "deaf": {"share": 0.5, "call_up_response": 0.0},
        "eager": {"share": 0.5, "call_up_response": 1.0},
    }
    call_up = {"queue_threshold": 1, "agents": 50, "cooldown_min": 5, "stay_min": 60}
    pool = gig(200, 0.0, personas=personas, call_up=call_up)  # online only when called
    with online_spans() as spans:
        run(gig_centre(pool, days=2, volume=3000, patience_min=5))
    assert {persona for persona, _, _ in spans} == {1}


def test_one_persona_is_the_pool_model_a_binomial_count_each_block() -> None:
    """No personas: each block, every registered agent is online with the block's chance,
    independently of the block before (the former pool-level model)."""
    pool = gig(300, 0.25, block_min=60)
    table = timeseries(run(gig_centre(pool, days=60, volume=1)))
    online = table["staffed_agents_gig"].to_numpy()  # hourly intervals, one block each
    assert online.mean() == pytest.approx(75, abs=4 * math.sqrt(300 * 0.25 * 0.75 / len(online)))
    assert online.var(ddof=1) == pytest.approx(300 * 0.25 * 0.75, rel=0.15)
    lag_one = np.corrcoef(online[:-1], online[1:])[0, 1]
    assert abs(lag_one) < 4 / math.sqrt(len(online))


def test_declaring_the_one_persona_changes_nothing() -> None:
    plain = gig(120, 0.3)
    declared = gig(120, 0.3, personas={"everyone": {"share": 1.0}})
    first = run(gig_centre(plain, days=5, volume=1500, patience_min=5))
    second = run(gig_centre(declared, days=5, volume=1500, patience_min=5))
    assert same(first.summary, second.summary)
    assert same(first.labour, second.labour)


def test_personas_keep_the_arrivals_common_random_numbers() -> None:
    plain = gig(120, 0.3)
    students = gig(120, 0.3, personas={"students": {"share": 1.0, "availability": EVENINGS}})
    first = run(gig_centre(plain, days=5, volume=1500, patience_min=5))
    second = run(gig_centre(students, days=5, volume=1500, patience_min=5))
    assert first.summary["contacts"] == second.summary["contacts"]
    again = run(gig_centre(students, days=5, volume=1500, patience_min=5))
    assert same(again.summary, second.summary) and same(again.labour, second.labour)


def test_the_starting_registrations_follow_the_shares_exactly() -> None:
    personas = {"a": {"share": 0.55}, "b": {"share": 0.3}, "c": {"share": 0.15}}
    pool = gig(101, 0.0, personas=personas, attrition_per_year=0.0)
    counts = np.bincount(_largest_remainder(np.array([0.55, 0.3, 0.15]), 101))
    assert counts.tolist() == [56, 30, 15]
    run(gig_centre(pool, days=1, volume=10))  # the pool validates and runs


def test_availability_takes_one_24_or_168_values() -> None:
    assert Persona(share=1.0, availability=EVENINGS).weight(24 * 3 + 19) == 2.0
    assert Persona(share=1.0, availability=0.5).weight(100) == 0.5
    with pytest.raises(ValueError, match="24 or 168"):
        Persona(share=1.0, availability=[1.0] * 48)
