"""A damaged or hand-made results folder is refused with its file named, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.results.reader import FolderError, read_folder

pytestmark = pytest.mark.cli

runner = CliRunner()


def hand_made(tmp_path: Path, summary: str) -> Path:
    folder = tmp_path / "made"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"kind": "run", "status": "complete"}')
    (folder / "summary.csv").write_text(summary)
    return folder


def test_a_table_without_its_key_columns_is_refused(tmp_path: Path) -> None:
    folder = hand_made(tmp_path, "garbage\n1\n")
    with pytest.raises(FolderError, match=r"summary\.csv: not a klarsim table"):
        read_folder(folder)


@pytest.mark.parametrize("command", ["report", "plot", "show"])
def test_every_reading_command_exits_2_on_a_damaged_table(tmp_path: Path, command: str) -> None:
    folder = hand_made(tmp_path, "garbage\n1\n")
    result = runner.invoke(app, [command, str(folder)])
    assert result.exit_code == 2, result.output
    assert "no column scenario, replication, seed" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_path_too_long_for_the_file_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match="cannot be read"):
        read_folder(tmp_path / ("o" * 300))
