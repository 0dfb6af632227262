"""The generated API documentation as a browser shows it: the bookshop is served by
gunicorn on 127.0.0.1 (with its own security headers, Content-Security-Policy included),
headless Chromium loads ``/api/docs`` with no network beyond that server, and Swagger UI
must have drawn every operation of the OpenAPI document the app serves (a UI that cannot
read the document, or whose script the policy blocks, draws none)."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, GenEnv
from tests.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.browser]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BROWSER_TIMEOUT = 120  # seconds for Chromium to load, run and dump the page
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
    # Every host name but the server's fails to resolve: a page that needs a CDN draws nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


class OperationsDrawn(HTMLParser):
    """(METHOD, path, summary) of every operation Swagger UI drew, and the page's
    inline scripts (a ``<script>`` without ``src``)."""

    def __init__(self) -> None:
        super().__init__()
        self.operations: set[tuple[str, str, str]] = set()
        self.inline_scripts = 0
        self._method = self._path = ""
        self._reading = ""  # "method" or "summary" while inside that element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "script" and not found.get("src"):
            self.inline_scripts += 1
        elif "opblock-summary-method" in classes:
            self._reading, self._method = "method", ""
        elif "opblock-summary-path" in classes:
            self._path = found.get("data-path") or ""
        elif "opblock-summary-description" in classes:
            self._reading = "summary"
            self.operations.add((self._method, self._path, ""))

    def handle_data(self, data: str) -> None:
        if self._reading == "method":
            self._method += data.strip()
        elif self._reading == "summary":
            self.operations.discard((self._method, self._path, ""))
            self.operations.add((self._method, self._path, data.strip()))

    def handle_endtag(self, tag: str) -> None:
        self._reading = ""


def operations_in(document: dict[str, object]) -> set[tuple[str, str, str]]:
    """(METHOD, path, summary) of every operation of an OpenAPI document."""
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {
        (method.upper(), path, operation.get("summary", ""))
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    }


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        document: dict[str, object] = json.load(response)
        return document


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The DOM of ``url`` once its scripts have run, as headless Chromium serializes it."""
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def test_swagger_ui_draws_every_operation(generate, gen_env: GenEnv, chromium: str, tmp_path: Path) -> None:
    project = generate(EXAMPLES / "bookshop.yaml")
    gen_env.install(project)
    env = {"FLASK_CONFIG": "development", "SECRET_KEY": "x" * 32}
    with gunicorn(gen_env, project, "bookshop:create_app()", env) as base:
        document = _get_json(f"{base}/api/openapi.json")
        dom = dump_dom(chromium, f"{base}/api/docs", tmp_path / "profile")
    drawn = OperationsDrawn()
    drawn.feed(dom)
    expected = operations_in(document)
    assert len(expected) == 18  # authors, books and tags: list, create, get, put, patch, delete
    assert drawn.operations == expected, dom[-4000:]
    assert drawn.inline_scripts == 0  # the initializer is a static file (Content-Security-Policy)
