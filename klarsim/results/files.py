"""Every file and folder name of a results folder, in one place.

A results folder written by ``klarsim run``, ``compare`` or ``sweep`` (and read back by
``klarsim.results.reader``, the plots and the report) holds:

- ``manifest.json``: the job, its provenance and status, written first;
- ``scenario.yaml`` (run, sweep) or ``scenarios/NAME.yaml`` (compare): the resolved scenarios;
- ``.klarsim.lock``: held by the one job writing the folder (``klarsim.results.lock``);
- ``runs/``: one checkpoint per finished replication, for ``--resume``;
- ``summary.csv``, ``timeseries.csv``, ``events.csv``, ``contacts.parquet`` (run, compare);
- ``labour.csv``: per scenario, replication and pool, what its people work and earn (run,
  compare, sweep; written when the engine measured it);
- ``comparison.csv`` (compare);
- ``sweep.csv``, ``sweep.parquet``, ``sweep_summary.csv`` (sweep);
- ``staffing.csv``, ``shifts.csv``, ``iterations.csv`` and the planned ``scenario.yaml`` (staff);
- ``capacity.csv`` (staff by month);
- ``effects.csv`` and ``savings_by_year.csv`` (the Klarna effects chain, ``klarsim demo``);
- ``plots/`` and ``report.html``, written afterwards by ``klarsim plot`` and ``klarsim report``.

Only names here: no imports, so every layer (writers, reader, plots, report, CLI) can use it.
"""

from __future__ import annotations

MANIFEST = "manifest.json"
SCENARIO = "scenario.yaml"
"""The resolved scenario of a run or a sweep."""
SCENARIOS = "scenarios"
"""The folder of a comparison's resolved scenarios, one ``NAME.yaml`` each."""
SCENARIO_SUFFIX = ".yaml"
RUNS = "runs"
"""The folder of per-replication checkpoints (``klarsim.results.checkpoints``)."""
RUN_SUFFIX = ".zip"
"""A run file: JSON metadata and Arrow IPC tables in a ZIP archive."""
LEGACY_RUN_SUFFIX = ".pkl"
"""A run file of klarsim before the Arrow format; never opened, run again."""
LOCK = ".klarsim.lock"
"""The lock file inside a results folder, held by the job writing it."""

SUMMARY = "summary.csv"
TIMESERIES = "timeseries.csv"
EVENTS = "events.csv"
LABOUR = "labour.csv"
"""Per scenario, replication (and sweep point) and pool: people, hours, earnings, their spread."""
CONTACTS = "contacts.parquet"
COMPARISON = "comparison.csv"
SWEEP = "sweep.csv"
SWEEP_PARQUET = "sweep.parquet"
SWEEP_SUMMARY = "sweep_summary.csv"
STAFFING = "staffing.csv"
"""A staffing plan: per planned pool and interval of the week, agents required and rostered."""
SHIFTS = "shifts.csv"
"""A staffing plan's shift starts: template, weekday, start hour and agents."""
ITERATIONS = "iterations.csv"
"""How a staffing plan converged: one row per iteration."""
CAPACITY = "capacity.csv"
"""A capacity plan: per month and planned pool, required FTE beside the scenario's headcount."""
FOLLOWING = "scenario_following.yaml"
"""A capacity plan's scenario: headcount hired and laid off to follow the plan."""
EFFECTS = "effects.csv"
"""The Klarna effects separated: per KPI and change on the timeline, the paired effect."""
SAVINGS_BY_YEAR = "savings_by_year.csv"
"""Operating cost saved against the baseline per scenario and calendar year."""

PLOTS = "plots"
"""The folder ``klarsim plot`` fills with PNG and SVG files."""
REPORT = "report.html"


def scenario_file(name: str) -> str:
    """``scenarios/NAME.yaml``, relative to the results folder."""
    return f"{SCENARIOS}/{name}{SCENARIO_SUFFIX}"


__all__ = [
    "CAPACITY",
    "COMPARISON",
    "CONTACTS",
    "EFFECTS",
    "EVENTS",
    "FOLLOWING",
    "ITERATIONS",
    "LABOUR",
    "LEGACY_RUN_SUFFIX",
    "LOCK",
    "MANIFEST",
    "PLOTS",
    "REPORT",
    "RUNS",
    "RUN_SUFFIX",
    "SAVINGS_BY_YEAR",
    "SCENARIO",
    "SCENARIOS",
    "SCENARIO_SUFFIX",
    "SHIFTS",
    "STAFFING",
    "SUMMARY",
    "SWEEP",
    "SWEEP_PARQUET",
    "SWEEP_SUMMARY",
    "TIMESERIES",
    "scenario_file",
]
