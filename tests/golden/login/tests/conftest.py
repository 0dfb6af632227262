"""Shared fixtures: an app in the testing profile, its test client and CLI runner."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_login import FlaskLoginClient
from flask_mailman import EmailMessage
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.engine import make_url

from sessionlogin import create_app
from sessionlogin.auth.users import create_user
from sessionlogin.config import PROFILES, FromEnv
from sessionlogin.extensions import database_url, db
from sessionlogin.models import Account

# The user the tests log in as.
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture()
def app() -> Iterator[Flask]:
    app = create_app("testing", database_config())
    check_test_database(app)
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections (a server would keep them open)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture()
def outbox(app: Flask) -> list[EmailMessage]:
    """The mails the app sends during the test, in order: the testing profile keeps
    them in memory (Flask-Mailman's locmem backend) instead of sending them."""
    sent: list[EmailMessage] = []
    app.extensions["mailman"].outbox = sent
    return sent


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


def database_config() -> dict[str, str]:
    """Config for the test database: TEST_DATABASE_URL when set (say, a PostgreSQL
    server; its tables are dropped after each test, so never point it at data you
    keep), else the testing profile's own."""
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
    """Stop the whole run before a test drops the tables of a database someone uses."""
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
    """The app's database with every table created; dropped again afterwards."""
    with app.app_context():
        db.create_all()
        yield db
        db.session.remove()
        db.drop_all()


@pytest.fixture()
def password() -> str:
    """The password of ``user``."""
    return PASSWORD


@pytest.fixture()
def user(database: SQLAlchemy) -> Account:
    """A saved user who logs in with EMAIL and PASSWORD."""
    saved = create_user(
        EMAIL, PASSWORD, display_name="display_name-ada", confirmed=True
    )
    assert saved is not None
    return saved


@pytest.fixture()
def signed_in(app: Flask, user: Account) -> FlaskClient:
    """A test client logged in as ``user`` (Flask-Login's test client)."""
    app.test_client_class = FlaskLoginClient
    return app.test_client(user=user)


@pytest.fixture()
def clients(
    request: pytest.FixtureRequest, client: FlaskClient
) -> Callable[[bool], FlaskClient]:
    """``clients(login)``: the anonymous client, or one logged in (made when asked)."""

    def pick(login: bool) -> FlaskClient:
        return request.getfixturevalue("signed_in") if login else client

    return pick


@pytest.fixture()
def make_user(database: SQLAlchemy) -> Callable[..., Account]:
    """``make_user(*roles)``: a new saved user, without a password
    (tests log in with Flask-Login's test client, so no password is hashed)."""
    numbers = itertools.count(1)

    def make() -> Account:
        n = next(numbers)
        made = Account(email=f"u{n}@example.com", display_name="display_name-new")
        db.session.add(made)
        db.session.commit()
        return made

    return make


@pytest.fixture()
def login_as(app: Flask) -> Callable[[Account], FlaskClient]:
    """``login_as(user)``: a test client logged in as ``user``."""
    app.test_client_class = FlaskLoginClient
    return lambda someone: app.test_client(user=someone)
