"""When the compiled engine runs: a current build record, no refusal, no edited source."""

from __future__ import annotations

import hashlib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from klarsim import compiled

pytestmark = pytest.mark.unit


def checkout(root: Path) -> dict[str, str]:
    """Every compiled module's source under ``root``, and its build record."""
    record = {}
    for path in compiled.COMPILED:
        source = root / path
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"# {path}\n")
        record[path] = hashlib.sha256(source.read_bytes()).hexdigest()
    return record


def test_a_current_build_runs_compiled(tmp_path: Path) -> None:
    record = checkout(tmp_path)
    assert compiled.decide(record, tmp_path, refused=False) == compiled.COMPILED_STATUS


def test_an_edited_source_runs_every_module_from_its_source(tmp_path: Path) -> None:
    record = checkout(tmp_path)
    edited = compiled.COMPILED[3]
    (tmp_path / edited).write_text("# edited\n")
    status = compiled.decide(record, tmp_path, refused=False)
    assert status == f"interpreted: {edited} changed since the build (reinstall)"


def test_a_module_missing_from_the_record_is_not_trusted(tmp_path: Path) -> None:
    record = checkout(tmp_path)
    del record[compiled.COMPILED[0]]
    assert compiled.decide(record, tmp_path, refused=False).startswith("interpreted")


def test_the_environment_variable_refuses_a_current_build(tmp_path: Path) -> None:
    record = checkout(tmp_path)
    status = compiled.decide(record, tmp_path, refused=True)
    assert status == f"interpreted: {compiled.PURE_PYTHON} is set"


def test_without_a_record_stray_extension_modules_are_not_trusted(tmp_path: Path) -> None:
    checkout(tmp_path)
    assert compiled.decide(None, tmp_path, refused=False) == compiled.NOT_BUILT
    source = tmp_path / compiled.COMPILED[0]
    (source.parent / (source.stem + EXTENSION_SUFFIXES[0])).write_bytes(b"")
    status = compiled.decide(None, tmp_path, refused=False)
    assert status.startswith("interpreted: extension modules without a build record")


def test_an_extension_module_the_build_did_not_record_is_not_trusted(tmp_path: Path) -> None:
    record = checkout(tmp_path)
    stray = tmp_path / "klarsim" / "kernel" / "stray.py"
    stray.write_text("# not compiled by this build\n")
    (stray.parent / ("stray" + EXTENSION_SUFFIXES[0])).write_bytes(b"")
    assert "klarsim/kernel/stray.py" in compiled.built_sources(tmp_path)
    status = compiled.decide(record, tmp_path, refused=False)
    assert status == (
        "interpreted: klarsim/kernel/stray.py has an extension module the build did not record"
    )


def test_this_process_status_is_recorded_in_a_run_manifest() -> None:
    from klarsim.results.writer import manifest

    assert manifest()["engine"] == compiled.status()
