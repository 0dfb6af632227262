"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy

from bookshop import create_app
from bookshop.extensions import db
from bookshop.uploads import UPLOADS


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("testing", upload_folders(tmp_path) | database_config())
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections (a server would keep them open)


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


def database_config() -> dict[str, str]:
    """Config for the test database: TEST_DATABASE_URL when set (say, a PostgreSQL
    server; its tables are dropped after each test, so never point it at data you
    keep), else the testing profile's own."""
    url = os.environ.get("TEST_DATABASE_URL")
    return {"SQLALCHEMY_DATABASE_URI": url} if url else {}


@pytest.fixture()
def database(app: Flask) -> Iterator[SQLAlchemy]:
    """The app's database with every table created; dropped again afterwards."""
    with app.app_context():
        db.create_all()
        yield db
        db.session.remove()
        db.drop_all()
