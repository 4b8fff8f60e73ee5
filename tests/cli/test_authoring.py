"""``klarsim schema``, ``new`` and ``diff``: editing scenarios from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.cli.authoring import Template, differing
from klarsim.config import load_scenario
from klarsim.config.json_schema import SCHEMA_FILE
from tests.support import EXAMPLES, SCENARIOS

pytestmark = pytest.mark.cli

runner = CliRunner()
HUMAN_ONLY = EXAMPLES / "human_only.yaml"
HYBRID = EXAMPLES / "hybrid.yaml"


def test_schema_prints_the_committed_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (SCENARIOS / SCHEMA_FILE).read_text(encoding="utf-8")
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"name", "demand", "pools"} <= set(schema["required"])


def test_schema_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "scenario.schema.json"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == (SCENARIOS / SCHEMA_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize("template", list(Template))
def test_new_writes_a_valid_scenario_named_as_asked(tmp_path: Path, template: Template) -> None:
    result = runner.invoke(
        app, ["new", "my-centre", "--from", template.value, "--dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "my-centre.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=file://")
    assert lines[0].endswith(f"/scenarios/{SCHEMA_FILE}")
    assert "What to change first" in text
    assert sum(line.startswith("# yaml-language-server") for line in lines) == 1
    scenario = load_scenario(path)
    assert scenario.name == "my-centre"


def test_new_keeps_the_templates_values(tmp_path: Path) -> None:
    runner.invoke(app, ["new", "copy", "--from", "hybrid", "--dir", str(tmp_path)])
    written = yaml.safe_load((tmp_path / "copy.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load(HYBRID.read_text(encoding="utf-8"))
    assert written == {**original, "name": "copy"}


@pytest.mark.parametrize("name", ["0", "1e3", "1_000", "yes", "Off", "null", "true", "-", "0x1F"])
def test_new_keeps_a_name_yaml_would_read_as_another_type(tmp_path: Path, name: str) -> None:
    """Found by the fuzz tier: ``name: 0`` read back as a number and failed validation."""
    result = runner.invoke(app, ["new", name, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / f"{name}.yaml").name == name


def test_new_defaults_to_human_only_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "centre"])
    assert result.exit_code == 0
    assert "from the human-only template" in result.stdout
    assert load_scenario(tmp_path / "centre.yaml").ai is None


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "taken.yaml"
    path.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "taken", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("name", ["my centre", "a.b", "../escape", "", "x" * 65])
def test_new_refuses_a_bad_name(tmp_path: Path, name: str) -> None:
    result = runner.invoke(app, ["new", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "error: NAME" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_unknown_template(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "x", "--from", "robots", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_diff_of_a_file_with_itself_is_empty_exit_0() -> None:
    result = runner.invoke(app, ["diff", str(HYBRID), str(HYBRID)])
    assert result.exit_code == 0
    assert result.stdout.startswith("no differences")


def test_diff_lists_resolved_differences_with_both_values(tmp_path: Path) -> None:
    text = HUMAN_ONLY.read_text(encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        text.replace("headcount: 50 ", "headcount: 60 ").replace("  seed: 7\n", ""),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["diff", str(HUMAN_ONLY), str(changed)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[2:] == [
        "experiment.seed",
        "  A: 7",
        "  B: 0",  # the default, filled in
        "pools.employees.headcount",
        "  A: 50",
        "  B: 60",
        "2 differences",
    ]


def test_diff_applies_set_to_both() -> None:
    result = runner.invoke(app, ["diff", str(HYBRID), str(HYBRID), "--set", "experiment.seed=3"])
    assert result.exit_code == 0


def test_diff_of_two_examples_shows_an_added_ai_section() -> None:
    result = runner.invoke(app, ["diff", str(HUMAN_ONLY), str(HYBRID)])
    assert result.exit_code == 1
    assert 'name\n  A: "human-only"\n  B: "hybrid"\n' in result.stdout
    assert "\nai.handoff.priority\n  A: (absent)\n" in result.stdout


def test_diff_bad_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(HYBRID), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_differing_walks_lists_and_pool_order() -> None:
    left = {"pools": {"a": {"x": 1}, "b": {"x": 2}}, "list": [1, 2]}
    right = {"pools": {"b": {"x": 2}, "a": {"x": 1}}, "list": [1, 3, 4]}
    assert list(differing(left, right)) == [
        ("pools (order)", ["a", "b"], ["b", "a"]),
        ("list.1", 2, 3),
        ("list.2", "(absent)", 4),
    ]


@pytest.mark.parametrize("folder", ["missing/deeper", "o" * 300, "a-file"])
def test_new_refuses_a_folder_it_cannot_write_into(tmp_path: Path, folder: str) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["new", "ok", "--dir", str(tmp_path / folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write ")
    assert [path.name for path in tmp_path.iterdir()] == ["a-file"]


def test_schema_into_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "missing" / "s.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write ")
