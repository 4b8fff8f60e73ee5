"""The one event type of the per-contact path: a timeout that runs a single callback."""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout


class Callback(Timeout):
    """Runs ``callback(event)`` after ``delay``; ``event.subject`` carries ``subject``.

    A ``Timeout`` with its one callback fixed at creation: all the per-contact path needs,
    and far cheaper than a process or a resource request per contact. Its constructor inlines
    ``Timeout.__init__`` and ``Environment.schedule``, as SimPy inlines ``Event.__init__`` in
    ``Timeout``; the constant fields of a successful timeout live on the class. The environment
    (``klarsim.kernel.environment.SimulationEnvironment``) calls ``callback`` directly, so a
    Callback needs no ``callbacks`` list and must not be yielded by a SimPy process.
    """

    __slots__ = ("callback", "subject")
    _ok = True
    _value = None
    _delay = 0.0
    callbacks = None  # type: ignore[assignment]  # never a list: see the class docstring

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[Callback], None],
        subject: Any = None,
    ) -> None:
        self.callback = callback  # called with this very event
        self.subject = subject
        # Environment.schedule(self, NORMAL, delay), inlined (SimPy 4 keeps these fields).
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), self))


def pending(env: simpy.Environment, callback: Callable[[Callback], None]) -> list[Any]:
    """The subjects of the Calls still scheduled to run ``callback`` (for end-of-run counts).

    Reading the event queue once at the end spares the per-contact path a set of its own.
    """
    return [
        event.subject
        for _, _, _, event in env._queue
        if event.__class__ is Callback and event.callback == callback
    ]
