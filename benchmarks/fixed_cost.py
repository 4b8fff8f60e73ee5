"""Where the fixed cost of a small ``klarsim run`` goes: interpreter, imports, and the phases.

The fixed cost is the wall time of the whole command on one simulated hour of the Erlang A
scenario (about 540 contacts, no warm-up, one replication, one worker), nearly all of it paid
by every run whatever its length. Its breakdown:

- ``interpreter``: ``python -c pass``, the interpreter starting with its site packages;
- ``imports``: the imports of the run beyond those (``-X importtime``, top-level cumulative);
- ``validation``, ``simulation``, ``tables``, ``writing``: cumulative time of
  ``load_scenario``, ``simulate``, the tables and ``write_run`` in a cProfile of the same
  command (profiled, so somewhat inflated);
- ``profiled``: the whole profiled run, for scale.

The profile's functions with most own time make the profile summary.
"""

from __future__ import annotations

import pstats
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from processes import run_timed

PHASES = {
    "load_scenario": "validation",
    "simulate": "simulation",
    "_tables": "tables",
    "write_run": "writing",
}
"""klarsim functions whose cumulative time is a phase of the run."""
PROFILE_LINES = 12
IMPORT_LINES = 8
Label = tuple[str, int, str]
"""A profiled function: file, line, name."""
Row = tuple[int, int, float, float, object]
"""Its primitive calls, calls, own seconds, cumulative seconds, callers."""
Command = Callable[[Path], list[str]]
"""The arguments of ``klarsim run`` (without the program) writing into the given folder."""


def breakdown(arguments: Command) -> tuple[dict[str, float], list[str]]:
    """Seconds by phase of one small run, and its profile summary (imports, then own time)."""
    interpreter = run_timed([sys.executable, "-c", "pass"]).seconds
    imported = top_level_imports(_import_output(arguments))
    bare = top_level_imports(_import_output(None))
    imports = sum(imported.values()) - sum(bare.values())
    phases, profile = _profiled(arguments)
    largest = sorted(imported.items(), key=lambda item: item[1], reverse=True)[:IMPORT_LINES]
    summary = ["largest top-level imports (cumulative):"]
    summary += [f"{seconds:7.3f} s  {name}" for name, seconds in largest]
    summary += ["most own time (cProfile):", *profile]
    return {"interpreter": interpreter, "imports": imports, **phases}, summary


def top_level_imports(stderr: str) -> dict[str, float]:
    """Seconds of each top-level import in ``-X importtime`` output (nested ones are inside)."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        name = parts[2]
        if name.startswith(" ") and not name.startswith("  ") and parts[1].strip().isdigit():
            found[name.strip()] = found.get(name.strip(), 0.0) + int(parts[1]) / 1e6
    return found


def _import_output(arguments: Command | None) -> str:
    """``-X importtime`` output of the run (``None``: of an interpreter doing nothing)."""
    with tempfile.TemporaryDirectory() as folder:
        tail = ["-m", "klarsim", *arguments(Path(folder) / "out")] if arguments else ["-c", "pass"]
        return run_timed([sys.executable, "-X", "importtime", *tail]).stderr


def _profiled(arguments: Command) -> tuple[dict[str, float], list[str]]:
    """The phases' cumulative seconds and the top functions by own time, under cProfile."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "run.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "klarsim"]
        run_timed([*command, *arguments(Path(folder) / "out")])
        stats = pstats.Stats(str(output))
    table: dict[Label, Row] = stats.stats  # type: ignore[attr-defined]
    phases = dict.fromkeys(PHASES.values(), 0.0)
    for (filename, _, function), row in table.items():
        if function in PHASES and "klarsim" in filename:
            phase = PHASES[function]
            phases[phase] = max(phases[phase], row[3])
    phases["profiled"] = sum(row[2] for row in table.values())
    return phases, summary_lines(table)


def summary_lines(table: dict[Label, Row]) -> list[str]:
    """The functions with most own time: seconds, calls, ``file:line(function)``."""
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)
    return [
        f"{row[2]:7.3f} s {row[1]:>9,} calls  {_where(label)}"
        for label, row in rows[:PROFILE_LINES]
    ]


def _where(key: Label) -> str:
    """A profile entry as ``package/module.py:line(function)``, the path cut to the package."""
    filename, line, function = key
    parts = Path(filename).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 else filename
    return f"{short}:{line}({function})"
