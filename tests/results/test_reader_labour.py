"""``ResultsFolder.labour``: ``labour.csv`` read back, or an empty table with its columns."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from klarsim.metrics.columns import LABOUR_COLUMNS
from klarsim.results.reader import FolderError, read_folder

pytestmark = pytest.mark.unit

SUMMARY = "scenario,replication,seed\nbase,0,1\n"


def run_folder(tmp_path: Path, labour: str | None) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "summary.csv").write_text(SUMMARY)
    if labour is not None:
        (folder / "labour.csv").write_text(labour)
    return folder


def test_a_folder_without_labour_csv_gives_an_empty_table_with_the_columns(
    tmp_path: Path,
) -> None:
    labour = read_folder(run_folder(tmp_path, None)).labour
    assert labour.empty
    assert list(labour.columns) == LABOUR_COLUMNS


def test_labour_csv_is_read_with_names_as_text_and_empty_fields_as_nan(tmp_path: Path) -> None:
    header = ",".join(LABOUR_COLUMNS)
    values = ["base", "0", "NA", "gig", "3", "1.5", *["2.0"] * 6, "", *["0.25"] * 6]
    labour = read_folder(run_folder(tmp_path, f"{header}\n{','.join(values)}\n")).labour
    assert list(labour.columns) == LABOUR_COLUMNS
    row = labour.iloc[0]
    assert row["pool"] == "NA"  # a pool's name, not a missing value
    assert row["people"] == 3
    assert math.isnan(row["earnings_week_cv_median"])
    assert row["training_per_person_week"] == 0.25


def test_a_labour_csv_without_its_key_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match=r"labour\.csv: not a klarsim table \(no column pool"):
        read_folder(run_folder(tmp_path, "scenario,replication\nbase,0\n"))
