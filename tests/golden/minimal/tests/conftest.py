"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from hello import create_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fresh_app: the test changes how the app is set up (adds a route, swaps a "
        "loader), so it gets an app of its own instead of the shared one",
    )


def build_app() -> Flask:
    """A new app in the testing profile."""
    return create_app("testing")


@contextmanager
def own_app() -> Iterator[Flask]:
    """A new app, for tests that change how it is set up (once an app has served a
    request, Flask refuses new routes: the shared one cannot take them)."""
    app = build_app()
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


@pytest.fixture()
def app(request: pytest.FixtureRequest, shared_app: Flask) -> Iterator[Flask]:
    """The testing app: the shared one, its config and test client class put back
    after the test; for a test marked
    ``fresh_app``, a new one."""
    if request.node.get_closest_marker("fresh_app"):
        with own_app() as fresh:
            yield fresh
        return
    config = dict(shared_app.config)
    client_class = shared_app.test_client_class
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
