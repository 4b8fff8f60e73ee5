"""The export reader: headers mapped, gaps filled, and every kind of bad input named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from klarsim.fitting import export as export_module
from klarsim.fitting.export import ExportError, parse_columns, read_export
from tests.fitting.synthetic import Truth, synthetic_export

pytestmark = pytest.mark.unit


@pytest.fixture
def table() -> pd.DataFrame:
    return synthetic_export(Truth(), 2, interval_min=30)


def write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False)
    return path


def test_a_canonical_export_is_read_on_its_grid(table: pd.DataFrame, tmp_path: Path) -> None:
    export = read_export(write(table, tmp_path / "e.csv"))
    assert export.interval_min == 30
    assert len(export.table) == 96
    assert export.has_agents and export.has_asa
    assert export.table["offered"].sum() == table["offered"].sum()


def test_headers_are_mapped_and_a_queue_column_splits_intents(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    renamed = table.rename(columns={"offered": "Offered", "aht_s": "AHT"})
    renamed["Queue"] = ["billing" if i % 2 else "sales" for i in range(len(renamed))]
    both = pd.concat([renamed, renamed.assign(Queue="other")])
    columns = parse_columns(["offered=Offered", "aht_s=AHT"])
    export = read_export(write(both, tmp_path / "e.csv"), columns, queue_column="Queue")
    assert export.queues == ("billing", "other", "sales")
    # billing and sales each hold every other interval: the others are filled with zeros
    assert export.filled == 96
    assert export.table["offered"].sum() == 2 * table["offered"].sum()


def test_missing_intervals_are_filled_with_zero_contacts(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    export = read_export(write(table.drop(index=[5, 6]), tmp_path / "e.csv"))
    assert export.filled == 2 and len(export.table) == 96


def expect_error(path: Path, *fragments: str, **options: object) -> None:
    with pytest.raises(ExportError) as caught:
        read_export(path, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda t: t.drop(columns="abandoned"), ("column 'abandoned'", "not found")),
        (
            lambda t: t.assign(interval_start=t["interval_start"].where(t.index != 3, "soon")),
            ("row 5", "interval_start", "date-time", "'soon'"),
        ),
        (
            lambda t: t.assign(offered=t["offered"].where(t.index != 0, -1)),
            ("row 2", "'offered'", "0 or more"),
        ),
        (
            lambda t: t.assign(answered=t["offered"] + 1, abandoned=0),
            ("row 2", "answered + abandoned at most offered"),
        ),
        (
            lambda t: t.assign(offered=t["offered"].astype(str).where(t.index != 1, "many")),
            ("row 3", "'offered'", "expected a number"),
        ),
        (
            lambda t: t.assign(aht_s=t["aht_s"].where(t.index != 2, -5.0)),
            ("row 4", "'aht_s'", "seconds"),
        ),
        (
            lambda t: t.assign(agents=t["agents"].where(t.index != 2, -1.0)),
            ("row 4", "'agents'", "staffed agents"),
        ),
        (lambda t: pd.concat([t, t.iloc[[4]]]), ("row 98", "same interval")),
    ],
)
def test_bad_rows_are_named(table: pd.DataFrame, tmp_path: Path, change, fragments) -> None:  # type: ignore[no-untyped-def]
    expect_error(write(change(table), tmp_path / "bad.csv"), *fragments)


def test_irregular_intervals_are_refused(table: pd.DataFrame, tmp_path: Path) -> None:
    shifted = table.copy()
    shifted.loc[10, "interval_start"] = shifted.loc[10, "interval_start"][:-2] + "40"
    expect_error(write(shifted, tmp_path / "e.csv"), "irregular intervals", "row 12")
    hourly = synthetic_export(Truth(), 1)
    every_45 = hourly.assign(
        interval_start=pd.date_range("2026-01-05", periods=len(hourly), freq="45min").astype(str)
    )
    expect_error(write(every_45, tmp_path / "f.csv"), "divide an hour", "45 minutes")


def test_empty_and_oversized_files_are_refused(
    table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    expect_error(empty, "empty")
    header = tmp_path / "header.csv"
    header.write_text("interval_start,offered\n")
    expect_error(header, "no data rows")
    expect_error(tmp_path / "absent.csv", "not found")
    path = write(table, tmp_path / "e.csv")
    monkeypatch.setattr(export_module, "MAX_ROWS", 50)
    expect_error(path, "more than 50 rows")
    monkeypatch.setattr(export_module, "MAX_BYTES", 100)
    expect_error(path, "at most 100")


def test_column_mappings_are_checked(table: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="CANONICAL=HEADER"):
        parse_columns(["calls=Calls"])
    path = write(table, tmp_path / "e.csv")
    expect_error(path, "'Calls'", "--column offered=Calls", columns={"offered": "Calls"})
    expect_error(path, "--queue-column", queue_column="Skill")
    expect_error(path, "--interval-min", interval_min=45)


def test_a_byte_order_mark_is_read_and_other_encodings_are_named(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + table.to_csv(index=False).encode())
    assert read_export(path).interval_min == 30
    latin = tmp_path / "latin.csv"
    latin.write_bytes(table.to_csv(index=False).replace("offered", "angeb\xf6t").encode("latin-1"))
    expect_error(latin, "UTF-8")
