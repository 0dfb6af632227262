"""``python manage.py seed``: every table gets rows, a second run adds more (taken
unique values are skipped), and a deployed profile is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

from blog import create_app
from blog.extensions import db
from blog.factories import AuthorFactory

# The tables seed fills (auth's roles and tokens are left to their commands), and those
# a second run adds to (a unique column of few values caps the others).
TABLES: list[str] = ["author", "post", "post_tag", "tag"]
GROWING: list[str] = ["author", "post", "post_tag", "tag"]
PRODUCTION_ENVIRONMENT = {
    "DATABASE_URL": "x",
    "SECRET_KEY": "a-long-random-secret-for-the-tests-only",
}


def row_counts() -> dict[str, int]:
    tables = db.metadata.tables
    return {
        name: db.session.scalar(select(func.count()).select_from(tables[name])) or 0
        for name in TABLES
    }


def test_seed_fills_every_table_and_runs_again(
    runner: FlaskCliRunner, database: SQLAlchemy
) -> None:
    first = runner.invoke(args=["seed", "--count", "3"])
    assert first.exit_code == 0, first.output
    once = row_counts()
    assert all(once.values()), once
    second = runner.invoke(args=["seed", "--count", "3"])
    assert second.exit_code == 0, second.output
    twice = row_counts()
    assert all(twice[name] >= once[name] for name in TABLES), (once, twice)
    assert all(twice[name] > once[name] for name in GROWING), (once, twice)


def test_seed_skips_unique_values_already_taken(
    runner: FlaskCliRunner, database: SQLAlchemy
) -> None:
    """A row made by hand holds the values seed would give its fourth row."""
    AuthorFactory.reset_sequence(3)
    AuthorFactory()
    db.session.commit()
    result = runner.invoke(args=["seed", "--count", "5", "--model", "Author"])
    assert result.exit_code == 0, result.output
    assert "Author: added 5 rows (6 in all)" in result.output


def test_seed_refuses_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    app: Flask = create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0
    assert "seed refuses the production profile" in result.output
