"""Build a copy of klarsim whose per-contact modules are compiled with mypyc (opt-in, measured).

The engine's hot modules are fully typed, so mypyc compiles them to C extensions unchanged;
the compiled copy gives the same results as the source (same summaries, time series and event
counts for the same seed: the float operations and their order are the same) in less CPU time.
The copy lives outside the source tree, so an edit to a ``.py`` file is never shadowed by a
stale extension module in the working checkout. Needs a C compiler and mypy (in ``[dev]``).

    python benchmarks/compile_engine.py [--out build/klarsim-compiled]
    PYTHONPATH=build/klarsim-compiled klarsim demo      # runs the compiled copy

Run it through the ``klarsim`` command or a script: ``python -m`` or ``python -c`` started in the
checkout puts the checkout's interpreted package first on the path.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPILED = (
    "klarsim/kernel/environment.py",
    "klarsim/kernel/integral.py",
    "klarsim/model/demand/contacts.py",
    "klarsim/model/demand/customers.py",
    "klarsim/model/service/ai.py",
    "klarsim/model/service/chats.py",
    "klarsim/model/service/journey.py",
    "klarsim/model/service/outcomes.py",
    "klarsim/model/service/queues.py",
    "klarsim/model/service/routing.py",
    "klarsim/model/workforce/pools.py",
    "klarsim/sim/recorder.py",
)
"""The modules of the per-contact path; the rest of klarsim stays interpreted."""
COPIED = ("klarsim", "scenarios")
"""Copied beside each other, as in a checkout, so the bundled scenarios are found."""
CONFIG = "pyproject.toml"
"""Copied too: mypyc type-checks with the project's mypy settings."""


def copy_sources(out: Path) -> None:
    """A fresh copy of the package and its scenarios in ``out``, without caches or builds."""
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyc")
    for name in COPIED:
        target = out / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / name, target, ignore=ignore)
    shutil.copy2(ROOT / CONFIG, out / CONFIG)


def compile_modules(out: Path) -> None:
    """Compile ``COMPILED`` in place in the copy (extension modules beside their sources)."""
    from mypyc.build import mypycify  # imported here: a build-time dependency only
    from setuptools import setup  # type: ignore[import-untyped]  # no stubs installed

    os.chdir(out)
    setup(
        name="klarsim-compiled",
        packages=[],
        py_modules=[],
        ext_modules=mypycify(list(COMPILED)),
        script_args=["build_ext", "--inplace", "--build-temp", "build/temp"],
    )


def main() -> int:
    """Build the compiled copy and say how to run it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "klarsim-compiled")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    copy_sources(out)
    compile_modules(out)
    print(f"compiled copy in {out}\nrun it with: PYTHONPATH={out} klarsim ...", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
