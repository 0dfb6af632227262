"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from fileshare import create_app
from fileshare.uploads import UPLOADS


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("testing", upload_folders(tmp_path))
    yield app


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
