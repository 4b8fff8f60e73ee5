"""Read a contact centre's interval export: map its headers, check every row, fill the grid.

Every problem is an ``ExportError`` naming the file, the row (the line in the file) or the
column, and what was expected, so the command line can exit 2 without a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRED = ("interval_start", "offered", "answered", "abandoned", "aht_s")
OPTIONAL = ("asa_s", "agents")
CANONICAL = REQUIRED + OPTIONAL
COUNTS = ("offered", "answered", "abandoned")
MAX_BYTES = 200 * 1024 * 1024
"""An export larger than this is refused before it is read (a year of 15-minute rows for
a hundred queues is about 3.5 million rows, some 250 MB: split such an export by queue)."""
MAX_ROWS = 1_000_000
"""Most rows read, and most intervals once the gaps are filled."""
MINUTES_PER_HOUR = 60
QUEUE = "queue"
ALL_QUEUES = "general"
"""The queue name when the export has no queue column."""


class ExportError(ValueError):
    """Bad input in an export: the file, where in it, and what was expected."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        super().__init__(f"{source}: {where}: {message}" if where else f"{source}: {message}")


@dataclass(frozen=True)
class Export:
    """An export on a complete grid of intervals: one row per queue and interval."""

    source: str
    table: pd.DataFrame
    """``interval_start``, ``queue``, the counts, ``aht_s``, and ``asa_s``/``agents`` if given."""
    interval_min: int
    queues: tuple[str, ...]
    filled: int
    """Intervals missing between the first and last row, filled with zero contacts."""

    @property
    def has_agents(self) -> bool:
        """Whether staffed agents are known."""
        return "agents" in self.table.columns

    @property
    def has_asa(self) -> bool:
        """Whether the mean wait of answered contacts is known."""
        return "asa_s" in self.table.columns


def parse_columns(items: Sequence[str]) -> dict[str, str]:
    """``CANONICAL=HEADER`` pairs as given to ``--column``, checked against the canonical names."""
    mapping: dict[str, str] = {}
    for item in items:
        canonical, sign, header = item.partition("=")
        if not sign or not header or canonical not in CANONICAL:
            raise ExportError(
                "--column",
                item,
                f"expected CANONICAL=HEADER with CANONICAL one of {', '.join(CANONICAL)}",
            )
        mapping[canonical] = header
    return mapping


def read_export(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    queue_column: str | None = None,
    interval_min: int | None = None,
) -> Export:
    """Read and check an export; raise ``ExportError`` at the first problem."""
    source = str(path)
    raw = _read_raw(Path(path), source)
    headers = _headers(raw, source, dict(columns or {}), queue_column)
    table = _typed(raw, source, headers)
    step = _interval(table, source, interval_min)
    grid, filled = _on_grid(table, source, step)
    queues = tuple(sorted(grid[QUEUE].unique()))
    return Export(source, grid, step, queues, filled)


def _read_raw(path: Path, source: str) -> pd.DataFrame:
    if not path.is_file():
        raise ExportError(source, "", "file not found (expected a CSV file)")
    size = path.stat().st_size
    if size == 0:
        raise ExportError(source, "", "the file is empty; expected a header row and data rows")
    if size > MAX_BYTES:
        raise ExportError(source, "", f"{size} bytes; expected at most {MAX_BYTES} (split it)")
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            nrows=MAX_ROWS + 1,
            skipinitialspace=True,
            encoding="utf-8-sig",  # spreadsheets often start a UTF-8 file with a BOM
        )
    except pd.errors.EmptyDataError:
        raise ExportError(source, "", "no header row; expected a CSV with a header") from None
    except UnicodeDecodeError:
        raise ExportError(source, "", "not UTF-8 text; expected a UTF-8 CSV file") from None
    except (pd.errors.ParserError, ValueError) as error:
        reason = " ".join(str(error).split())[:200]
        raise ExportError(source, "", f"not a readable CSV: {reason}") from None
    if raw.empty:
        raise ExportError(source, "", "a header but no data rows")
    if len(raw) > MAX_ROWS:
        raise ExportError(source, "", f"more than {MAX_ROWS} rows; split the export")
    raw.columns = [str(column).strip() for column in raw.columns]
    return raw


