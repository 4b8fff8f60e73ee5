"""Hostile scenario files against the CLI contract (docs/reliability.md).

Hypothesis mutates a tiny copy of a bundled scenario (keys deleted, values of the wrong type,
huge, negative or not-a-number, unknown keys, deep nesting, aliases, long names, bytes that are
not UTF-8, an empty file) and ``klarsim run`` must answer each with exit 0 (a valid run), 1 (a
listed failure) or 2 (bad input, nothing written), never a traceback. The inputs the issue
names are checked one by one as well, with the exit code they must give.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.fuzz.contract import (
    TINY,
    Sandbox,
    check_contract,
    fuzz_settings,
    invoke,
    listing,
    new_sandbox,
    tiny_hybrid_text,
    tiny_klarna_text,
    tiny_scenario_text,
)
from tests.fuzz.mutations import KeyPath, key_paths, node_at, structure_mutations

pytestmark = [pytest.mark.fuzz]

BASE_TEXT = tiny_scenario_text()
BASE: dict[str, Any] = yaml.safe_load(BASE_TEXT)
BASES = {"erlang-c": BASE_TEXT, "hybrid": tiny_hybrid_text()}
"""Scenarios to mutate: the Erlang C queue, and the hybrid centre (AI, customers, recontacts,
profiles, anchors) for the sections the first one lacks."""
FUZZ = fuzz_settings(100)


@st.composite
def scenario_files(draw: st.DrawFn) -> str | bytes:
    """A scenario file: mutated data, or text the YAML reader itself must refuse or survive."""
    base = BASES[draw(st.sampled_from(list(BASES)))]
    data = yaml.safe_load(base)
    if draw(st.sampled_from(["data", "data", "data", "text"])) == "data":
        mutated = draw(structure_mutations(data))
        return yaml.safe_dump(mutated, sort_keys=False, allow_unicode=True)
    text: str | bytes = draw(
        st.one_of(
            st.just(""),
            st.binary(max_size=200),
            st.builds(
                lambda tail: base.encode() + b"\n" + tail, st.binary(min_size=1, max_size=20)
            ),
            st.builds(lambda end: base[:end], st.integers(0, len(base))),
            st.builds(
                _nested, st.just(base), st.sampled_from(["[", "{a: "]), st.integers(1, 20_000)
            ),
            st.builds(_alias_bomb, st.just(base), st.integers(1, 12), st.integers(2, 9)),
            st.builds(_anchored, st.just(data), st.sampled_from(key_paths(data))),
            st.sampled_from(TEXTS),
        )
    )
    return text


def _nested(base: str, opening: str, depth: int) -> str:
    """The scenario's description replaced by ``depth`` nested flow collections."""
    closing = {"[": "]", "{a: ": "}"}[opening]
    nested = f"description: {opening * depth}1{closing * depth}"
    return re.sub(r"^description: .*$", lambda _: nested, base, count=1, flags=re.MULTILINE)


