"""Distributions and arrivals: the random inputs of the engine have the configured shape."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from klarsim.config import ScenarioError, load_scenario, parse_scenario
from klarsim.config.distributions import Distribution
from klarsim.config.schema import Demand
from klarsim.kernel.streams import BATCH_SIZE, Streams
from klarsim.model.demand import contacts, luck
from klarsim.model.demand.arrivals import Arrivals
from klarsim.model.demand.contacts import BATCH, CHUNK, AwayIssue, Contact, ContactFactory
from klarsim.model.demand.luck import Luck
from klarsim.model.sampling import sampler

EXAMPLES = Path(__file__).resolve().parents[3] / "scenarios" / "examples"

pytestmark = pytest.mark.unit

SPEC = TypeAdapter(Distribution)
MINIMAL: dict[str, Any] = {
    "name": "minimal",
    "demand": {
        "contacts_per_day": 100,
        "intents": {"only": {"share": 1.0, "handle_time_min": {"dist": "exponential", "mean": 1}}},
    },
    "pools": {"staff": {"headcount": 1, "skills": ["only"]}},
}


@pytest.mark.parametrize(
    ("spec", "mean", "cv"),
    [
        ({"dist": "exponential", "mean": 5.0}, 5.0, 1.0),
        ({"dist": "lognormal", "mean": 8.8, "cv": 0.8}, 8.8, 0.8),
        ({"dist": "gamma", "mean": 3.0, "cv": 0.5}, 3.0, 0.5),
        ({"dist": "deterministic", "value": 2.5}, 2.5, 0.0),
        ({"dist": "uniform", "low": 2.0, "high": 6.0}, 4.0, (4 / math.sqrt(12)) / 4.0),
        ({"dist": "empirical", "values": [1.0, 2.0, 6.0]}, 3.0, math.sqrt(14 / 3) / 3),
    ],
)
def test_samples_have_the_configured_mean_and_cv(
    spec: dict[str, Any], mean: float, cv: float
) -> None:
    parsed = SPEC.validate_python(spec)
    assert parsed.mean_value == pytest.approx(mean)
    values = sampler(parsed)(np.random.default_rng(7), 400_000)
    assert values.mean() == pytest.approx(mean, rel=0.01)
    assert values.std() / values.mean() == pytest.approx(cv, rel=0.02, abs=1e-9)
    assert (values >= 0).all()


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": 5.0},
        {"dist": "lognormal", "mean": 8.8, "cv": 0.8},
        {"dist": "gamma", "mean": 3.0, "cv": 0.5},
        {"dist": "gamma", "mean": 3.0, "cv": 2.0},
        {"dist": "deterministic", "value": 2.5},
        {"dist": "uniform", "low": 2.0, "high": 6.0},
        {"dist": "empirical", "values": [1.0, 2.0, 6.0]},
    ],
)
def test_a_reader_in_growing_batches_gives_the_numbers_of_one_large_draw(
    spec: dict[str, Any],
) -> None:
    """``Draws`` starts small and doubles its batches; the stream's numbers stay the ones a
    single draw of all of them gives (what keeps every result unchanged)."""
    count = 3 * BATCH_SIZE + 101  # past the largest batch
    sample = sampler(SPEC.validate_python(spec))
    draws = Streams(7, 2).draws("a stream", sample)
    one_at_a_time = [draws() for _ in range(count)]
    at_once = sample(Streams(7, 2).generator("a stream"), count).tolist()
    assert one_at_a_time == at_once


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"dist": "exponential", "mean": -1}, "greater than 0"),
        ({"dist": "gamma", "mean": 1, "cv": 0}, "greater than 0"),
        ({"dist": "lognormal", "mean": 1}, "required"),
        ({"dist": "uniform", "low": 3, "high": 1}, "at least low"),
        ({"dist": "empirical", "values": []}, "at least 1"),
        ({"dist": "weibull", "mean": 1}, "does not match"),
    ],
)
def test_invalid_distributions_name_their_key(spec: dict[str, Any], expected: str) -> None:
    data = {
        **MINIMAL,
        "demand": {
            **MINIMAL["demand"],
            "intents": {"only": {"share": 1.0, "handle_time_min": spec}},
        },
    }
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    [problem] = caught.value.problems
    assert problem.key.startswith("demand.intents.only.handle_time_min")
    assert expected in problem.message


def demand(**changes: Any) -> Demand:
    return Demand.model_validate({**MINIMAL["demand"], **changes})


def arrival_counts(spec: Demand, days: int, seed: int = 1) -> np.ndarray:
    """Arrivals per hour of the horizon."""
    arrivals = Arrivals(
        spec, days * 1440.0, np.random.default_rng(seed), np.random.default_rng(seed + 1)
    )
    times = np.concatenate(list(arrivals.days()))
    assert (np.diff(times) >= 0).all() and times.min() >= 0 and times.max() < days * 1440
    return np.bincount((times // 60).astype(int), minlength=days * 24)


def test_arrivals_follow_the_hourly_and_weekly_profiles() -> None:
    hourly = [1 + (h % 12) for h in range(24)]
    weekly = [1.4, 1.2, 1.0, 1.0, 1.0, 0.8, 0.6]
    spec = demand(contacts_per_day=4800, hourly_profile=hourly, weekly_profile=weekly)
    counts = arrival_counts(spec, days=28).reshape(28, 24)
    day_weights = np.array(weekly) / np.mean(weekly)
    expected_days = 4800 * day_weights[np.arange(28) % 7]
    expected = expected_days[:, None] * (np.array(hourly) / sum(hourly))[None, :]
    by_hour, expected_hour = counts.sum(axis=0), expected.sum(axis=0)
    assert np.all(np.abs(by_hour - expected_hour) < 4 * np.sqrt(expected_hour))
    by_weekday = counts.sum(axis=1).reshape(4, 7).sum(axis=0)
    expected_weekday = expected.sum(axis=1).reshape(4, 7).sum(axis=0)
    assert np.all(np.abs(by_weekday - expected_weekday) < 4 * np.sqrt(expected_weekday))
    assert counts.sum() == pytest.approx(4800 * 28, rel=4 / math.sqrt(4800 * 28))


def test_yearly_growth_compounds() -> None:
    spec = demand(contacts_per_day=1000, growth_per_year=0.5)
    arrivals = Arrivals(spec, 400 * 1440.0, np.random.default_rng(1), np.random.default_rng(2))
    first, later = arrivals.expected_per_hour(0).sum(), arrivals.expected_per_hour(365).sum()
    assert later / first == pytest.approx(1.5, rel=1e-9)


def test_day_to_day_noise_has_the_configured_cv() -> None:
    spec = demand(contacts_per_day=2000, day_to_day_cv=0.2)
    daily = arrival_counts(spec, days=400).reshape(400, 24).sum(axis=1)
    # Poisson given the day's multiplier: Var = m + cv^2 m^2.
    expected_sd = math.sqrt(2000 + 0.04 * 2000**2)
    assert daily.mean() == pytest.approx(2000, rel=0.03)
    assert daily.std(ddof=1) == pytest.approx(expected_sd, rel=0.12)
    flat = arrival_counts(demand(contacts_per_day=2000), days=400).reshape(400, 24).sum(axis=1)
    assert flat.std(ddof=1) == pytest.approx(math.sqrt(2000), rel=0.12)


def test_a_day_longer_than_a_chunk_yields_every_contact_in_order_with_its_own_attributes() -> None:
    """Contacts made chunk by chunk carry the day's arrays row by row, and a recontact made
    between two chunks takes the next identifier without disturbing the first contacts'."""
    scenario = parse_scenario(MINIMAL)
    factory = ContactFactory(scenario, Streams(seed=3, replication=0))
    times = np.sort(np.random.default_rng(0).uniform(0.0, 1440.0, 2 * CHUNK + 17))
    made = factory.contacts([times])
    first = [next(made) for _ in range(CHUNK)]
    again = factory.recontact(AwayIssue(first[0], outcome=0), now=times[CHUNK - 1])
    rest = list(made)
    contacts = first + rest
    assert [contact.arrival_min for contact in contacts] == times.tolist()
    assert [contact.identifier for contact in contacts] == [
        *range(CHUNK),
        *range(CHUNK + 1, times.size + 1),
    ]
    assert again.identifier == CHUNK
    assert (again.attempt, again.issue_start_min) == (2, first[0].arrival_min)
    assert all(contact.handle_min > 0 for contact in contacts)
    assert len({contact.handle_min for contact in contacts}) == times.size


