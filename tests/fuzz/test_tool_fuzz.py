"""The tools against the same contract: ``klarsim new`` with generated names and folders,
``klarsim diff`` on mutated scenarios, ``show`` and ``report`` on a damaged results folder.
Exit 0, 1 (``diff``: the files differ) or 2, never a traceback; ``new`` writes NAME.yaml and
nothing else, and nothing when it refuses."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.contract import (
    TINY,
    fuzz_settings,
    invoke,
    listing,
    new_sandbox,
    tiny_scenario_text,
)
from tests.fuzz.mutations import structure_mutations

pytestmark = [pytest.mark.fuzz]

NAMES = ["ok", "../escape", "a/b", "x" * 65, "", ".hidden", "\x00", "-x", "ok ok", "é", "con"]
GOOD_NAMES = ["ok", "my-centre", "c_1"]
FOLDERS = [".", ".", "under-a-file", "missing/deeper", "o" * 300]


@fuzz_settings(20)
@given(
    name=st.one_of(st.sampled_from(GOOD_NAMES), st.sampled_from(NAMES), st.text(max_size=70)),
    folder=st.sampled_from(FOLDERS),
    template=st.sampled_from(["human-only", "hybrid", "ai-first", "klarna-baseline", "", "x"]),
)
def test_new_writes_one_file_or_refuses(
    tmp_path: Path, name: str, folder: str, template: str
) -> None:
    sandbox = new_sandbox(tmp_path)
    if folder == "under-a-file":
        folder = str(sandbox.write("file.txt", "not a folder").relative_to(sandbox.folder))
    before = listing(sandbox)
    result = invoke(sandbox, ["new", name, "--from", template, "--dir", folder])
    shown = f"exit {result.exit_code}, {result.exception!r}\n{result.output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code in (0, 2), shown
    created = listing(sandbox) - before
    if result.exit_code == 0:
        assert created == {(sandbox.folder / folder / f"{name}.yaml").resolve()}, created
        checked = invoke(sandbox, ["validate", str(sandbox.folder / folder / f"{name}.yaml")])
        assert checked.exit_code == 0, checked.output[-2000:]
    else:
        assert not created, created
    event(f"exit {result.exit_code}")


@fuzz_settings(20)
@given(data=structure_mutations(yaml.safe_load(tiny_scenario_text())))
def test_diff_answers_every_pair(tmp_path: Path, data: dict[str, Any]) -> None:
    sandbox = new_sandbox(tmp_path)
    first = sandbox.write("a.yaml", tiny_scenario_text())
    second = sandbox.write("b.yaml", yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    before = listing(sandbox)
    result = invoke(sandbox, ["diff", str(first), str(second)])
    shown = f"exit {result.exit_code}, {result.exception!r}\n{result.output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code in (0, 1, 2), shown
    assert listing(sandbox) == before
    event(f"exit {result.exit_code}")


DAMAGES = {
    "summary-garbage": ("summary.csv", "garbage\n"),
    "summary-empty": ("summary.csv", ""),
    "summary-header-only": ("summary.csv", "scenario,replication\n"),
    "timeseries-garbage": ("timeseries.csv", "a,b\n1\n"),
    "manifest-not-json": ("manifest.json", "{"),
    "manifest-a-list": ("manifest.json", "[]"),
}
"""A table or the manifest of a finished results folder, and what it is overwritten with."""


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder of one tiny run, copied by each test that damages it."""
    sandbox = new_sandbox(tmp_path_factory.mktemp("finished"))
    scenario = sandbox.write("scenario.yaml", tiny_scenario_text())
    assert invoke(sandbox, ["run", str(scenario), *TINY, "--out", str(sandbox.out)]).exit_code == 0
    return sandbox.out


@pytest.mark.parametrize("damage", list(DAMAGES))
@pytest.mark.parametrize("command", ["show", "report"])
def test_a_damaged_folder_is_read_without_a_traceback(
    tmp_path: Path, finished: Path, damage: str, command: str
) -> None:
    """``show`` and ``report`` on a results folder with a damaged table: exit 0, 1 or 2."""
    sandbox = new_sandbox(tmp_path)
    folder = Path(shutil.copytree(finished, sandbox.out))
    name, content = DAMAGES[damage]
    (folder / name).write_text(content, encoding="utf-8")
    result = invoke(sandbox, [command, str(folder)])
    shown = f"exit {result.exit_code}, {result.exception!r}\n{result.output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code in (0, 1, 2), shown


def test_show_a_path_too_long(tmp_path: Path) -> None:
    """``show`` on a 300-letter path: exit 2, no traceback."""
    sandbox = new_sandbox(tmp_path)
    result = invoke(sandbox, ["show", str(sandbox.folder / ("o" * 300))])
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    assert result.exit_code == 2, result.output[-2000:]
