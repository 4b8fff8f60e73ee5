"""Generated option values for ``run``, ``compare`` and ``sweep`` against the CLI contract.

The scenario is valid and tiny; the options are not: ``--days``, ``--reps``, ``--seed`` and
``--workers`` out of range or not numbers, ``--set`` on real and made-up keys with hostile
values, ``--grid``/``--range`` specs with base-60 lookalikes, huge counts, repeated keys and
odd separators, and ``--out`` under a file or with a 300-letter name. Every answer must be
exit 0, 1 or 2 without a traceback, and with exit 2 nothing is written. Valid values are kept
small, so that a valid run stays tiny (a slow valid run is not what this tier looks for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
import yaml
from hypothesis import event, given
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
    tiny_scenario_text,
)

pytestmark = [pytest.mark.fuzz]

SCENARIO = tiny_scenario_text()
FUZZ = fuzz_settings(60)


def _dotted_keys(node: Any, prefix: str = "") -> list[str]:
    """Every dotted key of the scenario's values (``pools.staff.skills.0`` for list items)."""
    if isinstance(node, dict):
        items: list[tuple[Any, Any]] = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return [prefix]
    keys = [prefix] if prefix else []
    for part, child in items:
        keys.extend(_dotted_keys(child, f"{prefix}.{part}" if prefix else str(part)))
    return keys


T = TypeVar("T")
HYBRID = tiny_hybrid_text()
KEYS = sorted({*_dotted_keys(yaml.safe_load(SCENARIO)), *_dotted_keys(yaml.safe_load(HYBRID))})
NUMBERS = [
    "0", "1", "2", "-1", "1.5", "1e9", "1e300", "1" + "0" * 30, ".nan", "nan", ".inf", "-.inf",
]  # fmt: skip
VALUES = [
    *NUMBERS, "", "x", "true", "null", "~", "1:2", "0x10", "0o17", "1_000", "[1, 2]",
    "{a: 1}", "[[[[[[[[1]]]]]]]]", "&a [*a]", "!!python/object/apply:os.system [ls]",
    "é" * 300, "'unclosed", "a=b", "flat", "exponential",
]  # fmt: skip
keys = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(["", ".", "..", "experiment..seed", "pools.staff.skills.99", "pools.-1"]),
    st.text(max_size=20),
)
texts = st.one_of(st.sampled_from(VALUES), st.text(max_size=20))
counts = st.sampled_from(
    ["0", "-1", "1.5", "1e9", "nan", "", "abc", "100001", str(2**63), "1" + "0" * 30]
)
"""Counts that are invalid (a valid 1,000 would be slow, not hostile)."""
modes = st.sampled_from(["valid", "mixed", "mixed"])
"""How hostile one example is: every option valid, or each option valid or not."""


def _pick(
    draw: Callable[..., Any], mode: str, good: st.SearchStrategy[T], bad: st.SearchStrategy[T]
) -> T:
    """A good value in a valid example; in a mixed one, good or bad."""
    hostile = mode == "mixed" and draw(st.booleans())
    return cast("T", draw(bad if hostile else good))


GOOD_SETS = {
    SCENARIO: [
        "pools.staff.headcount=3",
        "demand.contacts_per_day=200",
        "experiment.seed=7",
        "experiment.warmup_days=0",
        "description=fuzzed",
    ],
    HYBRID: [
        "pools.employees.headcount=3",
        "ai.share=0.5",
        "ai.human_on_request=false",
        "customers.churn.threshold=0.4",
        "experiment.warmup_days=0",
    ],
}
"""Overrides that keep the run valid and tiny."""


def _assign(key: str, value: str) -> str:
    return f"{key}={value}"


hostile_sets = st.one_of(st.builds(_assign, keys, texts), st.text(max_size=30))


@st.composite
def common_options(draw: st.DrawFn, mode: str, scenario: str = SCENARIO) -> list[str]:
    """--days, --reps, --seed, --workers and --set, each given or not."""
    options = ["--quiet"]
    for option, good, bad in [
        ("--days", st.sampled_from(["1", "0.5"]), st.sampled_from(NUMBERS)),
        ("--reps", st.sampled_from(["1", "2"]), counts),
        ("--seed", st.integers(0, 2**63 - 1).map(str), st.one_of(counts, st.just(str(2**63)))),
    ]:
        if draw(st.booleans()):
            options += [option, _pick(draw, mode, good, bad)]
    workers = _pick(
        draw, mode, st.sampled_from(["1", "1", "2"]), st.sampled_from(["0", "-1", "1025", "x"])
    )
    options += ["--workers", workers]
    for _ in range(draw(st.integers(0, 3))):
        good = st.sampled_from(GOOD_SETS[scenario])
        options += ["--set", _pick(draw, mode, good, hostile_sets)]
    for flag in ("--force", "--resume"):
        if mode == "mixed" and draw(st.booleans()):
            options.append(flag)
    return options