def _alias_bomb(base: str, levels: int, width: int) -> str:
    """A billion-laughs document: each anchor repeats the one before ``width`` times."""
    lines = ["a0: &a0 [lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return base + "\n".join(lines) + "\n"


def _anchored(data: dict[str, Any], path: KeyPath) -> str:
    """The scenario with the value at ``path`` anchored and reused under an unknown key."""
    text = yaml.safe_dump({**data, "extra": "ALIAS"}, sort_keys=False)
    value = yaml.safe_dump(node_at(data, path), default_flow_style=True).removesuffix("...\n")
    return text.replace("extra: ALIAS", f"extra: &x {value.strip()}\nagain: *x")


TEXTS = [
    "!!python/object/apply:os.system ['echo owned']\n",
    BASE_TEXT.replace("name: erlang-c-check", "name: !!python/name:os.system"),
    BASE_TEXT + "name: twice\n",
    BASE_TEXT.replace("  horizon_days", "\thorizon_days"),
    "- just\n- a list\n",
    "42\n",
    "~\n",
    "\ufeff" + BASE_TEXT,
    BASE_TEXT.replace("\n", "\r\n"),
    "name: x\n",
]


def _run(sandbox: Sandbox, content: str | bytes, *extra: str) -> None:
    """``klarsim run`` on the content as a scenario file, checked against the contract; and
    ``klarsim validate`` agrees: it accepts the file exactly when ``run`` does not exit 2."""
    path = sandbox.write("scenario.yaml", content)
    before = listing(sandbox)
    checked = invoke(sandbox, ["validate", str(path)])
    shown = f"validate: exit {checked.exit_code}, {checked.exception!r}\n{checked.output[-2000:]}"
    assert checked.exception is None or isinstance(checked.exception, SystemExit), shown
    assert checked.exit_code in (0, 2), shown
    assert listing(sandbox) == before, "validate wrote files"
    result = invoke(sandbox, ["run", str(path), *TINY, *extra, "--out", str(sandbox.out)])
    check_contract(sandbox, before, result)
    if not extra:
        refused = result.exit_code == 2
        assert refused == (checked.exit_code == 2), (checked.output[-1000:], result.output[-1000:])
    event(f"exit {result.exit_code}")


@FUZZ
@given(content=scenario_files(), days=st.sampled_from([[], ["--days", "1"]]))
@example(content=b"\x00", days=[])  # found by this test: a control character in the file
@example(content=BASE_TEXT.replace("name: erlang-c-check", "name: x\x07"), days=[])
@example(  # found by this test: a long distribution tag echoed whole in the message
    content=BASE_TEXT.replace("dist: exponential", "dist: '" + "-" * 100_000 + "'"), days=[]
)
def test_a_hostile_scenario_keeps_the_contract(
    tmp_path: Path, content: str | bytes, days: list[str]
) -> None:
    _run(new_sandbox(tmp_path), content, *days)


KLARNA: dict[str, Any] = yaml.safe_load(tiny_klarna_text())
DAYS_1 = ["--days", "1"]


@fuzz_settings(20)
@given(data=structure_mutations(KLARNA))
def test_a_hostile_timeline_keeps_the_contract(tmp_path: Path, data: dict[str, Any]) -> None:
    """The Klarna reversal mutated (its dated timeline, gig pool and guardrails included), run
    for a day: a file ``validate`` accepts is not refused by ``run --days 1``."""
    sandbox = new_sandbox(tmp_path)
    path = sandbox.write("scenario.yaml", yaml.safe_dump(data, sort_keys=False))
    before = listing(sandbox)
    checked = invoke(sandbox, ["validate", str(path)])
    assert checked.exception is None or isinstance(checked.exception, SystemExit), checked
    assert checked.exit_code in (0, 2), checked.output[-2000:]
    result = invoke(sandbox, ["run", str(path), *TINY, *DAYS_1, "--out", str(sandbox.out)])
    check_contract(sandbox, before, result)
    if checked.exit_code == 0:
        assert result.exit_code != 2, result.output[-2000:]
    event(f"validate {checked.exit_code}, run {result.exit_code}")


def _with(old: str, new: str) -> str:
    """The tiny scenario with one line changed."""
    assert old in BASE_TEXT
    return BASE_TEXT.replace(old, new)


HUGE_WEIGHTS = "[" + ", ".join(["1.0e308"] * 24) + "]"
ISSUE_INPUTS = {
    "alias-bomb": (_alias_bomb(BASE_TEXT, 9, 9), "alias"),
    "deep-nesting": (_nested(BASE_TEXT, "[", 100_000), "nest"),
    "big-file": (BASE_TEXT + "# padding\n" * 3_000_000, "too large"),
    "contacts-1e12": (_with("contacts_per_day: 300", "contacts_per_day: 1e12"), "contacts_per_day"),
    "interval-1e300": (_with("interval_min: 60", "interval_min: 1e300"), "interval_min"),
    "horizon-1e9": (_with("horizon_days: 1", "horizon_days: 1e9"), "horizon_days"),
    "headcount-true": (_with("headcount: 2", "headcount: true"), "headcount"),
    "name-300-letters": (_with("name: erlang-c-check", "name: " + "n" * 300), "name"),
    "profile-huge-weights": (
        _with("hourly_profile: flat", f"hourly_profile: {HUGE_WEIGHTS}"),
        "hourly_profile",
    ),
}


@pytest.mark.parametrize("case", list(ISSUE_INPUTS))
def test_an_input_the_issue_names_is_refused(tmp_path: Path, case: str) -> None:
    """Each hostile input of issue 17 gives exit 2 with a message naming what is wrong."""
    content, named = ISSUE_INPUTS[case]
    sandbox = new_sandbox(tmp_path)
    path = sandbox.write("scenario.yaml", content)
    before = listing(sandbox)
    result = invoke(sandbox, ["run", str(path), *TINY, "--out", str(sandbox.out)])
    check_contract(sandbox, before, result)
    assert result.exit_code == 2, result.output[-2000:]
    assert named in result.stderr.lower(), result.stderr[-2000:]
