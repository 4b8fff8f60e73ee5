"""``--version``, shell completion, an example in every ``--help``, NO_COLOR and plural forms."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.cli.common import plural
from tests.cli.test_startup import ENGINE, HEAVY, among, loaded, startup
from tests.support import ERLANG_A, ROOT

pytestmark = pytest.mark.cli

runner = CliRunner()
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])(;[0-9;]*)?m")
"""An ANSI escape that sets a foreground colour (bold or italic alone are not colours)."""

VERSION = startup('sys.argv = ["klarsim", "--version"]')

COMPLETION = startup(
    'import os; os.environ.update(_KLARSIM_COMPLETE="complete_bash", COMP_WORDS="klarsim r",'
    ' COMP_CWORD="1"); sys.argv = ["klarsim"]'
)


def test_version_prints_the_installed_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"klarsim {metadata.version('klarsim')}\n"


@pytest.mark.parametrize("code", [VERSION, COMPLETION], ids=["version", "completion"])
def test_version_and_completion_import_no_heavy_library(tmp_path: Path, code: str) -> None:
    modules = loaded(code, tmp_path)
    assert "klarsim.cli" in modules
    assert among(modules, HEAVY) == []
    assert among(modules, ENGINE) == []


def klarsim(arguments: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    """``python -m klarsim`` in a fresh interpreter with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "klarsim", *arguments],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_completion_is_offered_and_completes_commands_and_templates() -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    commands = klarsim(
        [], _KLARSIM_COMPLETE="complete_bash", COMP_WORDS="klarsim sh", COMP_CWORD="1"
    )
    assert commands.stdout.split() == ["show"]
    words = "klarsim new x --from "
    templates = klarsim([], _KLARSIM_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD="4")
    assert templates.stdout.split() == ["human-only", "hybrid", "ai-first", "klarna-baseline"]


def test_every_command_has_an_example_in_its_help() -> None:
    names = [command.name or command.callback.__name__ for command in app.registered_commands]  # type: ignore[union-attr]
    assert {"run", "compare", "sweep", "show", "new", "diff", "schema", "report"} <= set(names)
    for name in names:
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert f"Example: klarsim {name}" in result.stdout, name


def test_top_help_names_the_exit_codes_page() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "130 interrupted" in result.stdout
    assert "docs/reliability.md" in result.stdout


def test_no_color_turns_colours_off() -> None:
    coloured = klarsim(["--help"], FORCE_COLOR="1", COLUMNS="100")
    assert COLOUR.search(coloured.stdout) is not None  # the check below can fail
    plain = klarsim(["--help"], FORCE_COLOR="1", NO_COLOR="1", COLUMNS="100")
    assert COLOUR.search(plain.stdout) is None
    assert "Commands" in plain.stdout


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [(0, "pool", "0 pools"), (1, "pool", "1 pool"), (2, "intent", "2 intents")],
)
def test_plural(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected


def test_validate_says_one_pool_and_one_intent() -> None:
    result = runner.invoke(app, ["validate", str(ERLANG_A)])
    assert result.exit_code == 0
    assert result.stdout == f"ok: {ERLANG_A} (erlang-a-check: 1 intent, 1 pool)\n"