PRECISIONS = [
    "asa_min=-1", "asa_min=0", "asa_min=nan", "asa_min=inf", "nokpi=1", "=1", "asa_min",
    "asa_min=1=2", "", "p_wait=1e300",
]  # fmt: skip


@st.composite
def run_options(draw: st.DrawFn, mode: str) -> list[str]:
    """``run``'s own options: --contacts, and --precision with --max-reps (valid ones stop at
    once: a half-width of 1,000 minutes, at most three replications)."""
    options = ["--contacts"] if draw(st.booleans()) else []
    if draw(st.booleans()):
        good = st.just("asa_min=1000")
        options += ["--precision", _pick(draw, mode, good, st.sampled_from(PRECISIONS))]
        bad_count = st.sampled_from(["1", "0", "-1", "100001", "x"])
        options += ["--max-reps", _pick(draw, mode, st.sampled_from(["2", "3"]), bad_count)]
    return options


SPEC_VALUES = [
    "1:2", "1:2:1000000000", "1:2:3", "1:2:0", "1:2:-1", "1:2:2.5", "1:2:1e30", "2:1:2",
    "1,2", "1,,2", ",", "", ":", "::", "1;2", "1 2", "1:2:3:4", "nan:1:2", "1:inf:2",
    "1e300,1e308", "a,b", "true,false", "[1],[2]", "0.5", "0x10,0o17", "1_000",
]  # fmt: skip
GOOD_GRIDS = ["pools.staff.headcount=1,2", "demand.contacts_per_day=100:300:2"]
"""Two axes of a small valid grid (four points together)."""
GOOD_RANGE = ["--range", "experiment.service_level_target_s=10:30", "--samples", "2"]
"""A small valid Latin hypercube."""
hostile_specs = st.builds(
    _assign, keys, st.one_of(st.sampled_from(SPEC_VALUES), st.text(max_size=15))
)


@st.composite
def design_options(draw: st.DrawFn, mode: str) -> list[str]:
    """A sweep's design: a small valid grid or hypercube, or --grid, --range, --design and
    --samples mixed up, with a key repeated now and then."""
    if mode == "valid":
        if draw(st.booleans()):
            return ["--design", "lhs", *GOOD_RANGE]
        axes = draw(st.lists(st.sampled_from(GOOD_GRIDS), min_size=1, max_size=2, unique=True))
        return [part for axis in axes for part in ("--grid", axis)]
    chosen = draw(st.lists(st.one_of(st.sampled_from(GOOD_GRIDS), hostile_specs), max_size=3))
    repeat = draw(st.booleans())
    if chosen and repeat:
        chosen.append(chosen[0])
    options: list[str] = []
    for spec in chosen:
        options += [draw(st.sampled_from(["--grid", "--range"])), spec]
    if draw(st.booleans()):
        options += ["--design", draw(st.sampled_from(["grid", "lhs", "LHS", "", "random"]))]
    if draw(st.booleans()):
        options += ["--samples", draw(st.sampled_from(["1", "2", "0", "-1", "10001", "1e3"]))]
    return options


def _out(sandbox: Sandbox, kind: str) -> Sandbox:
    """The sandbox with --out pointing in it, under a file, at a 300-letter name, or at ''."""
    if kind == "under-a-file":
        return replace(sandbox, out=sandbox.write("file.txt", "not a folder") / "out")
    if kind == "long-name":
        return replace(sandbox, out=sandbox.folder / ("o" * 300))
    if kind == "empty":
        return replace(sandbox, out=sandbox.folder)  # '' is the working directory
    return sandbox


def _outs(mode: str) -> st.SearchStrategy[str]:
    """--out as given in a valid example, or any of the kinds in a mixed one."""
    if mode == "valid":
        return st.just("plain")
    return st.sampled_from(["plain", "plain", "plain", "under-a-file", "long-name", "empty"])


def _check(sandbox: Sandbox, arguments: list[str], out_kind: str) -> None:
    """Invoke and check; an --out that cannot be made must leave nothing behind."""
    sandbox = _out(sandbox, out_kind)
    before = listing(sandbox)
    out = "" if out_kind == "empty" else str(sandbox.out)
    result = invoke(sandbox, [*arguments, "--out", out])
    check_contract(sandbox, before, result)
    if out_kind in {"under-a-file", "long-name"}:
        assert result.exit_code in (1, 2), result.output[-2000:]
        assert listing(sandbox) == before, "a results folder that cannot be made left files"
    event(f"exit {result.exit_code}")


@FUZZ
@given(mode=modes, data=st.data())
def test_run_options_keep_the_contract(tmp_path: Path, mode: str, data: st.DataObject) -> None:
    sandbox = new_sandbox(tmp_path)
    text = data.draw(st.sampled_from([SCENARIO, HYBRID]))
    scenario = sandbox.write("scenario.yaml", text)
    options = [*data.draw(common_options(mode, text)), *data.draw(run_options(mode))]
    _check(sandbox, ["run", str(scenario), *options], data.draw(_outs(mode)))


