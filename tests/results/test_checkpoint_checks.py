"""Every checkpoint is checked when loaded: a damaged, incomplete or foreign one is run again."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import klarsim
from klarsim.cli import app
from klarsim.experiments import tasks as experiment
from klarsim.experiments.job import OutputOptions
from klarsim.results.checkpoints import CheckpointWarning, dumps, loads
from klarsim.results.encoding import to_arrow, to_python
from tests.support import ROOT

pytestmark = pytest.mark.unit

ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}
REPS = 3
Damage = Callable[[Path], None]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete run folder whose checkpoints the tests damage, one copy each."""
    out = tmp_path_factory.mktemp("reference") / "run"
    klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=out)
    return out


def checkpoint(out: Path, replication: int) -> Path:
    return out / "runs" / "erlang-a-check" / f"rep-{replication:04d}.zip"


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte(path: Path) -> None:
    """One bit changed in the middle of the timeseries table (inside the archive)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("timeseries.arrow")
    start = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
    data[start + 30 + name_length + extra_length + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))


def rewrite(change: Callable[[klarsim.ReplicationResult], klarsim.ReplicationResult]) -> Damage:
    """A valid file of the same task whose result ``change`` altered."""

    def damage(path: Path) -> None:
        task, result = loads(path.read_bytes())
        path.write_bytes(dumps(task, change(result)))

    return damage


def empty(result: klarsim.ReplicationResult) -> klarsim.ReplicationResult:
    return dataclasses.replace(result, summary={}, timeseries={})


def short(result: klarsim.ReplicationResult) -> klarsim.ReplicationResult:
    cut = {name: values[:-1] for name, values in result.timeseries.items()}
    return dataclasses.replace(result, timeseries=cut)


def another_task(path: Path) -> None:
    shutil.copyfile(path.with_name("rep-0000.zip"), path)


class Planted:
    """Would leave a file behind if the pickle holding it were ever loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "pickle ran code"))


def old_pickle(path: Path) -> None:
    """A run file of the older pickle format beside no new one."""
    path.with_suffix(".pkl").write_bytes(pickle.dumps(Planted(path.parent / "ran.txt")))
    path.unlink()


DAMAGES: dict[str, tuple[Damage, str]] = {
    "truncated": (truncate, "cannot be loaded (BadZipFile"),
    "flipped byte": (flip_a_byte, "Bad CRC-32 for file 'timeseries.arrow'"),
    "empty result": (rewrite(empty), "the summary lacks"),
    "short timeseries": (rewrite(short), "the timeseries has 8 interval(s), not the horizon's 9"),
    "another task's file": (another_task, "holds another task"),
    "old pickle": (old_pickle, "a checkpoint of an older klarsim (pickle), not opened"),
}


@pytest.mark.parametrize("case", list(DAMAGES))
def test_a_bad_checkpoint_is_run_again_with_a_warning_naming_it(
    case: str, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    damage, message = DAMAGES[case]
    bad = checkpoint(out, 1)
    damage(bad)
    simulated: list[int] = []
    real = experiment.run_task

    def counting(task: experiment.Task) -> klarsim.ReplicationResult:
        simulated.append(task.replication)
        return real(task)

    monkeypatch.setattr(experiment, "run_task", counting)
    with pytest.warns(CheckpointWarning) as warned:
        klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=OutputOptions(out, resume=True))
    assert simulated == [1]
    [warning] = [str(w.message) for w in warned if issubclass(w.category, CheckpointWarning)]
    named = bad.with_suffix(".pkl") if case == "old pickle" else bad
    assert warning.startswith(f"{named}: ") and warning.endswith("; running it again")
    assert message in warning
    for table in ("summary.csv", "timeseries.csv", "events.csv"):
        assert (out / table).read_bytes() == (reference / table).read_bytes(), table
    assert checkpoint(out, 1).read_bytes() == checkpoint(reference, 1).read_bytes()
    assert not (bad.parent / "ran.txt").exists(), "the pickle was never loaded"
    assert not bad.with_suffix(".pkl").exists(), "the old file is replaced"


