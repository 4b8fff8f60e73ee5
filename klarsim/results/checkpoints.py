"""One file per finished replication under ``OUT/runs/``, so a killed job loses no finished run.

A run file (``runs/NAME/rep-0004.zip``) is a ZIP archive, stored uncompressed, of data only:

- ``run.json``: the format (``klarsim-run/2``), the task it holds (scenario name and SHA-256
  of its resolved YAML, seed, replication, sweep point, contact log or not), the result's
  scalar fields (scenario, replication, seed, events) and, for each table, its file, row
  count, column names and SHA-256;
- ``summary.arrow`` (one row), ``timeseries.arrow`` and, when recorded, ``contacts.arrow``,
  ``event_log.arrow`` and ``labour.arrow``: Arrow IPC files whose columns keep every value
  exactly, NaN payloads, infinities, -0.0 and the int, bool, str and None types included
  (``klarsim.results.encoding``).

Loading parses JSON and Arrow and never runs code. Every file is checked when loaded: the
archive and its checksums, the format, the schema and row counts, the task it holds, and
that the result is whole (the summary's keys, one timeseries row per interval after the
warm-up, the columns of the contact log, event log and labour table). A file that fails any
check is run again, with a ``CheckpointWarning`` naming it; a checkpoint of the older pickle
format is never opened, only named, run again and replaced. A file written before the
labour table (no ``labour`` entry) loads with none.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

import pyarrow as pa

from klarsim.config import Scenario, scenario_yaml
from klarsim.config.horizon import ScenarioWarning
from klarsim.metrics.columns import KEY_COLUMNS
from klarsim.results import files
from klarsim.results.atomic import write_atomically
from klarsim.results.encoding import columns, table
from klarsim.sim.contact_log import COLUMNS as CONTACT_COLUMNS
from klarsim.sim.event_log import EVENT_LOG_COLUMNS
from klarsim.sim.kpis import kpi_names
from klarsim.sim.labour_columns import LABOUR_COLUMNS
from klarsim.sim.records import Columns, ReplicationResult
from klarsim.units import MINUTES_PER_DAY

FORMAT = "klarsim-run/2"
RUNS_FOLDER = files.RUNS
SUFFIX = files.RUN_SUFFIX
LEGACY_SUFFIX = files.LEGACY_RUN_SUFFIX
METADATA = "run.json"
TABLES = ("summary", "timeseries", "contacts", "event_log", "labour")
"""The result's tables, each an ``NAME.arrow`` member (all but the first two: optional)."""
EARLIER_TABLES = TABLES[:-1]
"""The tables of a run file written before the labour table: it loads with ``labour`` None."""
SCALARS = {"scenario": str, "replication": int, "seed": int, "events": int}
"""The result's other fields, kept in ``run.json``."""
METADATA_LIMIT = 1 << 20
"""``run.json`` is a few kilobytes; a bigger one is not a run file."""
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp, so that the same result always gives the same bytes."""


class CheckpointWarning(ScenarioWarning):
    """A run file that cannot be used and is run again (shown as ``warning:`` by the CLI)."""


class CheckpointError(ValueError):
    """A run file that is damaged, incomplete or of another task."""


class Task(Protocol):
    """What names a replication's run file; ``klarsim.experiments.tasks.Task`` has it all.

    A protocol, so that results never import the experiments that run the tasks.
    """

    @property
    def scenario(self) -> Scenario: ...
    @property
    def replication(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def point(self) -> int | None: ...
    @property
    def record_contacts(self) -> bool: ...


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario's YAML: the identity of what a run simulates."""
    return hashlib.sha256(scenario_yaml(scenario).encode("utf-8")).hexdigest()


def relative_path(task: Task) -> PurePosixPath:
    """``runs/NAME/rep-0004.zip``, or ``runs/NAME/point-0003/rep-0004.zip`` in a sweep."""
    folder = PurePosixPath(RUNS_FOLDER, task.scenario.name)
    if task.point is not None:
        folder /= f"point-{task.point:04d}"
    return folder / f"rep-{task.replication:04d}{SUFFIX}"


# --- The file format ----------------------------------------------------------------------------


def dumps(task: dict[str, Any], result: ReplicationResult) -> bytes:
    """A run file's bytes: the task's identity and every field of ``result``."""
    buffer = io.BytesIO()
    dump(buffer, task, result)
    return buffer.getvalue()


