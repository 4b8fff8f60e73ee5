"""How ``klarsim`` starts: the typer app as a program, and the garbage collector meanwhile.

Starting a command builds many long-lived objects and little garbage: typer's parameters, the
modules, pydantic's scenario schemas. The cyclic garbage collector would walk them some hundred
times, about 40 ms of a small run. In klarsim's own process it is paused while the command
line is read and while a command imports the engine (``loading``), and what was built is then
frozen out of its way (``gc.freeze``), also for the full collections of a long run.
"""

import gc
import platform
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer


class Program(typer.Typer):
    """typer's app, knowing when it runs as klarsim's own process: called, as the ``klarsim``
    script and ``python -m klarsim`` call it (a test runner invokes its commands instead, and
    keeps its collector as it was). The collector is paused until the command line is read
    (``resume_collection``, from the app's callback)."""

    own_process = False
    collection_paused = False

    def __call__(self, *arguments: Any, **options: Any) -> Any:
        Program.own_process = True
        pause_collection()
        try:
            return super().__call__(*arguments, **options)
        finally:
            resume_collection()


def pause_collection() -> None:
    """Stop the cyclic garbage collector, in klarsim's own process, if it runs."""
    if Program.own_process and gc.isenabled():
        gc.disable()
        Program.collection_paused = True


def resume_collection() -> None:
    """Freeze what was built while paused and start the collector again (if paused here)."""
    if Program.collection_paused:
        gc.freeze()
        gc.enable()
        Program.collection_paused = False


@contextmanager
def loading() -> Iterator[None]:
    """While a command imports the engine: the collector paused (see ``Program``), and the
    platform its manifest records looked up meanwhile (``platform.platform()`` runs ``uname
    -p``, a process of its own, some 10 ms; the manifest then reads platform's cache)."""
    if Program.own_process:
        threading.Thread(target=platform.platform, name="platform", daemon=True).start()
    pause_collection()
    try:
        yield
    finally:
        resume_collection()
