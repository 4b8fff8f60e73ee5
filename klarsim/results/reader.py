"""Read a results folder written by ``klarsim run``, ``compare``, ``sweep`` or ``staff``: its
kind and tables (``staff`` writes a weekly staffing plan, ``staff --by month`` a capacity plan).

Only reads; plotting and the report take the ``ResultsFolder`` this returns. The ``runs/``
checkpoints (read only by ``checkpoints`` on ``--resume``) and the ``.klarsim.lock`` file, if
any, are left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from klarsim.metrics.columns import COMPARISON_VALUES, EVENT_COLUMNS, LABOUR_COLUMNS
from klarsim.results import files

Kind = Literal["run", "compare", "sweep", "staff", "capacity"]
PLANNING_KINDS = frozenset({"staff", "capacity"})
"""Folders of ``klarsim staff``: plans, not replications of scenarios (no summary.csv)."""


class FolderError(Exception):
    """The path is not a readable klarsim results folder."""


@dataclass(frozen=True)
class ScenarioText:
    """One resolved scenario: its YAML text and the parsed mapping."""

    name: str
    text: str
    values: dict[str, Any]


@dataclass(frozen=True)
class ResultsFolder:
    """A results folder's kind and tables; tables a kind does not write are ``None``."""

    path: Path
    kind: Kind
    manifest: dict[str, Any]
    scenarios: list[ScenarioText]
    summary: pd.DataFrame
    """One row per replication (for a sweep: per point and replication, from ``files.SWEEP``;
    empty for a staffing or capacity plan)."""
    timeseries: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    sweep_summary: pd.DataFrame | None = None
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS))
    labour: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LABOUR_COLUMNS))
    """Per scenario, replication and pool (a sweep's: per point too): what people work and
    earn (``files.LABOUR``); empty with its columns when the folder has none."""
    staffing: pd.DataFrame | None = None
    shifts: pd.DataFrame | None = None
    iterations: pd.DataFrame | None = None
    capacity: pd.DataFrame | None = None

    @property
    def planning(self) -> bool:
        """A staffing or capacity plan (``klarsim staff``)."""
        return self.kind in PLANNING_KINDS

    @property
    def job(self) -> dict[str, Any]:
        """The manifest's job (its options), empty if absent."""
        job = self.manifest.get("job")
        return job if isinstance(job, dict) else {}

    @property
    def replications(self) -> int:
        """Replications per scenario, sweep point or plan simulation."""
        if self.planning or self.summary.empty:
            return int(self.job.get("replications", 1))
        return int(self.summary.groupby("scenario")["replication"].nunique().max())

    @property
    def baseline(self) -> str | None:
        """The compared scenarios' baseline (compare folders only)."""
        value = self.manifest.get("baseline")
        return str(value) if value is not None else None

    @property
    def scale(self) -> float:
        """The runs' ``experiment.scale``, from total cost at run and at full scale (else 1)."""
        if self.planning:
            return float(self.manifest.get("scale", 1.0))
        columns = {"cost_total", "cost_total_full_scale"}
        if not columns <= set(self.summary.columns):
            return 1.0
        ratio = self.summary["cost_total"] / self.summary["cost_total_full_scale"]
        ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
        return float(ratio.median()) if not ratio.empty else 1.0

    def full_scale_comparison(self) -> pd.DataFrame | None:
        """comparison.csv with money and counts at full scale (as ``KPI_full_scale``) if scaled.

        A KPI is extrapolated when summary.csv has its ``_full_scale`` column; rates are not.
        Newer folders already list the ``_full_scale`` KPIs: their run-scale rows are dropped.
        """
        if self.comparison is None or self.scale == 1.0:
            return self.comparison
        kpis = self.comparison["kpi"].astype(str)
        listed = {kpi for kpi in kpis if kpi.endswith("_full_scale")}
        if listed:
            return self.comparison[~kpis.map(lambda kpi: f"{kpi}_full_scale" in listed)]
        table = self.comparison.copy()
        extensive = table["kpi"].map(lambda kpi: f"{kpi}_full_scale" in self.summary.columns)
        values = [column for column in COMPARISON_VALUES if column in table.columns]
        table.loc[extensive, values] = table.loc[extensive, values] / self.scale
        table.loc[extensive, "kpi"] = table.loc[extensive, "kpi"] + "_full_scale"
        return table

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names in the order the results list them (a plan's: its scenario)."""
        if self.summary.empty:
            return [scenario.name for scenario in self.scenarios]
        return list(dict.fromkeys(str(name) for name in self.summary["scenario"]))


REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    files.SUMMARY: ("scenario", "replication", "seed"),
    files.TIMESERIES: ("scenario", "replication", "interval", "time_days"),
    files.COMPARISON: ("kpi", "scenario", "mean", "ci_low", "ci_high"),
    files.SWEEP: ("point", "scenario", "replication", "seed"),
    files.SWEEP_SUMMARY: ("point",),
    files.LABOUR: ("scenario", "replication", "pool"),
    files.STAFFING: ("pool",),
    files.SHIFTS: ("pool",),
    files.ITERATIONS: ("iteration", "pool"),
    files.CAPACITY: ("month", "pool"),
}
"""The columns every reader of a table relies on: a damaged or hand-made table without them is
refused with its name, not read into a traceback further on."""


