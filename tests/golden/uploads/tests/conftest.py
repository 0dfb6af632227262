"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from fileshare import create_app
from fileshare.uploads import UPLOADS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fresh_app: the test changes how the app is set up (adds a route, swaps a "
        "loader), so it gets an app of its own instead of the shared one",
    )


def build_app(folders: dict[str, str] | None = None) -> Flask:
    """A new app in the testing profile."""
    return create_app("testing", folders)


@contextmanager
def own_app(folders: dict[str, str] | None = None) -> Iterator[Flask]:
    """A new app, for tests that change how it is set up (once an app has served a
    request, Flask refuses new routes: the shared one cannot take them)."""
    app = build_app(folders)
    yield app


@pytest.fixture(scope="session")
def new_app() -> Callable[[], AbstractContextManager[Flask]]:
    """``with new_app() as app:`` an app of the test's (or module's) own, for tests that
    change how it is set up, such as adding a route."""
    return own_app


@pytest.fixture(scope="session")
def shared_app() -> Flask:
    """One app for the whole run (building one is most of what a test would cost):
    the ``app`` fixture lends it to each test and undoes what the test changed."""
    return build_app()


@pytest.fixture(scope="session")
def upload_roots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for each test's uploads, made when the test saves a file there (a
    temporary folder per test would cost every test its making)."""
    base = tmp_path_factory.mktemp("uploads")
    return (base / str(n) for n in itertools.count())


@pytest.fixture()
def app(
    request: pytest.FixtureRequest, shared_app: Flask, upload_roots: Iterator[Path]
) -> Iterator[Flask]:
    """The testing app: the shared one, its config and test client class put back
    after the test (its upload folders are the test's own); for a test marked
    ``fresh_app``, a new one."""
    if request.node.get_closest_marker("fresh_app"):
        with own_app(upload_folders(next(upload_roots))) as fresh:
            yield fresh
        return
    config = dict(shared_app.config)
    client_class = shared_app.test_client_class
    shared_app.config.update(upload_folders(next(upload_roots)))
    yield shared_app
    shared_app.config.clear()
    shared_app.config.update(config)
    shared_app.test_client_class = client_class


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture()
def token_for() -> Callable[[FlaskClient], str]:
    """``token_for(client)``: the CSRF token of that client's session, read from
    a page as a browser does (send it as the ``csrf_token`` form field or the ``X-CSRFToken``
    header)."""

    def read(client: FlaskClient) -> str:
        page = client.get("http://localhost/").get_data(as_text=True)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert found is not None, "the page has no csrf-token meta tag"
        return found.group(1)

    return read


@pytest.fixture()
def csrf_token(client: FlaskClient, token_for: Callable[[FlaskClient], str]) -> str:
    """The CSRF token of ``client``'s session."""
    return token_for(client)


def upload_folders(root: Path) -> dict[str, str]:
    """Config that puts every upload's files under ``root``, so no test writes into
    the project's instance folder."""
    return {
        upload.config_key: str(root / "uploads" / upload.name)
        for upload in UPLOADS.values()
    }
