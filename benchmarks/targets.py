"""Issue 21's speed targets, measured side by side in one run as whole processes on one worker.

Every klarsim figure is the real command, ``klarsim run SCENARIO --reps 1 --workers 1 --set
experiment.warmup_days=0 ... --out <tmp> --quiet``, timed from outside from start to exit
(contacts from the summary.csv it wrote); the reference is the idiomatic SimPy M/M/c+M model
(``idiomatic.py``) timed the same way. Workloads run in rounds, each once per round in an
order that rotates; a speed-up is the median of the rounds' ratios of contacts per second.
Before the rounds, one small run is made untimed, so that the bytecode caches a user's install
has exist (timed children cache bytecode, see ``processes.py``; the first one writes them).
Then the flat-memory check (the plain run at half the horizon), the fixed cost's breakdown and
profile, the Klarna year (``--klarna``: long) and ``many_runs.py`` if it is there. Results go
to ``benchmarks/results/`` as pyperf JSON (``performance_page.py`` renders them).

    python benchmarks/targets.py [--rounds 3] [--klarna] [--no-save]
    python benchmarks/targets.py --quick [--results FOLDER]   # smoke sizes, stored only if asked
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fixed_cost
import idiomatic
import stored
from processes import ProcessError, run_timed
from verdicts import Measurements, Timing, idiomatic_contacts, judge, many_runs_ratios
from verdicts import summary_contacts as contacts_in

ROOT = Path(__file__).resolve().parent.parent
ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
HYBRID = ROOT / "scenarios" / "examples" / "hybrid.yaml"
WORKFORCE = ROOT / "benchmarks" / "scenarios" / "workforce_two_years.yaml"
KLARNA = ROOT / "scenarios" / "klarna" / "2025_hybrid_gig.yaml"
MANY_RUNS = ROOT / "benchmarks" / "many_runs.py"
CONSOLE_SCRIPT = Path(sys.executable).with_name("klarsim")
KLARSIM = [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.exists() else [sys.executable, "-m", "klarsim"]
"""The console script installed beside this interpreter, what a user runs (else -m klarsim)."""
ONE_HOUR_DAYS = repr(1 / 24)
"""One simulated hour, as --days (an exact number of 60-minute intervals)."""
KLARNA_HYBRID_YEAR = [
    "experiment.start_date=2025-05-05",
    "timeline=[{day: 0, action: freeze, pool: agents}]",
    "ai.share=0.66",
    "ai.human_on_request=true",
    "ai.excluded_intents=[disputes, hardship]",
    "ai.handoff.with_context=true",
    "pools.gig.registered=600",
    "pools.agents.headcount=1500",
]
"""The Klarna scenario as it stands from 5 May 2025, the hybrid in force from day 0: a dated
``--days 365`` only cuts the file's timeline (2023-07 on), so its end state is set instead:
the AI at its 66 % share, a person on request, disputes and hardship to humans, context kept,
600 gig agents, the 2,200 agents less the 700 laid off, still under the hiring freeze."""


@dataclass(frozen=True)
class Plan:
    """The sizes of one benchmark run."""

    rounds: int
    days: float
    hybrid_settings: list[str]
    workforce_days: float | None
    klarna_days: float
    klarna_scale: float
    many_runs_arguments: list[str]


def plan_for(quick: bool, contacts: int, rounds: int, short_runs: int = 200) -> Plan:
    """Full size (about ``contacts`` contacts, the hybrid with a million customers) or smoke."""
    if quick:
        return Plan(1, 1.0, [], 7.0, 2.0, 0.01, ["--runs", "4", "--rounds", "1", "--workers", "1"])
    days = float(math.ceil(contacts / idiomatic.ARRIVALS_PER_DAY))
    many = ["--runs", str(short_runs), "--rounds", str(rounds), "--workers", "1"]
    return Plan(rounds, days, ["customers.population=1000000"], None, 365.0, 1.0, many)


def run_arguments(
    scenario: Path, out: Path, days: float | str | None, settings: list[str]
) -> list[str]:
    """The arguments of ``klarsim run`` for one timed replication on one worker."""
    arguments = ["run", str(scenario), "--reps", "1", "--workers", "1", "--quiet"]
    arguments += ["--set", "experiment.warmup_days=0"]
    for setting in settings:
        arguments += ["--set", setting]
    if days is not None:
        arguments += ["--days", str(days)]
    return [*arguments, "--out", str(out)]


def klarsim_timing(scenario: Path, days: float | str | None, settings: list[str]) -> Timing:
    """Time the whole ``klarsim run`` command and count the contacts it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        finished = run_timed([*KLARSIM, *run_arguments(scenario, out, days, settings)])
        contacts = contacts_in((out / "summary.csv").read_text(encoding="utf-8"))
    return Timing(finished.seconds, contacts, finished.peak_rss_mib)


def idiomatic_timing(days: float) -> Timing:
    """Time the whole idiomatic SimPy script over ``days``."""
    script = Path(idiomatic.__file__).resolve()
    finished = run_timed([sys.executable, str(script), "--days", repr(days)])
    return Timing(finished.seconds, idiomatic_contacts(finished.stdout), finished.peak_rss_mib)


def workloads(plan: Plan) -> dict[str, Callable[[], Timing]]:
    """The workloads timed in every round, by name."""
    return {
        "plain": lambda: klarsim_timing(ERLANG_A, plan.days, []),
        "idiomatic": lambda: idiomatic_timing(plan.days),
        "hybrid": lambda: klarsim_timing(HYBRID, plan.days, plan.hybrid_settings),
        "workforce": lambda: klarsim_timing(WORKFORCE, plan.workforce_days, []),
        "fixed": lambda: klarsim_timing(ERLANG_A, ONE_HOUR_DAYS, []),
    }


