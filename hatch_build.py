"""Build hook: compile klarsim's per-contact modules with mypyc when a C compiler is present.

The modules in ``COMPILED`` are fully typed, so mypyc compiles them unchanged into C
extensions that run the same float operations in the same order (same results, bit for bit)
in about half the time. Anything that stops the build (no compiler, no Python headers, a mypyc
error) leaves a pure-Python install and says why: the compiled engine is an option, never a
requirement. ``KLARSIM_PURE_PYTHON=1`` skips it.

The extension modules are built beside their sources (an editable install imports them from
the checkout) with ``klarsim/_compiled.json``, each compiled module's SHA-256 at build time;
``klarsim.compiled`` uses the sources instead as soon as one of them is edited.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent


def _compiled_modules() -> tuple[str, ...]:
    """``klarsim.compiled.COMPILED``, read without importing klarsim (not installed yet)."""
    spec = importlib.util.spec_from_file_location(
        "_klarsim_compiled", ROOT / "klarsim" / "compiled.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.COMPILED)


COMPILED = _compiled_modules()

MANIFEST = "klarsim/_compiled.json"
GROUP = "klarsim_engine"
"""mypyc's shared library for the group: ``klarsim_engine__mypyc`` at the top level."""
BUILD_SECONDS = 900
TYPING = textwrap.dedent(
    """
    [mypy]
    python_version = 3.11
    plugins = pydantic.mypy
    ignore_missing_imports = True

    [mypy-klarsim.cli.*,klarsim.cases.*,klarsim.report.*,klarsim.plots.*,klarsim.planning.*,klarsim.sensitivity.*,klarsim.fitting.*,klarsim.experiments.*,klarsim.results.*,klarsim.metrics.*]
    follow_imports = skip
    """
)
"""mypy settings for the build: the engine typed as in development (numpy, pydantic and simpy
are build requirements); the layers above it, which ``klarsim/__init__.py`` names for type
checkers, are skipped, so the build needs neither pandas nor matplotlib."""
SETUP = textwrap.dedent(
    """
    from mypyc.build import mypycify
    from setuptools import setup

    setup(
        name="klarsim-engine",
        packages=[],
        py_modules=[],
        ext_modules=mypycify({arguments!r}, group_name={group!r}),
        script_args=["build_ext", "--inplace", "--build-temp", "build/mypyc"],
    )
    """
)


class CompiledEngineHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles ``COMPILED`` for wheels and editable installs; falls back to pure Python."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        remove_build(root)
        if self.target_name != "wheel" or os.environ.get("KLARSIM_PURE_PYTHON"):
            return
        failure = compile_in_place(root)
        if failure is not None:
            remove_build(root)
            self.app.display_warning(f"klarsim: pure Python engine ({failure})")
            return
        write_manifest(root)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            for path in built_files(root):
                build_data["force_include"][str(path)] = str(path.relative_to(root))
        self.app.display_info("klarsim: engine compiled with mypyc")


def compile_in_place(root: Path) -> str | None:
    """Build the extension modules beside their sources; why not, if it failed."""
    settings = root / "build" / "mypyc.ini"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(TYPING)
    arguments = ["--config-file", str(settings.relative_to(root)), *COMPILED]
    script = SETUP.format(arguments=arguments, group=GROUP)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=BUILD_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"mypyc could not run: {error}"
    if completed.returncode != 0:
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:]
        return f"mypyc failed: {' '.join(last) or completed.returncode}"
    return None


def write_manifest(root: Path) -> None:
    """Record each compiled module's source hash, so an edit falls back to the source."""
    hashes = {path: hashlib.sha256((root / path).read_bytes()).hexdigest() for path in COMPILED}
    (root / MANIFEST).write_text(json.dumps({"group": GROUP, "sources": hashes}, indent=1))


def built_files(root: Path) -> list[Path]:
    """The extension modules (any in the package: an older build may have compiled others),
    the group's shared library and the manifest a build leaves in the checkout."""
    modules = [
        path
        for path in (root / "klarsim").rglob("*")
        if any(path.name.endswith(suffix) for suffix in EXTENSION_SUFFIXES)
    ]
    shared = [
        found for suffix in EXTENSION_SUFFIXES for found in root.glob(f"{GROUP}__mypyc{suffix}")
    ]
    manifest = [root / MANIFEST] if (root / MANIFEST).exists() else []
    return [*modules, *shared, *manifest]


def remove_build(root: Path) -> None:
    """Remove the extension modules of an earlier build (a failed build must not leave them)."""
    for path in built_files(root):
        path.unlink()
