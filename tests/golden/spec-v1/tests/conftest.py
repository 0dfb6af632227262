"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from mycrm import create_app
from mycrm.uploads import UPLOADS


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


def upload_folders(root: Path) -> dict[str, str]:
    """Config that puts every upload's files under ``root``, so no test writes into
    the project's instance folder."""
    return {
        upload.config_key: str(root / "uploads" / upload.name)
        for upload in UPLOADS.values()
    }
