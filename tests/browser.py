"""Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in a NUL byte on file descriptors 3 and 4), with the standard
library only: open a page, run a script in it, click and wait for the next page, take
a screenshot. Every wait is bounded; the browser stops when the context ends."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Flags for a headless run that reaches nothing but the page's own server.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Every host name but the server's fails to resolve: a page that needs a CDN shows it.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
WAIT = 30.0  # seconds any one step may take


class BrowserError(AssertionError):
    """The browser did not answer as expected (a step failed or took too long)."""


class Page:
    """The one tab of a headless Chromium, attached over the pipe."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
        self._process, self._out, self._in = process, to_browser, from_browser
        self._buffer = b""
        self._next_id = 0
        self._session = ""
        self.events: list[dict[str, Any]] = []  # every event received, in order
        targets = self._call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self._session = self._call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("the browser did not answer in time")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise BrowserError("the browser closed its pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session:
            message["sessionId"] = self._session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + WAIT
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self.events.append(answer)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command to the page; its result."""
        return self._call(method, **params)

    def _wait_for_load(self, since: int) -> None:
        deadline = time.monotonic() + WAIT
        while not any(e["method"] == "Page.loadEventFired" for e in self.events[since:]):
            self.events.append(self._read(deadline))

    def open(self, url: str) -> None:
        """Load ``url`` and wait until the page has loaded."""
        since = len(self.events)
        self.send("Page.navigate", url=url)
        self._wait_for_load(since)

    def run(self, script: str) -> Any:
        """The value of a JavaScript expression evaluated in the page."""
        result = self.send("Runtime.evaluate", expression=script, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{script}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def follow(self, script: str) -> None:
        """Run ``script`` (a click, a submit) and wait for the page it leads to."""
        since = len(self.events)
        self.run(script)
        self._wait_for_load(since)

    def wait_until(self, script: str) -> None:
        """Until ``script`` is true in the page (polled), within the time limit."""
        deadline = time.monotonic() + WAIT
        while not self.run(script):
            if time.monotonic() > deadline:
                raise BrowserError(f"never true: {script}")
            time.sleep(0.1)

    def size(self, width: int, height: int) -> None:
        """Lay the page out as a window of this size."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)

    def screenshot(self, path: Path, full: bool = True) -> Path:
        """A PNG of the page (the whole page when ``full``) saved at ``path``."""
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=full)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def log_entries(self) -> list[str]:
        """The text of every console and browser log entry so far (a CSP refusal is one)."""
        texts = []
        for event in self.events:
            if event["method"] == "Log.entryAdded":
                texts.append(event["params"]["entry"].get("text", ""))
            elif event["method"] == "Runtime.consoleAPICalled":
                texts += [str(arg.get("value", "")) for arg in event["params"].get("args", [])]
        return texts


@contextmanager
def chromium_page(chromium: str, profile: Path) -> Iterator[Page]:
    """A headless Chromium with one blank tab; stopped on the way out."""
    to_read, to_write = os.pipe()  # commands: we write, the browser reads on fd 3
    from_read, from_write = os.pipe()  # answers: the browser writes on fd 4

    def on_fds_3_and_4() -> None:
        # Through fds above 9 first: a pipe end may itself be 3 or 4, and dup2 onto
        # the same number would keep it close-on-exec.
        reading, writing = fcntl.fcntl(to_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_write, fcntl.F_DUPFD, 10)
        os.dup2(reading, 3)
        os.dup2(writing, 4)

    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=on_fds_3_and_4
    )
    os.close(to_read)
    os.close(from_write)
    try:
        yield Page(process, to_write, from_read)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(to_write)
        os.close(from_read)