def timed_rounds(rounds: int, measures: dict[str, Callable[[], Timing]]) -> dict[str, list[Timing]]:
    """Each workload's timings over ``rounds``, each round running every workload once.

    The order rotates from round to round, so no workload always runs first.
    """
    names = list(measures)
    runs: dict[str, list[Timing]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            timing = measures[name]()
            runs[name].append(timing)
            print(
                f"  round {index + 1} {name:<10} {timing.contacts:>11,} contacts "
                f"{timing.seconds:8.2f} s {timing.peak_rss_mib:6.0f} MiB",
                flush=True,
            )
    return runs


def many_runs(plan: Plan) -> dict[str, float]:
    """``many_runs.py``'s share of the long run's speed, if the script is there and finishes.

    The hook for the other benchmark: it runs as a subprocess, on one worker, and its printed
    ``... one-day runs (short) / long: 0.85 median ...`` lines are read.
    """
    if not MANY_RUNS.exists():
        print("  many_runs.py is not there yet: target not measured")
        return {}
    try:
        finished = run_timed([sys.executable, str(MANY_RUNS), *plan.many_runs_arguments])
    except ProcessError as error:
        print(f"  many_runs.py failed: {error}")
        return {}
    print("\n".join("  | " + line for line in finished.stdout.strip().splitlines()))
    return many_runs_ratios(finished.stdout)


def warm_up() -> None:
    """One small run not counted anywhere: its interpreter writes klarsim's bytecode caches
    (``__pycache__``), which every timed run then reads, as on a user's install."""
    klarsim_timing(ERLANG_A, ONE_HOUR_DAYS, [])


def measure(plan: Plan, klarna: bool) -> Measurements:
    """Every measurement of one benchmark run, printed as it goes."""
    print("Warm-up: one small run, untimed, to write the bytecode caches")
    warm_up()
    print(f"Rounds: {plan.rounds}, plain, idiomatic and hybrid over {plan.days:g} days")
    measured = Measurements(rounds=timed_rounds(plan.rounds, workloads(plan)), days=plan.days)
    print(f"Peak memory: the plain run at {plan.days / 2:g} days")
    measured.memory_half = klarsim_timing(ERLANG_A, plan.days / 2, [])
    print("Fixed cost: breakdown and profile of the small run")
    measured.breakdown, measured.profile = fixed_cost.breakdown(
        lambda out: run_arguments(ERLANG_A, out, ONE_HOUR_DAYS, [])
    )
    if klarna:
        print(f"Klarna hybrid year: {plan.klarna_days:g} days at scale {plan.klarna_scale:g}")
        settings = [f"experiment.scale={plan.klarna_scale:g}", *KLARNA_HYBRID_YEAR]
        measured.klarna = klarsim_timing(KLARNA, plan.klarna_days, settings)
    print("Many short runs (benchmarks/many_runs.py)")
    measured.many_runs = many_runs(plan)
    return measured


def context(quick: bool) -> dict[str, str]:
    """Where and what was measured: commit (``+``: the tree has edits), machine, time, load.

    The load average at the start tells a figure measured on a busy machine from an idle one.
    """
    commit = _git("rev-parse", "HEAD") or "unknown"
    edited = bool(_git("status", "--porcelain", "--untracked-files=no"))
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return {
        "commit": commit + ("+" if edited else ""),
        "machine": platform.node().split(".")[0] or "machine",
        "measured_at": now.isoformat().replace("+00:00", "Z"),
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
        "load": f"{os.getloadavg()[0]:.1f}",
        "quick": "yes" if quick else "no",
    }


def _git(*arguments: str) -> str:
    """A git command's output in the repository, empty if git is not there."""
    try:
        done = subprocess.run(
            ["git", *arguments], check=False, cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def report(measured: Measurements) -> None:
    """The breakdown, the profile summary and every target's verdict."""
    if measured.context.get("quick") == "yes":
        print("QUICK RUN: smoke sizes, so the verdicts below say nothing about the targets.")
    print("Fixed cost by phase (s; validation to writing profiled):")
    print("  " + ", ".join(f"{name} {seconds:.3f}" for name, seconds in measured.breakdown.items()))
    print("Profile of the small run:")
    print("\n".join("  " + line for line in measured.profile))
    print("Targets:")
    for verdict in judge(measured):
        print(verdict.line())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--contacts", type=int, default=1_000_000, help="plain run's size")
    parser.add_argument("--short-runs", type=int, default=200, help="many_runs.py's --runs")
    parser.add_argument("--klarna", action="store_true", help="also the Klarna year (long)")
    parser.add_argument("--quick", action="store_true", help="smoke sizes (not for figures)")
    parser.add_argument("--no-save", action="store_true", help="do not store the results")
    parser.add_argument("--results", type=Path, help="results folder (quick runs: none)")
    arguments = parser.parse_args()
    plan = plan_for(arguments.quick, arguments.contacts, arguments.rounds, arguments.short_runs)
    started = context(arguments.quick)
    try:
        measured = measure(plan, arguments.klarna)
    except ProcessError as error:
        sys.exit(f"benchmark stopped: {error}")
    measured.context = started
    report(measured)
    folder = arguments.results or (None if arguments.quick else stored.RESULTS)
    if folder is not None and not arguments.no_save:
        print(f"Stored: {stored.save(measured, folder)}")


if __name__ == "__main__":
    main()
