"""Assumption ranges: the uncertain: section, --range on top of it, integer keys, balance keys."""

from __future__ import annotations

import math

import pytest

import klarsim
from klarsim.config import ScenarioError, scenario_data
from klarsim.sensitivity.ranges import collect_ranges, point_for
from tests.support import ERLANG_A, EXAMPLES

pytestmark = pytest.mark.unit

UNCERTAIN = (
    "uncertain=[{key: pools.staff.headcount, low: 40.4, high: 55.6},"
    " {key: customers.patience_min.chat.mean, low: 2, high: 4, distribution: triangular}]"
)


def test_the_section_is_read_and_a_range_option_replaces_or_adds() -> None:
    scenario = klarsim.load_scenario(ERLANG_A, [UNCERTAIN])
    ranges = collect_ranges(
        [scenario], ["customers.patience_min.chat.mean=1:5", "demand.contacts_per_day=12000:14000"]
    )
    by_key = {spread.key: spread for spread in ranges}
    assert list(by_key) == [
        "pools.staff.headcount",
        "customers.patience_min.chat.mean",
        "demand.contacts_per_day",
    ]
    headcount = by_key["pools.staff.headcount"]
    assert headcount.integer and (headcount.low, headcount.high, headcount.base) == (40, 56, 48)
    patience = by_key["customers.patience_min.chat.mean"]
    assert (patience.low, patience.high, patience.distribution) == (1, 5, "triangular")
    assert not by_key["demand.contacts_per_day"].integer


def test_an_integer_key_is_rounded_in_the_point() -> None:
    scenario = klarsim.load_scenario(ERLANG_A, [UNCERTAIN])
    ranges = collect_ranges([scenario], [])
    point = point_for(ranges, [47.6, 2.5], scenario_data(scenario))
    assert point == {"pools.staff.headcount": 48, "customers.patience_min.chat.mean": 2.5}
    assert isinstance(point["pools.staff.headcount"], int)
    klarsim.with_overrides(scenario, point)  # valid


def test_a_balance_key_keeps_the_outcome_shares_summing_to_one() -> None:
    scenario = klarsim.load_scenario(EXAMPLES / "hybrid.yaml")
    outcomes = scenario.ai.outcomes  # type: ignore[union-attr]
    row = next(iter(outcomes))
    key = f"ai.outcomes.{row}"
    spec = [
        f"uncertain=[{{key: {key}.false_resolve, low: 0.0, high: 0.2, balance: {key}.resolve}}]"
    ]
    with_section = klarsim.load_scenario(EXAMPLES / "hybrid.yaml", spec)
    ranges = collect_ranges([with_section], [])
    point = point_for(ranges, [0.15], scenario_data(with_section))
    before = outcomes[row]
    assert point[f"{key}.resolve"] == pytest.approx(before.resolve - (0.15 - before.false_resolve))
    moved = klarsim.with_overrides(with_section, point)
    assert moved.ai.outcomes[row].total() == pytest.approx(1.0)  # type: ignore[union-attr]


def test_a_key_only_one_plan_holds_is_set_in_that_plan_only() -> None:
    human = klarsim.load_scenario(EXAMPLES / "human_only.yaml")
    hybrid = klarsim.load_scenario(EXAMPLES / "hybrid.yaml")
    ranges = collect_ranges([human, hybrid], ["ai.share=0.3:0.7"])
    assert ranges[0].base == hybrid.ai.share  # type: ignore[union-attr]
    assert point_for(ranges, [0.5], scenario_data(human)) == {}
    assert point_for(ranges, [0.5], scenario_data(hybrid)) == {"ai.share": 0.5}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("pools.staff.headcount", "expected KEY=LOW:HIGH"),
        ("pools.staff.headcount=50:40", "expected low < high"),
        ("pools.staff.headcount=a:b", "expected two numbers"),
        ("pools.staff.headcount=40.2:40.4", "an integer range of at least two values"),
        ("pools.nobody.headcount=1:2", "expected a key holding a number"),
        ("name=1:2", "expected a key holding a number"),
    ],
)
def test_a_bad_range_names_the_option_and_the_key(spec: str, expected: str) -> None:
    scenario = klarsim.load_scenario(ERLANG_A)
    with pytest.raises(ScenarioError) as raised:
        collect_ranges([scenario], [spec])
    assert expected in str(raised.value) and "--range" in str(raised.value)


def test_no_range_at_all_is_bad_input() -> None:
    with pytest.raises(ScenarioError, match="expected at least one --range"):
        collect_ranges([klarsim.load_scenario(ERLANG_A)], [])


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("[{key: pools.staff.headcont, low: 1, high: 2}]", "uncertain.0.key: expected a key"),
        ("[{key: ai.share, low: 0.5, high: 0.2}]", "expected low < high"),
        ("[{key: pools.staff.headcount, low: 1, high: 9, mode: 3}]", "mode is for"),
        (
            "[{key: pools.staff.headcount, low: 1, high: 9},"
            " {key: pools.staff.headcount, low: 2, high: 3}]",
            "listed twice",
        ),
    ],
)
def test_the_section_is_checked_when_the_scenario_loads(section: str, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        klarsim.load_scenario(ERLANG_A, [f"uncertain={section}"])


def test_the_section_changes_no_simulated_number() -> None:
    short = ["experiment.horizon_days=1", "experiment.warmup_days=0"]
    plain = klarsim.load_scenario(ERLANG_A, short)
    declared = klarsim.load_scenario(ERLANG_A, [*short, UNCERTAIN])
    first = klarsim.simulate(plain, replication=0)
    second = klarsim.simulate(declared, replication=0)
    assert first.summary["contacts"] > 0
    assert first.summary.keys() == second.summary.keys()
    # NaN equals NaN here: a compiled engine's NaNs are not one shared object
    differing = [
        kpi for kpi, value in first.summary.items() if not _same(value, second.summary[kpi])
    ]
    assert differing == []


def _same(first: object, second: object) -> bool:
    both_nan = all(isinstance(value, float) and math.isnan(value) for value in (first, second))
    return both_nan or first == second


def test_a_range_option_over_a_declared_key_keeps_its_distribution_and_balance() -> None:
    section = (
        "uncertain=[{key: ai.outcomes.default.false_resolve, low: 0.0, high: 0.1,"
        " distribution: triangular, mode: 0.05, balance: ai.outcomes.default.resolve}]"
    )
    scenario = klarsim.load_scenario(EXAMPLES / "hybrid.yaml", [section])
    (inside,) = collect_ranges([scenario], ["ai.outcomes.default.false_resolve=0.02:0.2"])
    assert (inside.low, inside.high, inside.distribution) == (0.02, 0.2, "triangular")
    assert inside.peak == 0.05 and inside.balance == "ai.outcomes.default.resolve"
    (outside,) = collect_ranges([scenario], ["ai.outcomes.default.false_resolve=0.06:0.2"])
    assert outside.peak is None and outside.balance == "ai.outcomes.default.resolve"
