"""Bounded YAML: alias bombs, deep nesting, cycles and huge files end in a ScenarioError naming
the limit, before anything is constructed or walked, in little time and memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from klarsim.config import ScenarioError, load_scenario, parse_scenario
from klarsim.config.overrides import parse_overrides
from klarsim.config.yaml_io import MAX_TEXT_BYTES, line_numbers, read_yaml_with_lines
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = (ROOT / "scenarios" / "validation" / "erlang_a.yaml").read_text(encoding="utf-8")
MEBIBYTE = 1024 * 1024


def billion_laughs(levels: int = 10) -> str:
    """The classic alias bomb: each level is nine aliases of the one before (9^10 leaves)."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def refused(tmp_path: Path, text: str) -> str:
    """Load ``text`` as a scenario file; the single problem it must raise, as text."""
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_a_billion_laughs_is_refused_with_little_memory(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        message = refused(tmp_path, billion_laughs() + ERLANG_A)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "aliases expand to more than 100,000 nodes" in message
    assert "hostile.yaml:6:" in message, "the line of the alias that crosses the limit"
    assert peak < 64 * MEBIBYTE, f"peak {peak / MEBIBYTE:.0f} MiB"


@pytest.mark.parametrize(
    "nested",
    ["[" * 10_000 + "]" * 10_000, "{a: " * 10_000 + "1" + "}" * 10_000],
    ids=["list", "mapping"],
)
def test_ten_thousand_levels_of_nesting_are_refused(tmp_path: Path, nested: str) -> None:
    message = refused(tmp_path, f"deep: {nested}\n{ERLANG_A}")
    assert message.endswith("hostile.yaml:1: invalid YAML: nesting deeper than 50 levels")


def test_nesting_is_counted_with_aliases_expanded(tmp_path: Path) -> None:
    lines = ["l0: &l0 " + "[" * 40 + "]" * 40, "l1: &l1 [[[[[[[[[[[[*l0]]]]]]]]]]]]"]
    message = refused(tmp_path, "\n".join(lines) + "\n" + ERLANG_A)
    assert "hostile.yaml:2: invalid YAML: nesting deeper than 50 levels (aliases expanded)" in (
        message
    )


def test_fifty_levels_are_allowed_and_fifty_one_are_not() -> None:
    """The root mapping is the first level: 49 lists inside it make 50."""
    data, _ = read_yaml_with_lines("x: " + "[" * 49 + "]" * 49, "<text>")
    lists, node = 0, data["x"]
    while isinstance(node, list):
        lists, node = lists + 1, node[0] if node else None
    assert lists == 49
    with pytest.raises(ScenarioError, match="nesting deeper than 50 levels"):
        read_yaml_with_lines("x: " + "[" * 50 + "]" * 50, "<text>")


def test_an_alias_to_a_node_that_holds_it_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, f"loop: &loop [1, *loop]\n{ERLANG_A}")
    assert "hostile.yaml:1: invalid YAML: alias *loop refers to a node that contains it" in message


def test_a_file_over_one_mebibyte_is_refused_unparsed(tmp_path: Path) -> None:
    message = refused(tmp_path, ERLANG_A + "#" * MAX_TEXT_BYTES)
    assert message.endswith("file too large: expected at most 1,048,576 bytes (1 MiB)")


def test_an_integer_too_long_to_convert_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, ERLANG_A + "extra: " + "7" * 5000 + "\n")
    assert "a number too long to read (more than 4300 digits)" in message


@pytest.mark.parametrize(
    ("value", "error"),
    [("!!float", "IndexError"), ("!!timestamp x", "AttributeError"), ("!!bool x", "KeyError")],
)
def test_a_malformed_tagged_value_is_refused(tmp_path: Path, value: str, error: str) -> None:
    """PyYAML's constructors raise these (not a YAMLError) on such values."""
    message = refused(tmp_path, f"{ERLANG_A}extra: {value}\n")
    assert f"invalid YAML: a value its type cannot read ({error}: " in message
    with pytest.raises(ScenarioError, match=f"cannot read \\({error}"):
        parse_overrides([f"x={value}"])


