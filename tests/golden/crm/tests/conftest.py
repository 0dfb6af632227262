"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from factory.random import reseed_random
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.config import PROFILES, FromEnv
from crm.extensions import database_url, db
from crm.factories import FACTORIES


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fresh_app: the test changes how the app is set up (adds a route, swaps a "
        "loader), so it gets an app of its own instead of the shared one",
    )


def build_app() -> Flask:
    """A new app in the testing profile, on the test database with every table created."""
    app = create_app("testing", database_config())
    check_test_database(app)
    with app.app_context():
        db.create_all()
    return app


@contextmanager
def own_app() -> Iterator[Flask]:
    """A new app, for tests that change how it is set up (once an app has served a
    request, Flask refuses new routes: the shared one cannot take them)."""
    app = build_app()
    try:
        yield app
    finally:
        with app.app_context():
            db.create_all()  # put back a table a test dropped: the shared app may use it
        close_app(app)


def close_app(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()  # close pooled connections (a server would keep them open)


@pytest.fixture(scope="session")
def new_app() -> Callable[[], AbstractContextManager[Flask]]:
    """``with new_app() as app:`` an app of the test's (or module's) own, for tests that
    change how it is set up, such as adding a route."""
    return own_app


@pytest.fixture(scope="session")
def check_database() -> Callable[[Flask], None]:
    """``check_database(app)``: stop the run unless ``app``'s database is one for tests."""
    return check_test_database


@pytest.fixture(scope="session")
def shared_app() -> Iterator[Flask]:
    """One app for the whole run (building one is most of what a test would cost):
    the ``app`` fixture lends it to each test and undoes what the test changed."""
    app = build_app()
    with app.app_context():
        empty_tables()  # rows a run that was stopped midway left behind
    yield app
    with app.app_context():
        db.drop_all()
    close_app(app)


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


@pytest.fixture()
def token_for() -> Callable[[FlaskClient], str]:
    """``token_for(client)``: the CSRF token of that client's session, read from
    a page as a browser does (send it as the ``csrf_token`` form field or the ``X-CSRFToken``
    header)."""

    def read(client: FlaskClient) -> str:
        page = client.get("http://localhost/index/").get_data(as_text=True)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert found is not None, "the page has no csrf-token meta tag"
        return found.group(1)

    return read


@pytest.fixture()
def csrf_token(client: FlaskClient, token_for: Callable[[FlaskClient], str]) -> str:
    """The CSRF token of ``client``'s session."""
    return token_for(client)


def database_config() -> dict[str, str]:
    """Config for the test database: TEST_DATABASE_URL when set (say, a PostgreSQL
    server; its tables are emptied after each test and dropped after the run, so never
    point it at data you keep), else the testing profile's own."""
    url = os.environ.get("TEST_DATABASE_URL")
    return {"SQLALCHEMY_DATABASE_URI": url} if url else {}


def allowed_databases() -> set[str]:
    """The databases tests may use: TEST_DATABASE_URL and the one the testing profile
    sets itself (a database it would inherit from another profile is not one)."""
    own = vars(PROFILES["testing"]).get("SQLALCHEMY_DATABASE_URI")
    if isinstance(own, FromEnv):
        own = own.resolve(os.environ)
    urls = {os.environ.get("TEST_DATABASE_URL"), own}
    return {database_url(url) for url in urls if url}


def check_test_database(app: Flask) -> None:
    """Stop the whole run before the tests empty or drop the tables of a database
    someone uses."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in allowed_databases():
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.exit(
            f"refusing to run the tests against {shown}: it is neither TEST_DATABASE_URL "
            "nor the testing profile's own SQLALCHEMY_DATABASE_URI",
            returncode=3,
        )


@pytest.fixture()
def database(app: Flask) -> Iterator[SQLAlchemy]:
    """The app's database, in an app context for the test; afterwards the tables the
    test wrote to are emptied (and their ids start again at 1), so no test sees the rows
    of another."""
    with app.app_context():
        written: set[str] = set()

        def note(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip()[:6].upper() in WRITES:
                found = WRITTEN_TABLE.match(statement)
                written.add(
                    found.group(1) if found else EVERY_TABLE
                )  # a schema change: all

        event.listen(db.engine, "before_cursor_execute", note)
        yield db
        event.remove(db.engine, "before_cursor_execute", note)
        db.session.remove()
        if written:
            empty_tables(None if EVERY_TABLE in written else written)


WRITES = (
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "ALTER",
)  # a statement's first word
WRITTEN_TABLE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?[\s(]', re.IGNORECASE
)
EVERY_TABLE = ""


def empty_tables(only: set[str] | None = None) -> None:
    """Delete every row of every table (or of the tables named ``only``; the others
    are empty already) and start their ids again at 1 (DELETE: far quicker than
    TRUNCATE on tables this small)."""
    tables = [t for t in db.metadata.sorted_tables if only is None or t.name in only]
    with db.engine.begin() as connection:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            # rows that refer to each other are deleted together: checked at commit
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in reversed(tables):
            connection.execute(table.delete())
        if dialect == "postgresql":
            quote = connection.dialect.identifier_preparer.format_table
            keys = [(quote(t), c.name) for t in tables for c in t.primary_key.columns]
            connection.execute(
                RESTART_SEQUENCES,
                {"tables": [t for t, _ in keys], "columns": [c for _, c in keys]},
            )
        elif dialect == "sqlite" and connection.execute(SQLITE_SEQUENCE).first():
            connection.execute(text("DELETE FROM sqlite_sequence"))  # AUTOINCREMENT ids


# The sequences behind the primary keys, set so that each gives 1 next.
RESTART_SEQUENCES = text(
    "SELECT setval(sequence, 1, false) FROM ("
    " SELECT pg_get_serial_sequence(name, key) AS sequence"
    " FROM unnest(CAST(:tables AS text[]), CAST(:columns AS text[])) AS keys(name, key)"
    ") AS found WHERE sequence IS NOT NULL"
)
SQLITE_SEQUENCE = text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")


@pytest.fixture(autouse=True)
def same_rows_every_run() -> None:
    """The factories make the same rows in every run, whatever ran before: Faker's
    seed and each factory's sequence start over for each test."""
    reseed_random(0)
    for made in FACTORIES:
        made.reset_sequence()


@pytest.fixture()
def statements(database: SQLAlchemy) -> Iterator[list[str]]:
    """The SQL statements run during the test, in order (clear the list to count from
    there)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # (connection, cursor, statement, ...)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)