def dump(target: Path | IO[bytes], task: dict[str, Any], result: ReplicationResult) -> None:
    """Write the run file of ``task`` and ``result`` to a path or binary file."""
    unknown = {field.name for field in dataclasses.fields(result)} - {*SCALARS, *TABLES}
    if unknown:
        raise TypeError(f"run files do not know the fields {', '.join(sorted(unknown))}")
    payloads = {
        name: _arrow_file(data) for name, data in _tables(result).items() if data is not None
    }
    metadata = {
        "format": FORMAT,
        "task": task,
        "result": {name: kind(getattr(result, name)) for name, kind in SCALARS.items()},
        "tables": {name: _describe(name, payloads.get(name)) for name in TABLES},
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        _add(archive, METADATA, json.dumps(metadata, indent=1).encode("utf-8"))
        for name, (payload, _) in payloads.items():
            _add(archive, f"{name}.arrow", payload)


def loads(data: bytes) -> tuple[dict[str, Any], ReplicationResult]:
    """The task identity and result of a run file's bytes; CheckpointError if unusable."""
    return load(io.BytesIO(data))


def load(source: Path | IO[bytes]) -> tuple[dict[str, Any], ReplicationResult]:
    """The task identity and result stored by ``dump``; raises on any damage or other content."""
    try:
        with zipfile.ZipFile(source) as archive:
            return _read(archive)
    except CheckpointError:
        raise
    except Exception as error:  # whatever the damage, the file is unusable: run it again
        raise CheckpointError(f"{type(error).__name__}: {error}") from None


def _tables(result: ReplicationResult) -> dict[str, pa.Table | None]:
    summary = table({name: [value] for name, value in result.summary.items()})
    optional = {name: getattr(result, name) for name in TABLES[2:]}
    return {
        "summary": summary,
        "timeseries": table(result.timeseries),
        **{name: None if data is None else table(data) for name, data in optional.items()},
    }


def _arrow_file(data: pa.Table) -> tuple[pa.Buffer, pa.Table]:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)
    return sink.getvalue(), data


def _describe(name: str, payload: tuple[pa.Buffer, pa.Table] | None) -> dict[str, Any] | None:
    if payload is None:
        return None
    buffer, data = payload
    return {
        "file": f"{name}.arrow",
        "rows": data.num_rows,
        "columns": data.column_names,
        "sha256": hashlib.sha256(memoryview(buffer)).hexdigest(),
    }


def _add(archive: zipfile.ZipFile, name: str, data: bytes | pa.Buffer) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(memoryview(data))


def _read(archive: zipfile.ZipFile) -> tuple[dict[str, Any], ReplicationResult]:
    metadata = _metadata(archive)
    described = metadata["tables"]
    expected = {METADATA} | {entry["file"] for entry in described.values() if entry is not None}
    if set(archive.namelist()) != expected or len(archive.namelist()) != len(expected):
        raise CheckpointError(f"holds {sorted(archive.namelist())}, expected {sorted(expected)}")
    tables = {
        name: None if entry is None else _table(archive, name, entry)
        for name, entry in described.items()
    }
    summary, timeseries = tables["summary"], tables["timeseries"]
    if summary is None or timeseries is None:
        raise CheckpointError("the summary or the timeseries is missing")
    if len(next(iter(summary.values()), [None])) != 1:
        raise CheckpointError("the summary is not one row")
    scalars = metadata["result"]
    result = ReplicationResult(
        **{name: scalars[name] for name in SCALARS},
        summary={name: values[0] for name, values in summary.items()},
        timeseries=timeseries,
        contacts=tables["contacts"],
        event_log=tables["event_log"],
        labour=tables.get("labour"),
    )
    return metadata["task"], result


def _metadata(archive: zipfile.ZipFile) -> dict[str, Any]:
    """``run.json``, checked for the format and the shape of every entry."""
    info = archive.getinfo(METADATA)
    if info.file_size > METADATA_LIMIT:
        raise CheckpointError(f"{METADATA} of {info.file_size} bytes")
    metadata = json.loads(archive.read(info))
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise CheckpointError(f"not a {FORMAT} file")
    scalars, described = metadata.get("result"), metadata.get("tables")
    if not isinstance(metadata.get("task"), dict) or not isinstance(scalars, dict):
        raise CheckpointError(f"{METADATA}: no task or result")
    for name, kind in SCALARS.items():
        value = scalars.get(name)
        if type(value) is not kind:
            raise CheckpointError(f"{METADATA}: result.{name} is {value!r}, not {kind.__name__}")
    if not isinstance(described, dict) or tuple(described) not in (TABLES, EARLIER_TABLES):
        raise CheckpointError(f"{METADATA}: tables are not {', '.join(TABLES)}")
    for name, entry in described.items():
        if entry is not None and not _entry_is_valid(name, entry):
            raise CheckpointError(f"{METADATA}: the entry of {name} is malformed")
    return metadata