def test_a_list_as_a_key_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "? [a, b]\n: 1\n" + ERLANG_A)
    assert "hostile.yaml:1: invalid YAML: expected a plain key, got a list or mapping" in message


def test_modest_aliases_still_load(tmp_path: Path) -> None:
    text = ERLANG_A.replace(
        "handle_time_min: {dist: exponential, mean: 5.0}",
        "handle_time_min: &five {dist: exponential, mean: 5.0}",
    ).replace("chat: {dist: exponential, mean: 3.0}", "chat: *five")
    assert "&five" in text and "*five" in text, "the scenario file changed; update the test"
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.customers.patience_min["chat"].mean_value == 5.0


def test_the_line_walk_enters_an_aliased_subtree_once() -> None:
    lines = line_numbers("base: &b\n  x: 1\n  y: [2, 3]\nother: *b\n")
    assert lines == {
        ("base",): 1,
        ("base", "x"): 2,
        ("base", "y"): 3,
        ("base", "y", 0): 3,
        ("base", "y", 1): 3,
        ("other",): 4,
    }


def test_set_values_are_read_with_the_same_limits() -> None:
    cases = {
        "x=" + "[" * 10_000: "nesting deeper than 50 levels",
        "x={a: 1, a: 2}": "duplicate key 'a'",
        "x=" + "9" * 5000: "a number too long to read (more than 4300 digits)",
    }
    for text, expected in cases.items():
        with pytest.raises(ScenarioError) as caught:
            parse_overrides([text])
        problem = caught.value.problems[0]
        assert problem.key == "x"
        assert problem.message == f"value is not valid YAML: {expected}"
        assert len(problem.source) <= 100, "a long value is cut in the message"


def test_a_key_given_twice_on_set_is_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_overrides(["pools.staff.headcount=40", "pools.staff.headcount=50"])
    assert str(caught.value) == (
        "--set pools.staff.headcount=50: pools.staff.headcount: given twice (also --set "
        "pools.staff.headcount=40); give each key once"
    )


def test_days_and_the_horizon_key_together_are_refused_naming_both() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_overrides(["experiment.horizon_days=30", "--days=7"])
    assert str(caught.value) == (
        "--days 7: experiment.horizon_days: given twice (also --set "
        "experiment.horizon_days=30); give each key once"
    )


def test_a_bad_days_value_is_blamed_on_days(tmp_path: Path) -> None:
    path = tmp_path / "erlang_a.yaml"
    path.write_text(ERLANG_A, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["--days=1e9"])
    [problem] = caught.value.problems
    assert str(problem).startswith("--days 1e9: experiment.horizon_days: ")


def test_a_key_and_one_of_its_own_keys_on_set_are_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_overrides(["ai.handoff.priority=false", "ai.handoff={priority: true}"])
    assert str(caught.value) == (
        "--set ai.handoff={priority: true}: ai.handoff: overlaps --set ai.handoff.priority=false; "
        "set a key or the keys inside it, not both"
    )


def test_distinct_keys_sharing_a_prefix_are_fine() -> None:
    overrides = parse_overrides(["ai.share=0.3", "ai.share_x=1", "pools.a.headcount=2"])
    given = [(override.key, override.value) for override in overrides]
    assert given == [("ai.share", 0.3), ("ai.share_x", 1), ("pools.a.headcount", 2)]


def test_deep_data_built_in_python_is_refused_too() -> None:
    deep: list[object] = []
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({"name": "deep", "description": deep}, source="<python>")
    assert str(caught.value) == "<python>: nesting too deep: expected at most 50 levels"


@pytest.mark.parametrize(
    ("text", "line", "code"), [("\x00", 1, "00"), ("name: x\n\x07\n", 2, "07")]
)
def test_a_control_character_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int, code: str
) -> None:
    problem = refused(tmp_path, text)
    assert f"hostile.yaml:{line}: invalid YAML: a control character (#x{code})" in problem