def _headers(
    raw: pd.DataFrame, source: str, columns: dict[str, str], queue_column: str | None
) -> dict[str, str]:
    """Canonical name to header for every column found; a missing required one is an error."""
    found: dict[str, str] = {}
    available = ", ".join(map(str, raw.columns))
    for name in CANONICAL:
        header = columns.get(name, name)
        if header in raw.columns:
            found[name] = header
        elif name in REQUIRED or name in columns:
            hint = f" (mapped with --column {name}={header})" if name in columns else ""
            raise ExportError(
                source,
                f"column {header!r}",
                f"not found{hint}; expected the {name} column among: {available}",
            )
    if queue_column is not None:
        if queue_column not in raw.columns:
            raise ExportError(
                source, f"column {queue_column!r}", f"--queue-column not found among: {available}"
            )
        found[QUEUE] = queue_column
    return found


def _typed(raw: pd.DataFrame, source: str, headers: dict[str, str]) -> pd.DataFrame:
    """The columns under their canonical names, parsed and checked row by row."""
    table = pd.DataFrame(index=raw.index)
    table["line"] = raw.index + 2  # the header is line 1
    table["interval_start"] = _dates(raw[headers["interval_start"]], source, headers)
    for name in (*COUNTS, "aht_s", "asa_s", "agents"):
        if name in headers:
            table[name] = _numbers(raw[headers[name]], source, headers[name], table["line"])
    for name in COUNTS:
        _whole_non_negative(table, name, source, headers[name])
    _consistent(table, source, headers)
    for name in ("aht_s", "asa_s"):
        if name in headers:
            _times(table, name, source, headers[name])
    if "agents" in headers:
        _non_negative(table, "agents", source, headers["agents"])
    table[QUEUE] = raw[headers[QUEUE]].astype(str).str.strip() if QUEUE in headers else ALL_QUEUES
    return table


def _dates(values: pd.Series, source: str, headers: dict[str, str]) -> pd.Series:
    text = values.astype(str).str.strip()
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        parsed = pd.Series(pd.NaT, index=values.index)
    bad = parsed.isna()
    if bad.any():
        row = _position(bad)
        raise ExportError(
            source,
            f"row {row + 2}, column {headers['interval_start']!r}",
            f"expected a date-time such as 2026-01-05 08:30, got {text[row]!r}",
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)  # keep the centre's wall-clock time
    return parsed


