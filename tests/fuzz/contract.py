"""The CLI contract the fuzz tier checks, and the guards that keep a hostile input contained.

Every invocation runs in its own sandbox folder (the working directory during the call),
under a time limit and an address-space limit, so that an input that makes klarsim hang or
allocate without bound fails its test instead of the machine.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shlex
import signal
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

from klarsim.cli import app
from tests.support import SCENARIOS

runner = CliRunner()

SECONDS = 20
"""Longest one invocation may take: a tiny valid run takes a fraction of a second (after
``warm_up``), so only a hang or a run far too big for the tiny scenarios reaches it."""
HEADROOM_BYTES = 3 * 2**30
"""Address space a single invocation may add to the test process (3 GiB)."""
TINY = ["--reps", "1", "--workers", "1", "--quiet"]
"""What keeps a valid run tiny: one replication in this process, no progress bar."""


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings of a fuzz test: ``examples`` examples, times ``KLARSIM_FUZZ_SCALE``
    (1 by default; a longer hunt: ``KLARSIM_FUZZ_SCALE=20 pytest -m fuzz``), no deadline."""
    scale = int(os.environ.get("KLARSIM_FUZZ_SCALE", "1"))
    return settings(
        max_examples=examples * scale,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


class Overran(BaseException):
    """An invocation passed its time limit (a BaseException: klarsim must not swallow it)."""


@dataclass(frozen=True)
class Sandbox:
    """A fresh folder for one invocation, its inputs, and where ``--out`` points."""

    folder: Path
    out: Path

    def write(self, name: str, content: str | bytes) -> Path:
        """An input file in the sandbox."""
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


def new_sandbox(tmp_path: Path) -> Sandbox:
    """A sandbox of its own for each hypothesis example (``tmp_path`` is shared by them)."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    return Sandbox(folder, folder / "out")


def tiny_scenario_text() -> str:
    """The bundled Erlang C scenario shrunk to one replication of one day, 300 contacts a day."""
    return _shrunk(
        SCENARIOS / "validation" / "erlang_c.yaml",
        {
            "horizon_days: 30": "horizon_days: 1",
            "warmup_days: 2": "warmup_days: 0.25",
            "replications: 5": "replications: 1",
            "contacts_per_day: 12960": "contacts_per_day: 300",
            "headcount: 48": "headcount: 2",
        },
    )


def tiny_hybrid_text() -> str:
    """The bundled hybrid centre (AI, customers, recontacts, anchors) at 5 % for one day."""
    return _shrunk(
        SCENARIOS / "examples" / "hybrid.yaml",
        {
            "horizon_days: 56": "horizon_days: 1",
            "warmup_days: 7": "warmup_days: 0.25",
            "replications: 5": "replications: 1",
            "  seed: 7\n": "  seed: 7\n  scale: 0.05\n",
        },
    )


def tiny_klarna_text() -> str:
    """The Klarna reversal (timeline, gig pool, dated ramps) at 0.2 % with no warm-up; run it
    with ``--days 1``, which drops the timeline past the first day."""
    return _shrunk(
        SCENARIOS / "klarna" / "2025_hybrid_gig.yaml",
        {
            "warmup_days: 28": "warmup_days: 0",
            "replications: 3": "replications: 1",
            "scale: 0.05 ": "scale: 0.002 ",
        },
    )


def _shrunk(path: Path, changes: dict[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, f"the bundled {path.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


def invoke(sandbox: Sandbox, arguments: Sequence[str]) -> Result:
    """The command run in the sandbox, within the time and memory limits; overrunning the
    time is a failed assertion (so hypothesis shrinks it like any other)."""
    warm_up()
    try:
        with (
            contextlib.chdir(sandbox.folder),
            _time_limit(SECONDS),
            _memory_limit(HEADROOM_BYTES),
        ):
            return runner.invoke(app, list(arguments))
    except Overran as overran:
        raise AssertionError(f"{overran}: klarsim {shlex.join(arguments)}") from None


@functools.cache
def warm_up() -> None:
    """One untimed valid run in this process first: importing the engine, pandas and pyarrow
    takes seconds on a loaded machine, and must not count against the first example's time."""
    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / "scenario.yaml"
        scenario.write_text(tiny_hybrid_text(), encoding="utf-8")
        runner.invoke(app, ["run", str(scenario), *TINY, "--out", str(Path(folder) / "out")])


def check_contract(sandbox: Sandbox, before: set[Path], result: Result) -> None:
    """Exit 0, 1 or 2; never a traceback; nothing written but ``--out``; nothing at all on 2."""
    shown = _shown(result)
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert "Traceback" not in result.output, shown
    assert result.exit_code in (0, 1, 2), shown
    created = set(sandbox.folder.rglob("*")) - before
    if result.exit_code == 2:
        assert "error" in result.stderr.lower(), shown
        _assert_short(result.stderr)
        assert not created, f"exit 2 left {sorted(map(str, created))}\n{shown}"
        return
    stray = [path for path in created if not path.is_relative_to(sandbox.out)]
    assert not stray, f"written outside --out: {sorted(map(str, stray))}\n{shown}"
    if result.exit_code == 1:
        assert "failed" in result.stderr or "error" in result.stderr, shown
    else:
        assert (sandbox.out / "manifest.json").is_file(), shown


MESSAGE_LINES = 30
"""Most lines of a refusal: one per problem, and a scenario rarely has more than a few."""
LINE_CHARACTERS = 1000
"""Longest line of a refusal: long values are cut, only paths (up to 4096) may be longer."""


def _assert_short(stderr: str) -> None:
    """A refusal is a few readable lines, not a dump of the input."""
    lines = [line for line in stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) <= MESSAGE_LINES, f"{len(lines)} lines:\n{stderr[:3000]}"
    longest = max((len(line) for line in lines), default=0)
    assert longest <= LINE_CHARACTERS, f"a line of {longest} characters:\n{stderr[:3000]}"


def listing(sandbox: Sandbox) -> set[Path]:
    """Everything in the sandbox now, to compare after the invocation."""
    return set(sandbox.folder.rglob("*"))


def _shown(result: Result) -> str:
    """What a failed assertion prints: the exit code, the exception and the output's end."""
    exception = repr(result.exception) if result.exception is not None else "none"
    return f"exit {result.exit_code}, exception {exception}\n{result.output[-2000:]}"


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``Overran`` in this (main) thread after ``seconds`` of wall time."""

    def overran(_signal: int, _frame: FrameType | None) -> None:
        raise Overran(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, overran)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_limit(headroom: int) -> Iterator[None]:
    """Cap the address space at its current size plus ``headroom``: a blow-up is a
    MemoryError in this process, not a machine swapping for everyone."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + headroom
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """This process's virtual memory size in bytes (``VmSize`` in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