@FUZZ
@given(mode=modes, data=st.data())
def test_compare_options_keep_the_contract(tmp_path: Path, mode: str, data: st.DataObject) -> None:
    sandbox = new_sandbox(tmp_path)
    count = _pick(data.draw, mode, st.integers(2, 3), st.integers(0, 3))
    scenarios = [
        str(sandbox.write(f"s{index}.yaml", SCENARIO.replace("erlang-c-check", f"c{index}")))
        for index in range(count)
    ]
    baseline = _pick(
        data.draw, mode, st.sampled_from([None, "c1"]), st.sampled_from(["nobody", ""])
    )
    chosen = ["--baseline", baseline] if baseline is not None else []
    options = data.draw(common_options(mode))
    _check(sandbox, ["compare", *scenarios, *options, *chosen], data.draw(_outs(mode)))


@FUZZ
@given(mode=modes, data=st.data())
def test_sweep_options_keep_the_contract(tmp_path: Path, mode: str, data: st.DataObject) -> None:
    sandbox = new_sandbox(tmp_path)
    scenario = sandbox.write("scenario.yaml", SCENARIO)
    design = data.draw(design_options(mode))
    options = data.draw(common_options(mode))
    _check(sandbox, ["sweep", str(scenario), *design, *options], data.draw(_outs(mode)))


HEADCOUNT = "pools.staff.headcount"
OPTION_CASES: dict[str, tuple[list[str], set[int], str]] = {
    "grid-base-60": (["sweep", "{s}", "--grid", f"{HEADCOUNT}=1:2"], {2}, "--grid"),
    "grid-huge-count": (["sweep", "{s}", "--grid", f"{HEADCOUNT}=1:2:1000000000"], {2}, "--grid"),
    "grid-key-twice": (
        ["sweep", "{s}", "--grid", f"{HEADCOUNT}=1,2", "--grid", f"{HEADCOUNT}=3"],
        {2},
        HEADCOUNT,
    ),
    "compare-one-scenario": (["compare", "{s}"], {2}, "two"),
    "days-1e9": (["run", "{s}", "--days", "1e9"], {2}, "horizon_days"),
    "set-boolean-headcount": (["run", "{s}", "--set", f"{HEADCOUNT}=true"], {2}, HEADCOUNT),
    "scheduler-malformed": (["run", "{s}", "--scheduler", "not an address"], {2}, "scheduler"),
    "scheduler-unreachable": (
        ["run", "{s}", "--scheduler", "tcp://127.0.0.1:1"],
        {1},
        "scheduler",
    ),
}
"""Option values issue 17 names: the command, the exit codes allowed, a word the message has."""


@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_an_option_the_issue_names_is_refused(tmp_path: Path, case: str) -> None:
    """Each hostile option value of issue 17 exits as it must, with one short message."""
    arguments, codes, named = OPTION_CASES[case]
    sandbox = new_sandbox(tmp_path)
    scenario = str(sandbox.write("scenario.yaml", SCENARIO))
    command = [part.replace("{s}", scenario) for part in arguments]
    before = listing(sandbox)
    result = invoke(sandbox, [*command, "--quiet", "--workers", "1", "--out", str(sandbox.out)])
    check_contract(sandbox, before, result)
    assert result.exit_code in codes, result.output[-2000:]
    assert named in result.stderr, result.stderr[-2000:]
    assert listing(sandbox) == before, "a refused command left files"
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("out_kind", ["under-a-file", "long-name"])
def test_an_out_that_cannot_be_made_leaves_nothing(tmp_path: Path, out_kind: str) -> None:
    """--out under a file or 300 letters long: exit 1 or 2, one line, no half-made folder."""
    sandbox = _out(new_sandbox(tmp_path), out_kind)
    scenario = sandbox.write("scenario.yaml", SCENARIO)
    before = listing(sandbox)
    result = invoke(sandbox, ["run", str(scenario), *TINY, "--out", str(sandbox.out)])
    check_contract(sandbox, before, result)
    assert result.exit_code in (1, 2), result.output[-2000:]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert listing(sandbox) == before


def test_force_refuses_a_folder_that_is_not_a_results_folder(tmp_path: Path) -> None:
    """``--out . --force`` in a folder of one's own files: exit 2, every file kept."""
    sandbox = new_sandbox(tmp_path)
    scenario = sandbox.write("scenario.yaml", SCENARIO)
    sandbox.write("thesis.txt", "years of work")
    before = listing(sandbox)
    result = invoke(sandbox, ["run", str(scenario), *TINY, "--out", ".", "--force"])
    check_contract(replace(sandbox, out=sandbox.folder), before, result)
    assert result.exit_code == 2, result.output[-2000:]
    assert listing(sandbox) == before
    assert (sandbox.folder / "thesis.txt").read_text() == "years of work"
