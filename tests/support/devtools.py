"""A minimal Chrome DevTools protocol client over ``--remote-debugging-pipe``.

Chromium reads commands from its file descriptor 3 and writes replies and events to 4, each
message one JSON object ended by a NUL byte. No port, no websocket library, nothing but the
standard library.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""The flags the test suite starts Chromium with (plus the profile and the pipe)."""
PIPE_LAUNCHER = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
"""Moves the pipes handed over as stdin and stdout to descriptors 3 and 4, then runs Chromium."""


class DevToolsError(RuntimeError):
    """Chromium answered with an error, closed the pipe, or took too long."""


class DevTools:
    """Send commands, await their replies and events on one browser pipe."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._to_browser = to_browser
        self._from_browser = from_browser
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") != self._next_id:
                self._events.append(reply)
                continue
            if "error" in reply:
                raise DevToolsError(f"{method}: {reply['error']}")
            result: dict[str, Any] = reply.get("result", {})
            return result

    def wait_for(self, event: str, *, session: str, timeout: float = 30.0) -> dict[str, Any]:
        """Return the event's parameters once it has arrived for ``session``."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    del self._events[index]
                    parameters: dict[str, Any] = message.get("params", {})
                    return parameters
            self._events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0.0))
            if not ready:
                raise DevToolsError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise DevToolsError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


@contextmanager
def chromium(executable: str, profile: Path, log: Path) -> Iterator[DevTools]:
    """Start headless Chromium with a fresh profile; always kill it (and its helpers) after."""
    to_browser_read, to_browser_write = os.pipe()
    from_browser_read, from_browser_write = os.pipe()
    command = ["/bin/sh", "-c", PIPE_LAUNCHER, executable, *FLAGS]
    command += [f"--user-data-dir={profile}", "--remote-debugging-pipe"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            stdin=to_browser_read,
            stdout=from_browser_write,
            stderr=log_file,
            start_new_session=True,
        )
    os.close(to_browser_read)
    os.close(from_browser_write)
    client = DevTools(to_browser_write, from_browser_read)
    try:
        yield client
    finally:
        with suppress(DevToolsError, OSError):
            client.call("Browser.close", timeout=5.0)
        _stop(process)
        os.close(to_browser_write)
        os.close(from_browser_read)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Wait briefly for Chromium to exit, then kill its process group (only the one we started)."""
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5.0)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10.0)


def open_page(browser: DevTools, url: str, *, width: int, height: int) -> str:
    """Open ``url`` in a new tab of the given viewport size; return the tab's session id."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    attached = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})
    session: str = attached["sessionId"]
    browser.call("Page.enable", session=session)
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    browser.call("Emulation.setDeviceMetricsOverride", metrics, session=session)
    browser.call("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired", session=session, timeout=60.0)
    return session


def evaluate(browser: DevTools, session: str, expression: str) -> Any:
    """The JSON value of a JavaScript expression in the page (awaiting a promise)."""
    reply = browser.call(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session=session,
    )
    if "exceptionDetails" in reply:
        raise DevToolsError(f"JavaScript failed: {reply['exceptionDetails']}")
    return reply["result"].get("value")


def full_page_screenshot(browser: DevTools, session: str) -> bytes:
    """PNG bytes of the whole page, beyond the viewport."""
    size = browser.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = browser.call(
        "Page.captureScreenshot",
        {"format": "png", "clip": clip, "captureBeyondViewport": True},
        session=session,
        timeout=60.0,
    )
    return base64.b64decode(shot["data"])
