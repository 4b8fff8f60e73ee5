"""The command line starts light: ``--help`` loads no engine, pandas, scipy or plotting.

Each check runs in a clean interpreter (a subprocess), since this one has imported everything.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.cli

HEAVY = ("pandas", "numpy", "scipy", "simpy", "matplotlib", "dask", "distributed", "pyarrow")
ENGINE = ("klarsim.sim", "klarsim.model", "klarsim.kernel", "klarsim.experiments", "simpy")

STARTUP = """
import json, runpy, sys
out = sys.argv[1]
ARGUMENTS
try:
    runpy.run_module("klarsim", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    assert stop.code in (None, 0), stop.code
with open(out, "w") as file:
    json.dump(sorted(sys.modules), file)
"""
"""Run klarsim as ``python -m klarsim`` after ``ARGUMENTS`` (code that sets ``sys.argv``), then
list the modules loaded."""


def startup(arguments: str) -> str:
    """``STARTUP`` with the code that sets ``sys.argv`` for the command to start."""
    return STARTUP.replace("ARGUMENTS", arguments)


HELP = startup('sys.argv = ["klarsim", "--help"]')


def loaded(code: str, tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=60,
    )
    return set(json.loads(out.read_text()))


def among(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The packages of which any module is loaded."""
    return [p for p in packages if any(m == p or m.startswith(f"{p}.") for m in modules)]


def test_help_imports_no_heavy_library(tmp_path: Path) -> None:
    modules = loaded(HELP, tmp_path)
    assert "klarsim.cli" in modules
    assert among(modules, HEAVY) == []
    assert among(modules, ENGINE) == []


def test_help_answers_quickly() -> None:
    """Generous bound for a loaded shared machine; about 0.3 s on an idle one."""
    fastest = 99.0
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "klarsim", "--help"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=60,
        )
        fastest = min(fastest, time.perf_counter() - start)
    assert fastest < 2.0


def test_import_klarsim_is_lazy_and_complete(tmp_path: Path) -> None:
    code = "import json, sys, klarsim\njson.dump(sorted(sys.modules), open(sys.argv[1], 'w'))"
    modules = loaded(code, tmp_path)
    assert among(modules, HEAVY) == [] and among(modules, ENGINE) == []
    import klarsim

    for name in klarsim.__all__:
        assert getattr(klarsim, name) is not None, name
    assert set(klarsim.__all__) <= set(dir(klarsim))
    with pytest.raises(AttributeError):
        _ = klarsim.no_such_name  # type: ignore[attr-defined]


def test_plots_do_not_import_the_engine(tmp_path: Path) -> None:
    code = "import json, sys, klarsim.plots\njson.dump(sorted(sys.modules), open(sys.argv[1], 'w'))"
    modules = loaded(code, tmp_path)
    assert "matplotlib" in modules
    assert among(modules, ENGINE) == []


COLLECTOR = """
import gc, json, runpy, sys
out = sys.argv[1]
sys.argv = ["klarsim", *sys.argv[2:]]
frozen = gc.get_freeze_count()
try:
    runpy.run_module("klarsim", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    assert stop.code in (None, 0), stop.code
with open(out, "w") as file:
    json.dump([gc.isenabled(), gc.get_freeze_count() > frozen], file)
"""
"""Run ``python -m klarsim`` with the arguments after the output file; say whether the cyclic
garbage collector runs at the end and whether objects were frozen out of its way."""


def test_the_collector_pauses_while_klarsim_starts_and_runs_after(tmp_path: Path) -> None:
    out = tmp_path / "collector.json"
    scenario = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
    arguments = ["run", str(scenario), "--reps", "1", "--workers", "1", "--quiet"]
    arguments += ["--days", "0.125", "--set", "experiment.warmup_days=0"]
    arguments += ["--out", str(tmp_path / "run")]
    subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(out), *arguments],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
    assert json.loads(out.read_text()) == [True, True]


def test_a_command_invoked_in_process_leaves_the_collector_alone() -> None:
    from typer.testing import CliRunner

    from klarsim.cli import app

    frozen = gc.get_freeze_count()
    scenario = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
    result = CliRunner().invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == frozen