def test_small_days_grouped_into_a_batch_give_the_contacts_of_day_by_day() -> None:
    """Days joined into one batch draw every stream in the same order as day by day."""
    scenario = parse_scenario(MINIMAL)
    generator = np.random.default_rng(1)
    days = [np.sort(generator.uniform(day * 1440.0, (day + 1) * 1440.0, 300)) for day in range(5)]
    grouped = ContactFactory(scenario, Streams(seed=3, replication=0)).contacts(days)
    one_by_one = ContactFactory(scenario, Streams(seed=3, replication=0))
    expected = [contact for times in days for contact in one_by_one.contacts([times])]

    def fields(contact: Contact) -> tuple[object, ...]:
        return tuple(getattr(contact, name) for name in FIELDS)

    assert BATCH > 5 * 300  # the five days make one batch
    assert [fields(contact) for contact in grouped] == [fields(c) for c in expected]


FIELDS = ("identifier", "arrival_min", "interval", "intent", "handle_min", "patience_min", "luck")


def test_a_batch_of_one_intent_draws_what_the_masked_draw_of_that_intent_draws() -> None:
    """``draw_alike`` (recontact batches) skips the masks but takes the same values."""
    scenario = load_scenario(EXAMPLES / "hybrid.yaml")
    for intent in range(len(scenario.demand.intents)):
        masked = Luck(scenario, Streams(seed=5, replication=1)).draw(np.full(300, intent))
        alike = Luck(scenario, Streams(seed=5, replication=1)).draw_alike(intent, 300)
        for name, values in masked._asdict().items():
            np.testing.assert_array_equal(getattr(alike, name), values, err_msg=name)


def test_the_spelled_out_constants_number_their_tuples_in_order() -> None:
    """Constants written as Final literals (inlined when compiled) keep their tuples' order."""
    decisions = [luck.ROUTE, luck.AI_OUTCOME, luck.HUMAN_RESOLUTION, luck.RECONTACT]
    assert [*decisions, luck.CUSTOMER, luck.THINNING] == list(range(len(luck.UNIFORMS)))
    states = [contacts.QUEUED, contacts.IN_SERVICE, contacts.COMPLETED, contacts.ABANDONED]
    assert [*states, contacts.WITH_AI, contacts.FINISHED] == list(range(len(contacts.STATE_NAMES)))
