"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from sessionlogin import create_app


@pytest.fixture()
def app() -> Iterator[Flask]:
    app = create_app("testing")
    yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
