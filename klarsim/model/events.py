"""The one event type of the per-contact path: a timeout that runs a single callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout


class Call(Timeout):
    """Runs ``callback(event)`` after ``delay``; ``event.subject`` carries ``subject``.

    A ``Timeout`` with its callback list filled in at creation, which is all the per-contact
    path needs and noticeably cheaper than a process or a request per contact.
    """

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[Call], None],
        subject: Any = None,
    ) -> None:
        # Timeout.__init__ inlined, as SimPy does itself, without the negative-delay check:
        # every delay here is a drawn time, validated non-negative by the schema.
        self.env = env
        self.callbacks = [callback]  # called with this very event
        self._value = None
        self._delay = delay
        self._ok = True
        self.subject = subject
        env.schedule(self, NORMAL, delay)
