"""The labour table in run files: kept exactly, refused when damaged, absent from older files."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import klarsim
from klarsim.experiments.job import OutputOptions
from klarsim.results.checkpoints import CheckpointError, CheckpointWarning, dumps, loads
from tests.support import ERLANG_A
from tests.support.labour import labour_of, patch_engine, result_with_labour

pytestmark = pytest.mark.unit

SHORT = {"experiment.horizon_days": 0.5, "experiment.warmup_days": 0.125}
REPS = 2


def bits(value: object) -> object:
    """``value`` with every float replaced by its IEEE-754 bytes, so NaN compares exactly."""
    if isinstance(value, float):
        return (type(value).__name__, struct.pack("<d", value))
    if isinstance(value, dict):
        return {key: bits(item) for key, item in value.items()}
    if isinstance(value, list):
        return [bits(item) for item in value]
    return (type(value).__name__, value)


def rezipped(data: bytes, change: Callable[[dict[str, Any], dict[str, bytes]], None]) -> bytes:
    """The archive with its run.json and members changed by ``change`` (valid ZIP checksums)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    metadata = json.loads(members.pop("run.json"))
    change(metadata, members)
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("run.json", json.dumps(metadata))
        for name, content in members.items():
            archive.writestr(name, content)
    return target.getvalue()


def test_the_labour_table_round_trips_bit_for_bit_nan_included() -> None:
    negative_nan = struct.unpack("<d", struct.pack("<Q", 0xFFF8_0000_0000_0001))[0]
    labour = labour_of(2)
    labour["fte"][0] = negative_nan
    labour["online_unpaid_share"][1] = -0.0
    result = dataclasses.replace(result_with_labour("s", 2), labour=labour)
    _, back = loads(dumps({"replication": 2}, result))
    assert back.labour is not None
    assert list(back.labour) == list(labour)
    assert bits(back.labour) == bits(labour)
    assert math.isnan(back.labour["earnings_week_cv_median"][1])
    assert [type(value) for value in back.labour["people"]] == [int, int]


def test_a_run_file_without_labour_has_no_member_and_loads_with_none() -> None:
    result = klarsim.ReplicationResult("s", 0, 1, {"a": 1.0}, {"x": [1]})
    data = dumps({}, result)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "labour.arrow" not in archive.namelist()
    assert loads(data)[1].labour is None


def test_a_run_file_written_before_the_labour_table_still_loads() -> None:
    """Its run.json lists the four earlier tables only."""
    result = klarsim.ReplicationResult("s", 0, 1, {"a": 1.0}, {"x": [1]})

    def earlier(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
        del metadata["tables"]["labour"]

    _, back = loads(rezipped(dumps({}, result), earlier))
    assert back.labour is None and back.summary == {"a": 1.0}


def damaged_member(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    payload = bytearray(members["labour.arrow"])
    payload[len(payload) // 2] ^= 0x01
    members["labour.arrow"] = bytes(payload)


def other_columns(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    metadata["tables"]["labour"]["columns"][0] = "renamed"


def other_rows(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    metadata["tables"]["labour"]["rows"] = 3


def missing_member(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    del members["labour.arrow"]


def malformed_entry(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    metadata["tables"]["labour"]["file"] = "summary.arrow"


def tables_out_of_order(metadata: dict[str, Any], members: dict[str, bytes]) -> None:
    tables = metadata["tables"]
    metadata["tables"] = {"labour": tables.pop("labour"), **tables}


Change = Callable[[dict[str, Any], dict[str, bytes]], None]
REFUSALS: dict[Change, str] = {
    damaged_member: "labour.arrow: checksum mismatch",
    other_columns: "labour.arrow: 2 rows of ['pool', 'kind',",
    other_rows: "labour.arrow: 2 rows of",
    missing_member: "holds ['run.json', 'summary.arrow', 'timeseries.arrow'], expected",
    malformed_entry: "run.json: the entry of labour is malformed",
    tables_out_of_order: "run.json: tables are not summary, timeseries, contacts, event_log",
}


@pytest.mark.parametrize("damage", list(REFUSALS), ids=lambda damage: damage.__name__)
def test_a_damaged_labour_member_is_refused_with_a_clear_error(
    damage: Change,
) -> None:
    data = dumps({}, result_with_labour("s", 1))
    with pytest.raises(CheckpointError, match=re.escape(REFUSALS[damage])):
        loads(rezipped(data, damage))


@pytest.fixture
def labour_measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every simulated task's result carries the hand-made labour table; lists the replications."""
    return patch_engine(monkeypatch)


def test_a_run_file_with_a_wrongly_shaped_labour_table_is_run_again(
    tmp_path: Path, labour_measured: list[int]
) -> None:
    out = tmp_path / "run"
    klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=out)
    reference = (out / "labour.csv").read_bytes()
    stored = out / "runs" / "erlang-a-check" / "rep-0001.zip"
    task, result = loads(stored.read_bytes())
    assert bits(result.labour) == bits(labour_of(1)), "the checkpoint keeps the labour table"
    shaped = {name: values for name, values in (result.labour or {}).items() if name != "fte"}
    stored.write_bytes(dumps(task, dataclasses.replace(result, labour=shaped)))
    labour_measured.clear()
    with pytest.warns(CheckpointWarning, match="the labour table has other columns"):
        klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=OutputOptions(out, resume=True))
    assert labour_measured == [1]
    assert (out / "labour.csv").read_bytes() == reference


def test_a_resumed_run_rewrites_labour_csv_from_its_run_files(
    tmp_path: Path, labour_measured: list[int]
) -> None:
    out = tmp_path / "run"
    klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=out)
    reference = (out / "labour.csv").read_bytes()
    (out / "labour.csv").unlink()
    labour_measured.clear()
    klarsim.run(ERLANG_A, reps=REPS, overrides=SHORT, out=OutputOptions(out, resume=True))
    assert labour_measured == []
    assert (out / "labour.csv").read_bytes() == reference
