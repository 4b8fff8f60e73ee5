"""Issue 21's speed targets, and whether measured figures meet them (no measuring here).

``targets.py`` measures, ``performance_page.py`` renders stored results; both judge the
figures with these functions, so the page and the console always agree. A speed-up is the
median over the rounds of each round's ratio of contacts per second (whole processes, one
worker): a shared machine drifts by a fifth and more between rounds, far less within one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from dataclasses import dataclass, field

PLAIN_SPEEDUP = 6.0
"""klarsim run on the Erlang A scenario against the idiomatic SimPy model."""
HYBRID_SPEEDUP = 3.6
"""The hybrid example against the same idiomatic model: 0.6 of the plain target."""
WORKFORCE_SPEEDUP = 3.6
"""The two-year workforce scenario against the idiomatic model, likewise."""
FIXED_COST_SECONDS = 0.5
"""Wall time of a whole ``klarsim run`` of one simulated hour of the Erlang A scenario."""
KLARNA_YEAR_SECONDS = 300.0
"""Wall time of a full-scale (scale 1.0) year of the Klarna hybrid on one core."""
MEMORY_GROWTH = 0.10
"""Flat memory: the peak at the full horizon within 10 % of the peak at half of it."""
MANY_RUNS_SHARE = 0.8
"""Many one-day runs against the same contacts in one long run (benchmarks/many_runs.py)."""


@dataclass(frozen=True)
class Timing:
    """One timed whole process: wall seconds, contacts it simulated, its peak memory."""

    seconds: float
    contacts: int
    peak_rss_mib: float

    @property
    def contacts_per_second(self) -> float:
        return self.contacts / self.seconds


@dataclass
class Measurements:
    """Everything one benchmark run measured, as stored and as judged."""

    rounds: dict[str, list[Timing]] = field(default_factory=dict)
    """Each workload's timings, round by round: plain, idiomatic, hybrid, workforce, fixed."""
    days: float = 0.0
    """Horizon of the plain, idiomatic and hybrid runs."""
    memory_half: Timing | None = None
    """The plain run at half the horizon, for the flat-memory target."""
    klarna: Timing | None = None
    many_runs: dict[str, float] = field(default_factory=dict)
    """Contacts/s of the one-day runs over the long run's (median of rounds), by way of running
    them as ``many_runs.py`` names it (``short``: separate tasks, ``batched``...)."""
    breakdown: dict[str, float] = field(default_factory=dict)
    """Seconds of the small run by phase: interpreter, imports, validation, simulation..."""
    profile: list[str] = field(default_factory=list)
    """The small run's profile: the functions with most cumulative time, one line each."""
    context: dict[str, str] = field(default_factory=dict)
    """Where and what: commit, date, machine, python, quick."""


@dataclass(frozen=True)
class Verdict:
    """A target, what it asks, the measured figure, and whether it is met (None: not measured)."""

    target: str
    wanted: str
    value: str
    """The figure judged, short: ``6.31x``, ``0.42 s``."""
    detail: str
    """What else to know about it: the rounds' range, contacts per second."""
    met: bool | None

    @property
    def figure(self) -> str:
        return f"{self.value} ({self.detail})" if self.detail else self.value

    @property
    def word(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]

    def line(self) -> str:
        """The console line: target, verdict, figure and what was asked."""
        return f"  {self.target:<34} {self.word:<12} {self.figure} (target {self.wanted})"


def round_ratios(runs: list[Timing], reference: list[Timing]) -> list[float]:
    """Contacts per second of a workload over the reference's, round by round."""
    return [
        run.contacts_per_second / base.contacts_per_second
        for run, base in zip(runs, reference, strict=True)
    ]


def speedup(target: str, runs: list[Timing], reference: list[Timing], at_least: float) -> Verdict:
    """Median of the rounds' speed ratios against the reference, at least ``at_least``."""
    wanted = f">= {at_least:g}x"
    if not runs or not reference:
        return Verdict(target, wanted, "-", "", None)
    ratios = round_ratios(runs, reference)
    middle = statistics.median(ratios)
    detail = f"{_spread(ratios, 'x')}; {_rate(runs)} contacts/s"
    return Verdict(target, wanted, f"{middle:.2f}x", detail, middle >= at_least)