@pytest.mark.cli
def test_the_command_line_prints_the_warning_on_stderr(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    truncate(checkpoint(out, 2))
    options = ["--reps", str(REPS), "--days", "0.5", "--set", "experiment.warmup_days=0.125"]
    result = CliRunner().invoke(
        app, ["run", str(ERLANG_A), *options, "--out", str(out), "--resume", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stderr.splitlines() if "rep-0002.zip" in line]
    assert line.startswith(f"warning: {checkpoint(out, 2)}: cannot be loaded")
    assert (out / "summary.csv").read_bytes() == (reference / "summary.csv").read_bytes()


def rezipped(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The archive with its run.json changed by ``change`` (and valid ZIP checksums)."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "run.json":
                metadata = json.loads(content)
                change(metadata)
                content = json.dumps(metadata).encode()
            archive.writestr(name, content)
    return target.getvalue()


def test_a_file_failing_its_format_schema_or_checksum_is_refused(reference: Path) -> None:
    data = checkpoint(reference, 0).read_bytes()
    task, result = loads(data)
    assert task["replication"] == result.replication == 0
    with pytest.raises(ValueError, match="not a zip file"):
        loads(data[:100])
    with pytest.raises(ValueError, match=re.escape("Bad CRC-32 for file 'run.json'")):
        loads(data.replace(b"klarsim-run/2", b"klarsim-run/9"))

    def other_format(metadata: dict[str, Any]) -> None:
        metadata["format"] = "klarsim-run/9"

    def other_checksum(metadata: dict[str, Any]) -> None:
        metadata["tables"]["timeseries"]["sha256"] = "0" * 64

    def other_columns(metadata: dict[str, Any]) -> None:
        metadata["tables"]["timeseries"]["columns"][0] = "renamed"

    def other_rows(metadata: dict[str, Any]) -> None:
        metadata["tables"]["timeseries"]["rows"] += 1

    def text_seed(metadata: dict[str, Any]) -> None:
        metadata["result"]["seed"] = "2024"

    refusals = {
        other_format: "not a klarsim-run/2 file",
        other_checksum: "timeseries.arrow: checksum mismatch",
        other_columns: "timeseries.arrow: 9 rows of",
        other_rows: "but run.json says 10 of",
        text_seed: "result.seed is '2024', not int",
    }
    assert loads(rezipped(data, lambda metadata: None))[0] == task
    for change, message in refusals.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            loads(rezipped(data, change))


def test_mixed_and_huge_values_keep_their_types() -> None:
    negative_nan = struct.unpack("<d", struct.pack("<Q", 0xFFF8_0000_0000_0001))[0]
    values = [1, 2.5, None, True, "x", 2**70, -(2**64), negative_nan, -0.0]
    back = to_python(to_arrow(values))
    assert [type(value) for value in back] == [type(value) for value in values]
    assert [struct.pack("<d", v) for v in back if isinstance(v, float)] == [
        struct.pack("<d", v) for v in values if isinstance(v, float)
    ]
    assert back[:7] == values[:7]


def test_a_mixed_column_is_stored_without_importing_pandas() -> None:
    """Unions are built from buffers: ``pa.array`` would ask pyarrow's pandas shim (a second).

    (Reading a union back may import pandas: that is the reader's, not a run's, cost.)"""
    code = (
        "import sys; from klarsim.results.encoding import to_arrow, to_python; "
        "values = [1, 'é', None, 2.5, True, 2**70, 'x', 'é']; "
        "stored = to_arrow(values), to_arrow(['a', 'é', None]); "
        "print('pandas' in sys.modules); "
        "assert [to_python(column) for column in stored] == [values, ['a', 'é', None]]"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_reference_run_is_whole(reference: Path) -> None:
    """The sizes the damage cases rely on: nine timeseries rows per replication."""
    timeseries = pd.read_csv(reference / "timeseries.csv")
    assert timeseries.groupby("replication").size().tolist() == [9] * REPS
