"""The results folder: created up front with a manifest, filled run by run, resumable.

A job first claims the folder (``klarsim.results.lock``): creates it, or reopens it with
``force`` or ``resume``, and holds its lock until the job ends, so no second job writes it
meanwhile. ``manifest.json`` is written next and describes the job; each finished
replication is then saved under ``runs/`` as it comes back (see ``checkpoints``), and the
tables are written at the end. Every file is written atomically, so a job killed half-way
keeps its finished runs and no half-written file: ``resume`` completes it. An existing
folder is replaced only with ``force``, only if it is a klarsim results folder, and never
silently.
"""

from __future__ import annotations

import json
import logging
import platform
import shlex
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from klarsim import compiled
from klarsim.config import Scenario, scenario_yaml
from klarsim.metrics.plain import Table
from klarsim.results import files
from klarsim.results.atomic import remove_leftovers, write_atomically, write_json, write_text
from klarsim.results.checkpoints import RunStore, scenario_digest
from klarsim.results.errors import OutputError
from klarsim.results.lock import Claim, claim_folder
from klarsim.results.plain_csv import write_csv

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = files.MANIFEST

logger = logging.getLogger(__name__)


def describe_job(
    kind: str, *, scenarios: Sequence[Scenario], seed: int, replications: int, **options: Any
) -> dict[str, Any]:
    """What a folder's results depend on; ``resume`` refuses a folder of any other job."""
    identities = [{"name": s.name, "sha256": scenario_digest(s)} for s in scenarios]
    described = {
        "kind": kind,
        "scenarios": identities,
        "seed": seed,
        "replications": replications,
        **options,
    }
    # As it reads back from the manifest, so that the comparison on resume is exact.
    normalised: dict[str, Any] = json.loads(json.dumps(described, default=str))
    return normalised


class OutputFolder:
    """An open results folder: its runs, and the manifest that says what it holds."""

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = path
        self.runs = RunStore(path)
        self.manifest = manifest

    def update(self, **fields: Any) -> None:
        """Change manifest fields and rewrite it atomically."""
        self.manifest |= fields
        write_json(self.path / MANIFEST, self.manifest)

    def complete(self, **fields: Any) -> None:
        """Mark the job complete, after its tables are written."""
        self.update(**fields, status="complete", finished=now_iso())


@contextmanager
def output_folder(
    out: Path,
    *,
    job: dict[str, Any],
    details: dict[str, Any],
    force: bool = False,
    resume: bool = False,
) -> Iterator[OutputFolder]:
    """Open ``out`` for ``job`` and hold its lock until the job ends; on an error its manifest
    says failed or interrupted, and the finished runs stay.

    Nothing is touched when the folder exists without ``force`` or ``resume``, when another
    job holds it, when ``force`` meets a folder that is not a klarsim results folder, or when
    ``resume`` finds a folder of another job. ``details`` are further manifest fields.
    """
    if force and resume:
        raise OutputError("--force and --resume exclude each other: replace, or complete")
    claim = claim_folder(out, force=force, resume=resume)
    try:
        folder = _start(claim, job, details)
    except OSError as error:
        claim.release(undo=True)
        raise OutputError(f"{out}: cannot be written: {error.strerror or error}") from None
    except BaseException:
        claim.release(undo=True)
        raise
    try:
        yield folder
    except Exception as error:
        folder.update(status="failed", error=repr(error), finished=now_iso())
        raise
    except BaseException:
        folder.update(status="interrupted", finished=now_iso())
        raise
    finally:
        claim.release()


def _start(claim: Claim, job: dict[str, Any], details: dict[str, Any]) -> OutputFolder:
    """The job's first manifest, after checking that a reused folder holds this same job."""
    previous: dict[str, Any] = {}
    if claim.reused:
        previous = _previous_job(claim.out)
        _check_same_job(claim.out, previous.get("job"), job)
        for leftover in remove_leftovers(claim.out):
            logger.info("%s: removed a temporary file left by an interrupted job", leftover)
    now = now_iso()
    history: dict[str, Any] = {"started": previous.get("started", now)}
    if previous:
        history["resumed"] = [*previous.get("resumed", []), now]
    command = shlex.join(sys.argv)
    folder = OutputFolder(
        claim.out,
        manifest(
            kind=job["kind"], status="running", job=job, **details, command=command, **history
        ),
    )
    folder.update()
    return folder


def _previous_job(out: Path) -> dict[str, Any]:
    try:
        previous = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        message = f"{out}: not a klarsim results folder to resume ({MANIFEST}: {error})"
        raise OutputError(message + "; pass --force to replace it") from None
    if not isinstance(previous, dict):
        raise OutputError(f"{out}: {MANIFEST} is not a klarsim manifest; pass --force")
    return previous


def _check_same_job(out: Path, previous: object, job: dict[str, Any]) -> None:
    differences = _differences(previous, job, "job")
    if differences:
        raise OutputError(
            f"{out}: holds another job, cannot resume it ({'; '.join(differences[:5])}); "
            "pass --force to replace it or --out elsewhere"
        )


def _differences(old: object, new: object, where: str) -> list[str]:
    """Where two JSON values differ, as ``path: old there, new here`` lines."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(set(old) | set(new), key=str)
        return [
            difference
            for key in keys
            for difference in _differences(old.get(key), new.get(key), f"{where}.{key}")
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            difference
            for index, (first, second) in enumerate(zip(old, new, strict=True))
            for difference in _differences(first, second, f"{where}[{index}]")
        ]
    return [] if old == new else [f"{where}: {_short(old)} there, {_short(new)} here"]


def _short(value: object, limit: int = 60) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def write_scenario(folder: Path, scenario: Scenario) -> None:
    """The resolved scenario of a run or sweep as ``scenario.yaml``, atomically."""
    write_text(folder / files.SCENARIO, scenario_yaml(scenario))


def write_scenarios(folder: Path, scenarios: Sequence[Scenario]) -> None:
    """Each resolved scenario of a comparison as ``scenarios/NAME.yaml``, atomically."""
    (folder / files.SCENARIOS).mkdir(exist_ok=True)
    for scenario in scenarios:
        write_text(folder / files.scenario_file(scenario.name), scenario_yaml(scenario))


def write_table(path: Path, table: pd.DataFrame | Table) -> None:
    """Write ``table`` atomically, as Parquet or CSV by the file's suffix.

    A plain ``Table`` is written to CSV without pandas, in the same bytes.
    """
    if isinstance(table, Table):
        plain = table
        if path.suffix != ".parquet":
            write_atomically(path, lambda temporary: write_csv(temporary, plain))
            return
    frame = table.to_pandas() if isinstance(table, Table) else table
    if path.suffix == ".parquet":
        write_atomically(path, lambda temporary: frame.to_parquet(temporary, index=False))
    else:
        write_atomically(path, lambda temporary: frame.to_csv(temporary, index=False))


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(**fields: Any) -> dict[str, Any]:
    """The job's provenance: klarsim and library versions, platform, plus the given fields."""
    versions = {name: _version(name) for name in ("klarsim", "simpy", "numpy", "pandas", "scipy")}
    return {
        "klarsim_version": versions.pop("klarsim"),
        **fields,
        "python": sys.version.split()[0],
        "engine": compiled.status(),
        "platform": platform.platform(),
        "libraries": versions,
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


__all__ = [
    "MANIFEST",
    "OutputError",
    "OutputFolder",
    "describe_job",
    "manifest",
    "now_iso",
    "output_folder",
    "write_scenario",
    "write_scenarios",
    "write_table",
]