def folder_kind(path: Path) -> Kind:
    """Which command wrote ``path``; FolderError if none did."""
    try:
        return _kind(path)
    except OSError as error:  # a name too long for the file system, say
        raise FolderError(f"{path}: cannot be read: {error.strerror or error}") from None


def _kind(path: Path) -> Kind:
    if not path.is_dir():
        raise FolderError(f"{path}: no such folder")
    if (path / files.STAFFING).is_file():
        return "staff"
    if (path / files.CAPACITY).is_file():
        return "capacity"
    if (path / files.SWEEP_SUMMARY).is_file():
        return "sweep"
    if (path / files.COMPARISON).is_file():
        return "compare"
    if (path / files.SUMMARY).is_file():
        return "run"
    raise FolderError(
        f"{path}: not a klarsim results folder (expected {files.SUMMARY}, {files.COMPARISON}, "
        f"{files.SWEEP_SUMMARY}, {files.STAFFING} or {files.CAPACITY} from klarsim run, "
        "compare, sweep or staff)"
    )


def read_folder(path: Path) -> ResultsFolder:
    """Load every table of the folder at ``path``."""
    kind = folder_kind(path)
    try:
        return _read(path, kind)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as error:
        raise FolderError(f"{path}: cannot read the {kind} results: {error}") from error


def _read(path: Path, kind: Kind) -> ResultsFolder:
    manifest = _manifest(path)
    if kind in PLANNING_KINDS:
        return ResultsFolder(
            path=path,
            kind=kind,
            manifest=manifest,
            scenarios=_scenarios(path),
            summary=pd.DataFrame(columns=["scenario", "replication"]),
            staffing=_optional_table(path / files.STAFFING),
            shifts=_optional_table(path / files.SHIFTS),
            iterations=_optional_table(path / files.ITERATIONS),
            capacity=_optional_table(path / files.CAPACITY),
        )
    if kind == "sweep":
        return ResultsFolder(
            path=path,
            kind=kind,
            manifest=manifest,
            scenarios=_scenarios(path),
            summary=_table(path / files.SWEEP),
            sweep_summary=_table(path / files.SWEEP_SUMMARY),
            labour=_labour(path),
        )
    return ResultsFolder(
        path=path,
        kind=kind,
        manifest=manifest,
        scenarios=_scenarios(path),
        summary=_table(path / files.SUMMARY),
        timeseries=_optional_table(path / files.TIMESERIES),
        comparison=_optional_table(path / files.COMPARISON),
        events=_events(path),
        labour=_labour(path),
    )


def _manifest(path: Path) -> dict[str, Any]:
    file = path / files.MANIFEST
    if not file.is_file():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _scenarios(path: Path) -> list[ScenarioText]:
    """``scenario.yaml``, or every ``scenarios/NAME.yaml`` of a comparison."""
    found = sorted((path / files.SCENARIOS).glob(f"*{files.SCENARIO_SUFFIX}"))
    scenarios = []
    for file in found or [path / files.SCENARIO]:
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        values = yaml.safe_load(text)
        values = values if isinstance(values, dict) else {}
        scenarios.append(ScenarioText(str(values.get("name", file.stem)), text, values))
    return scenarios


def _table(file: Path) -> pd.DataFrame:
    if not file.is_file():
        raise FolderError(f"{file.parent}: {file.name} is missing")
    return _checked(file, pd.read_csv(file, engine="pyarrow"))


def _checked(file: Path, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` if it has the columns its readers rely on; FolderError naming them if not."""
    missing = [column for column in REQUIRED_COLUMNS.get(file.name, ()) if column not in table]
    if missing:
        raise FolderError(f"{file}: not a klarsim table (no column {', '.join(missing)})")
    return table


def _optional_table(file: Path) -> pd.DataFrame | None:
    return _table(file) if file.is_file() else None


def _events(path: Path) -> pd.DataFrame:
    file = path / files.EVENTS
    if not file.is_file() or file.stat().st_size == 0:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    return pd.read_csv(file)


def _labour(path: Path) -> pd.DataFrame:
    """``labour.csv``, names kept as text (a pool called ``NA`` is not missing)."""
    file = path / files.LABOUR
    if not file.is_file() or file.stat().st_size == 0:
        return pd.DataFrame(columns=LABOUR_COLUMNS)
    text = {"scenario": str, "pool": str, "kind": str}
    return _checked(file, pd.read_csv(file, dtype=text, keep_default_na=False, na_values=[""]))
