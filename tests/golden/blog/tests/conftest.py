"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy

from blog import create_app
from blog.extensions import db


@pytest.fixture()
def app() -> Iterator[Flask]:
    app = create_app("testing", database_config())
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections (a server would keep them open)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


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
