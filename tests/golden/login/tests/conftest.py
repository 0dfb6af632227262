"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import re
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


@pytest.fixture()
def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of ``client``'s session, read from a page as a browser
    does (send it as the ``csrf_token`` form field or the ``X-CSRFToken`` header)."""
    page = client.get("http://localhost/").get_data(as_text=True)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found is not None, "the page has no csrf-token meta tag"
    return found.group(1)