def _numbers(values: pd.Series, source: str, header: str, lines: pd.Series) -> pd.Series:
    """Numbers; a blank cell is NaN (allowed only where nothing was answered, checked later)."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text.where(text != "", "nan"), errors="coerce")
    bad = numbers.isna() & (text != "") & (text.str.lower() != "nan")
    bad |= np.isinf(numbers.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        row = _position(bad)
        raise ExportError(
            source,
            f"row {int(lines[row])}, column {header!r}",
            f"expected a number, got {values[row]!r}",
        )
    return numbers.astype(float)


def _first(table: pd.DataFrame, bad: pd.Series) -> int:
    """The file line of the first bad row."""
    return int(table["line"].iloc[_position(bad)])


def _position(bad: pd.Series) -> int:
    """The position of the first True."""
    return int(np.argmax(bad.to_numpy(dtype=bool)))


def _whole_non_negative(table: pd.DataFrame, name: str, source: str, header: str) -> None:
    values = table[name]
    bad = values.isna() | (values < 0) | ((values - values.round()).abs() > 1e-9)
    if bad.any():
        row = _first(table, bad)
        shown = table[name].iloc[_position(bad)]
        raise ExportError(
            source,
            f"row {row}, column {header!r}",
            f"expected a whole number of contacts, 0 or more, got {shown!r}",
        )
    table[name] = values.round().astype(np.int64)


def _consistent(table: pd.DataFrame, source: str, headers: dict[str, str]) -> None:
    bad = table["answered"] + table["abandoned"] > table["offered"]
    if bad.any():
        row = _first(table, bad)
        taken = table.iloc[_position(bad)]
        raise ExportError(
            source,
            f"row {row}, columns {headers['answered']!r} + {headers['abandoned']!r}",
            f"expected answered + abandoned at most offered ({int(taken['offered'])}), "
            f"got {int(taken['answered'])} + {int(taken['abandoned'])}",
        )


def _times(table: pd.DataFrame, name: str, source: str, header: str) -> None:
    """A mean time: 0 or more, and given wherever contacts were answered."""
    values = table[name]
    bad = (values < 0) | (values.isna() & (table["answered"] > 0))
    if bad.any():
        row = _first(table, bad)
        raise ExportError(
            source,
            f"row {row}, column {header!r}",
            f"expected seconds, 0 or more, where contacts were answered, "
            f"got {table[name].iloc[_position(bad)]!r}",
        )


def _non_negative(table: pd.DataFrame, name: str, source: str, header: str) -> None:
    values = table[name]
    bad = values.isna() | (values < 0)
    if bad.any():
        raise ExportError(
            source,
            f"row {_first(table, bad)}, column {header!r}",
            f"expected staffed agents, 0 or more, got {table[name].iloc[_position(bad)]!r}",
        )


def _interval(table: pd.DataFrame, source: str, given: int | None) -> int:
    """The interval length in minutes: ``given``, else the most common step between rows."""
    steps = []
    for _, rows in table.groupby(QUEUE, sort=False):
        starts = rows["interval_start"].sort_values(kind="stable")
        duplicated = starts.duplicated()
        if duplicated.any():
            line = int(rows["line"].loc[duplicated[duplicated].index].iloc[0])
            raise ExportError(source, f"row {line}", "a second row for the same interval start")
        steps.append(starts.diff().dropna().dt.total_seconds() / 60)
    observed = pd.concat(steps) if steps else pd.Series(dtype=float)
    # the most common step: a stray row off the grid must not shrink the interval
    common = observed.mode().min() if len(observed) else math.nan
    step = float(given) if given is not None else common
    if not math.isfinite(step) or step < 1 or MINUTES_PER_HOUR % step != 0:
        where = "--interval-min" if given is not None else "column 'interval_start'"
        shown = f"{step:g} minutes" if math.isfinite(step) else "a single row"
        raise ExportError(
            source,
            where,
            f"expected intervals that divide an hour (15, 30 or 60 minutes), got {shown}"
            + ("" if given is not None else " (rows far apart? give --interval-min)"),
        )
    return int(step)


def _on_grid(table: pd.DataFrame, source: str, step: int) -> tuple[pd.DataFrame, int]:
    """Every queue on the same grid from the first to the last start; gaps filled with zeros."""
    starts = table["interval_start"]
    minutes = starts.dt.hour * MINUTES_PER_HOUR + starts.dt.minute + starts.dt.second / 60
    off_grid = (minutes % step) != 0
    if off_grid.any():
        row = _first(table, off_grid)
        raise ExportError(
            source,
            f"row {row}, column 'interval_start'",
            f"irregular intervals: expected starts on {step}-minute boundaries, "
            f"got {starts.iloc[_position(off_grid)]}",
        )
    grid = pd.date_range(starts.min(), starts.max(), freq=f"{step}min")
    queues = sorted(table[QUEUE].unique())
    if len(grid) * len(queues) > MAX_ROWS:
        raise ExportError(
            source, "", f"the export spans more than {MAX_ROWS} intervals; split it by date"
        )
    index = pd.MultiIndex.from_product([queues, grid], names=[QUEUE, "interval_start"])
    values = [name for name in (*COUNTS, "aht_s", "asa_s", "agents") if name in table.columns]
    full = table.set_index([QUEUE, "interval_start"])[values].reindex(index)
    filled = int(full["offered"].isna().sum())
    for name in COUNTS:
        full[name] = full[name].fillna(0).astype(np.int64)
    if "agents" in full.columns:
        full["agents"] = full["agents"].fillna(0.0)
    return full.reset_index(), filled


__all__ = ["CANONICAL", "Export", "ExportError", "parse_columns", "read_export"]