def at_most_seconds(target: str, runs: list[Timing], limit: float) -> Verdict:
    """Median wall time of the runs, at most ``limit`` seconds."""
    wanted = f"<= {limit:g} s"
    if not runs:
        return Verdict(target, wanted, "-", "", None)
    seconds = [run.seconds for run in runs]
    middle = statistics.median(seconds)
    detail = _spread(seconds, " s") if len(seconds) > 1 else ""
    return Verdict(target, wanted, f"{middle:.2f} s", detail, middle <= limit)


def flat_memory(half: Timing | None, full: list[Timing], days: float) -> Verdict:
    """The plain run's peak memory at the full horizon within ``MEMORY_GROWTH`` of half of it."""
    target, wanted = "peak memory flat in the horizon", f"<= +{MEMORY_GROWTH:.0%}"
    if half is None or not full:
        return Verdict(target, wanted, "-", "", None)
    longest = statistics.median(run.peak_rss_mib for run in full)
    growth = longest / half.peak_rss_mib - 1
    detail = f"{half.peak_rss_mib:.0f} MiB at {days / 2:g} days"
    detail += f", {longest:.0f} MiB at {days:g} days"
    return Verdict(target, wanted, f"{growth:+.1%}", detail, growth <= MEMORY_GROWTH)


def many_runs_share(shares: dict[str, float]) -> Verdict:
    """The one-day runs' share of the long run's throughput, run as one job of separate tasks
    (``short``; the median of its rounds). Batched runs are the planner's pattern, shown only."""
    target, wanted = "200 one-day runs vs one long run", f">= {MANY_RUNS_SHARE:.0%}"
    judged = shares.get("short", shares.get("runs"))
    if judged is None:
        return Verdict(target, wanted, "-", "", None)
    detail = ", ".join(f"{way} {share:.0%}" for way, share in shares.items())
    return Verdict(target, wanted, f"{judged:.0%}", detail, judged >= MANY_RUNS_SHARE)


def judge(measured: Measurements) -> list[Verdict]:
    """Every target of the issue, in its order, judged on one run's measurements."""
    rounds = measured.rounds
    reference = rounds.get("idiomatic", [])
    klarna = [measured.klarna] if measured.klarna is not None else []
    return [
        speedup("plain M/M/c+M vs SimPy", rounds.get("plain", []), reference, PLAIN_SPEEDUP),
        speedup("hybrid example vs SimPy", rounds.get("hybrid", []), reference, HYBRID_SPEEDUP),
        speedup(
            "workforce, two years, vs SimPy",
            rounds.get("workforce", []),
            reference,
            WORKFORCE_SPEEDUP,
        ),
        at_most_seconds("fixed cost of a small run", rounds.get("fixed", []), FIXED_COST_SECONDS),
        at_most_seconds("Klarna hybrid year, scale 1.0", klarna, KLARNA_YEAR_SECONDS),
        flat_memory(measured.memory_half, rounds.get("plain", []), measured.days),
        many_runs_share(measured.many_runs),
    ]


def summary_contacts(text: str) -> int:
    """Contacts of every replication in a results folder's ``summary.csv``."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "contacts" not in rows[0]:
        raise ValueError("summary.csv has no contacts column")
    return sum(int(float(row["contacts"])) for row in rows)


def idiomatic_contacts(stdout: str) -> int:
    """Contacts the idiomatic model simulated, from its JSON line."""
    return int(json.loads(stdout.strip().splitlines()[-1])["contacts"])


MANY_RUNS_LINE = re.compile(
    r"one-day runs(?: \((?P<way>[\w -]+)\))? / long: (?P<ratio>[0-9.]+) median"
)


def many_runs_ratios(stdout: str) -> dict[str, float]:
    """The one-day runs' share of the long run's speed by way, as ``many_runs.py`` prints it."""
    return {
        match["way"] or "runs": float(match["ratio"]) for match in MANY_RUNS_LINE.finditer(stdout)
    }


def _spread(values: list[float], unit: str) -> str:
    """The range of the rounds' values."""
    return f"rounds {min(values):.2f}-{max(values):.2f}{unit}"


def _rate(runs: list[Timing]) -> str:
    """The best round's contacts per second."""
    return f"{max(run.contacts_per_second for run in runs):,.0f}"
