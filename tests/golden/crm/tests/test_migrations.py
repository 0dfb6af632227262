"""The shipped migrations build exactly the schema the models describe, and undo it;
the tests only ever touch a database made for tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from crm import create_app
from crm.config import PROFILES
from crm.extensions import db


def _start_empty() -> None:
    """Drop what an earlier run may have left (a shared test server)."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.mark.fresh_app  # drops the tables: the shared app keeps its own
def test_upgrade_matches_models_and_downgrade_drops_all(app: Flask) -> None:
    with app.app_context():
        _start_empty()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True}
            )
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_testing_profile_has_a_database_of_its_own() -> None:
    assert "SQLALCHEMY_DATABASE_URI" in vars(PROFILES["testing"])


def test_tests_refuse_a_database_that_is_not_for_tests(
    monkeypatch: pytest.MonkeyPatch, check_database: Callable[[Flask], None]
) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite:///kept-data.db"})
    with pytest.raises(pytest.exit.Exception, match="refusing to run the tests"):
        check_database(app)


def test_tests_accept_test_database_url(
    monkeypatch: pytest.MonkeyPatch, check_database: Callable[[Flask], None]
) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", "sqlite:///scratch.db")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite:///scratch.db"})
    check_database(app)
