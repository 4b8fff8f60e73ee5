"""One file per finished replication under ``OUT/runs/``, so a killed job loses no finished run.

A run file is a pickle (protocol 5) of a plain dict ``{"format", "task", "result"}``: ``task``
identifies what was simulated (scenario name and SHA-256 of its resolved YAML, seed,
replication, sweep point, contact log or not) and ``result`` holds every field of the
``ReplicationResult`` by name, as listed by ``dataclasses.fields``. Why this format:

- exact: floats are stored as their 8 IEEE-754 bytes, so NaN (sign and payload), inf and -0.0
  come back bit for bit, and int, bool, str and None keep their types (JSON drops the sign of
  NaN and is several times slower on per-contact logs of millions of values);
- safe to load: only builtin containers and scalars are written, and the loader refuses every
  other global reference, so a tampered file cannot run code as a plain ``pickle.load`` could;
- durable across code changes: a plain dict, not the dataclass, so files do not depend on the
  class's module, and fields added later are written and read without changes here.

Run files are checkpoints for ``--resume``; the readable output is the CSV and Parquet tables.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import pickle
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

import numpy as np

from klarsim.config import Scenario, scenario_yaml
from klarsim.results import files
from klarsim.results.atomic import write_bytes
from klarsim.sim.records import ReplicationResult

FORMAT = "klarsim-run/1"
RUNS_FOLDER = files.RUNS
SUFFIX = files.RUN_SUFFIX
PLAIN_SCALARS: dict[str, type] = {"bool": bool, "float": float, "int": int, "str": str}
"""The only globals a run file may name: builtin scalar types (numpy scalars are saved as these)."""

logger = logging.getLogger(__name__)


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
    """``runs/NAME/rep-0004.pkl``, or ``runs/NAME/point-0003/rep-0004.pkl`` in a sweep."""
    folder = PurePosixPath(RUNS_FOLDER, task.scenario.name)
    if task.point is not None:
        folder /= f"point-{task.point:04d}"
    return folder / f"rep-{task.replication:04d}{SUFFIX}"


def dumps(task: dict[str, Any], result: ReplicationResult) -> bytes:
    """A run file's bytes: the task's identity and every field of ``result``."""
    fields = {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}
    buffer = io.BytesIO()
    _PlainPickler(buffer, protocol=5).dump({"format": FORMAT, "task": task, "result": fields})
    return buffer.getvalue()


def loads(data: bytes) -> tuple[dict[str, Any], ReplicationResult]:
    """The task identity and result stored by ``dumps``; raises on anything else."""
    content = _PlainUnpickler(io.BytesIO(data)).load()
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    fields = content["result"]
    unknown = set(fields) - {field.name for field in dataclasses.fields(ReplicationResult)}
    if unknown:
        raise ValueError(f"unknown result fields: {', '.join(sorted(unknown))}")
    return content["task"], ReplicationResult(**fields)


class _PlainPickler(pickle.Pickler):
    """Writes builtin values only; numpy scalars become the builtin of the same exact value."""

    def reducer_override(self, obj: Any) -> Any:
        # Called only for objects that are not exact builtin scalars or containers.
        if isinstance(obj, type) and obj in PLAIN_SCALARS.values():
            return NotImplemented  # the type itself, pickled by name for a numpy scalar
        if isinstance(obj, np.generic):
            value = obj.item()
            if type(value) in PLAIN_SCALARS.values():
                return type(value), (value,)
        raise pickle.PicklingError(f"run files hold plain values only, got {type(obj).__name__}")


class _PlainUnpickler(pickle.Unpickler):
    """Refuses every global but the builtin scalar types, so loading cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in PLAIN_SCALARS:
            return PLAIN_SCALARS[name]
        raise pickle.UnpicklingError(f"run files hold plain values only, found {module}.{name}")


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
        """Write the task's run file atomically."""
        path = self.path(task)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, dumps(self.identity(task), result))

    def load(self, task: Task) -> ReplicationResult | None:
        """The task's stored result, or None if it has none or it cannot be used (logged)."""
        path = self.path(task)
        if not path.is_file():
            return None
        try:
            identity, result = loads(path.read_bytes())
        except Exception as error:  # any unusable file is run again, never fatal
            logger.warning("%s: cannot be loaded (%r); running it again", path, error)
            return None
        if identity != self.identity(task):
            logger.warning("%s: holds another task; running it again", path)
            return None
        return result

    def _digest(self, scenario: Scenario) -> str:
        # Keyed by object: a sweep's tasks share a few scenarios; the scenario is kept alive.
        cached = self._digests.get(id(scenario))
        if cached is None:
            cached = self._digests[id(scenario)] = (scenario, scenario_digest(scenario))
        return cached[1]