def _entry_is_valid(name: str, entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    names = entry.get("columns")
    return (
        entry.get("file") == f"{name}.arrow"
        and type(entry.get("rows")) is int
        and isinstance(names, list)
        and all(isinstance(column, str) for column in names)
        and isinstance(entry.get("sha256"), str)
    )


def _table(archive: zipfile.ZipFile, name: str, entry: dict[str, Any]) -> Columns:
    """One table, checked against its checksum, its column names and its row count."""
    info = archive.getinfo(entry["file"])
    if info.compress_type != zipfile.ZIP_STORED:
        raise CheckpointError(f"{entry['file']} is compressed; run files are stored")
    payload = archive.read(info)
    if hashlib.sha256(payload).hexdigest() != entry["sha256"]:
        raise CheckpointError(f"{entry['file']}: checksum mismatch")
    data = pa.ipc.open_file(pa.py_buffer(payload)).read_all()
    if data.column_names != entry["columns"] or data.num_rows != entry["rows"]:
        raise CheckpointError(
            f"{entry['file']}: {data.num_rows} rows of {data.column_names}, but {METADATA} "
            f"says {entry['rows']} of {entry['columns']}"
        )
    return columns(data)


# --- Is it the task's whole result? -------------------------------------------------------------


def problems(task: Task, result: ReplicationResult) -> list[str]:
    """What makes ``result`` not the whole result of ``task`` (empty when it is)."""
    found = []
    if (result.scenario, result.replication, result.seed) != (
        task.scenario.name,
        task.replication,
        task.seed,
    ):
        found.append("its result is of another replication")
    found += _summary_problems(task, result.summary)
    found += _timeseries_problems(task.scenario, result.timeseries)
    contacts = result.contacts
    if task.record_contacts and (contacts is None or list(contacts) != list(CONTACT_COLUMNS)):
        found.append("the contact log is missing or has other columns")
    if not task.record_contacts and contacts is not None:
        found.append("it has a contact log the task did not ask for")
    if result.event_log is not None and list(result.event_log) != list(EVENT_LOG_COLUMNS):
        found.append("the event log has other columns")
    if result.labour is not None and tuple(result.labour) != LABOUR_COLUMNS:
        found.append("the labour table has other columns")
    return found


def _summary_problems(task: Task, summary: dict[str, Any]) -> list[str]:
    missing = [key for key in (*KEY_COLUMNS, *summary_kpis()) if key not in summary]
    if missing:
        return [f"the summary lacks {len(missing)} key(s) ({', '.join(missing[:3])}, ...)"]
    keys = (summary["scenario"], summary["replication"], summary["seed"])
    if keys != (task.scenario.name, task.replication, task.seed):
        return ["the summary is of another replication"]
    return []


def _timeseries_problems(scenario: Scenario, timeseries: Columns) -> list[str]:
    first, last = interval_range(scenario)
    intervals = timeseries.get("interval")
    if intervals != list(range(first, last)):
        count = len(intervals) if intervals is not None else 0
        return [f"the timeseries has {count} interval(s), not the horizon's {last - first}"]
    if "time_days" not in timeseries:
        return ["the timeseries lacks time_days"]
    return []


@functools.cache
def summary_kpis() -> tuple[str, ...]:
    """The KPI keys every summary row has."""
    return kpi_names()


def interval_range(scenario: Scenario) -> tuple[int, int]:
    """The first and past-the-last interval a replication's timeseries lists.

    As ``klarsim.sim.replication.Replication`` sizes its recorder: the horizon's intervals,
    from the first after the warm-up.
    """
    experiment = scenario.experiment
    horizon_min = experiment.horizon_days * MINUTES_PER_DAY
    warmup_min = experiment.warmup_days * MINUTES_PER_DAY
    last = round(horizon_min / experiment.interval_min)
    return round(warmup_min / experiment.interval_min), last


# --- The runs folder ----------------------------------------------------------------------------


class RunStore:
    """The ``runs/`` folder of a results folder: save each finished task, load it on resume."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._digests: dict[int, tuple[Scenario, str]] = {}

    def path(self, task: Task) -> Path:
        """Where the task's run file goes."""
        return self.folder / relative_path(task)

    def identity(self, task: Task) -> dict[str, Any]:
        """What the run file of ``task`` must say it holds to be reused."""
        return {
            "scenario": task.scenario.name,
            "scenario_sha256": self._digest(task.scenario),
            "seed": task.seed,
            "replication": task.replication,
            "point": task.point,
            "record_contacts": task.record_contacts,
        }

    def save(self, task: Task, result: ReplicationResult) -> None:
        """Write the task's run file atomically (replacing one of the older format, if any)."""
        path = self.path(task)
        path.parent.mkdir(parents=True, exist_ok=True)
        identity = self.identity(task)
        write_atomically(path, lambda temporary: dump(temporary, identity, result))
        path.with_suffix(LEGACY_SUFFIX).unlink(missing_ok=True)

    def load(self, task: Task) -> ReplicationResult | None:
        """The task's stored result, or None if it has none or it cannot be used (warned)."""
        path = self.path(task)
        if not path.is_file():
            legacy = path.with_suffix(LEGACY_SUFFIX)
            if legacy.is_file():
                _warn(legacy, "a checkpoint of an older klarsim (pickle), not opened")
            return None
        try:
            identity, result = load(path)
        except CheckpointError as error:
            _warn(path, f"cannot be loaded ({error})")
            return None
        if identity != self.identity(task):
            _warn(path, "holds another task")
            return None
        found = problems(task, result)
        if found:
            _warn(path, "; ".join(found))
            return None
        return result

    def _digest(self, scenario: Scenario) -> str:
        # Keyed by object: a sweep's tasks share a few scenarios; the scenario is kept alive.
        cached = self._digests.get(id(scenario))
        if cached is None:
            cached = self._digests[id(scenario)] = (scenario, scenario_digest(scenario))
        return cached[1]


def _warn(path: Path, problem: str) -> None:
    warnings.warn(f"{path}: {problem}; running it again", CheckpointWarning, stacklevel=3)
