"""Benchmark results stored as pyperf JSON under ``benchmarks/results/``, and read back.

One file per run of ``targets.py``, named by machine, date and commit. Each workload is a
pyperf benchmark whose runs are the rounds (one value each: the whole process's wall seconds,
with its contacts and peak memory as run metadata), so ``python -m pyperf show`` and
``python -m pyperf compare_to`` work on the files. What is not a timing (the fixed cost's
breakdown, the profile, many_runs.py's ratios, the horizon, commit and machine) travels as
metadata of every run. Writing needs pyperf; reading needs only ``json``, so the page
generator and its test do not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verdicts import Measurements, Timing

RESULTS = Path(__file__).resolve().parent / "results"
SINGLE = {"memory_half": "memory_half", "klarna": "klarna_year"}
"""Measurements fields holding one timing, and the benchmark that stores each."""
CONTEXT_PREFIX = "context_"


def file_name(context: dict[str, str]) -> str:
    """``<machine>-<YYYYmmdd-HHMM>-<commit>.json``, which sorts by date within a machine."""
    stamp = context["measured_at"].replace("-", "").replace(":", "").replace("T", "-")[:13]
    return f"{context['machine']}-{stamp}-{context['commit'][:8]}.json"


def save(measured: Measurements, folder: Path = RESULTS) -> Path:
    """Write the measurements as a pyperf suite; return the file written."""
    import pyperf  # type: ignore[import-untyped, import-not-found, unused-ignore]

    shared = _shared_metadata(measured)
    benchmarks = []
    for name, timings in _timings(measured).items():
        runs = [
            pyperf.Run(
                [timing.seconds],
                metadata={**shared, **_timing_metadata(name, timing, index)},
                collect_metadata=False,
            )
            for index, timing in enumerate(timings)
        ]
        benchmarks.append(pyperf.Benchmark(runs))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(measured.context)
    pyperf.BenchmarkSuite(benchmarks).dump(str(path), replace=True)
    return path


def load(path: Path) -> Measurements:
    """Measurements from one stored pyperf file (read as plain JSON)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    measured = Measurements()
    for benchmark in data["benchmarks"]:
        for run in benchmark["runs"]:
            metadata = {**data.get("metadata", {}), **benchmark.get("metadata", {})}
            metadata.update(run.get("metadata", {}))
            _add_run(measured, metadata, float(run["values"][0]))
    return measured


def load_all(folder: Path = RESULTS) -> list[Measurements]:
    """Every stored run in the folder, oldest first (none if the folder does not exist)."""
    found = [load(path) for path in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return sorted(found, key=lambda measured: measured.context.get("measured_at", ""))


def _timings(measured: Measurements) -> dict[str, list[Timing]]:
    """Every timing to store, by benchmark name."""
    timings = {name: list(runs) for name, runs in measured.rounds.items() if runs}
    for field_name, benchmark in SINGLE.items():
        timing = getattr(measured, field_name)
        if timing is not None:
            timings[benchmark] = [timing]
    return timings


def _timing_metadata(name: str, timing: Timing, index: int) -> dict[str, Any]:
    return {
        "name": name,
        "unit": "second",
        "contacts": timing.contacts,
        "peak_rss_mib": timing.peak_rss_mib,
        "round": index,
    }


def _shared_metadata(measured: Measurements) -> dict[str, Any]:
    """Metadata every run carries; pyperf stores it once for the file."""
    context = {CONTEXT_PREFIX + key: value for key, value in measured.context.items()}
    return {
        **context,
        "klarsim_days": measured.days,
        "klarsim_breakdown": json.dumps(measured.breakdown),
        "klarsim_profile": json.dumps(measured.profile),
        "klarsim_many_runs": json.dumps(measured.many_runs),
    }


def _add_run(measured: Measurements, metadata: dict[str, Any], seconds: float) -> None:
    """Put one stored run back where it belongs in the measurements."""
    measured.days = float(metadata["klarsim_days"])
    measured.breakdown = json.loads(metadata["klarsim_breakdown"])
    measured.profile = json.loads(metadata["klarsim_profile"])
    measured.many_runs = json.loads(metadata["klarsim_many_runs"])
    measured.context = {
        key.removeprefix(CONTEXT_PREFIX): str(value)
        for key, value in metadata.items()
        if key.startswith(CONTEXT_PREFIX)
    }
    timing = Timing(seconds, int(metadata["contacts"]), float(metadata["peak_rss_mib"]))
    name = str(metadata["name"])
    single = {benchmark: field_name for field_name, benchmark in SINGLE.items()}
    if name in single:
        setattr(measured, single[name], timing)
    else:
        measured.rounds.setdefault(name, []).append(timing)
