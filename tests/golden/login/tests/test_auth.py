"""Session login: sign-up, log in and out, create-user and the guards, and what keeps
them safe: CSRF tokens, no open redirect, no account enumeration, hashed passwords and
a fresh session at login. CSRF protection is on here: the tests send the token read
from the page, as a browser does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask, g, url_for
from flask.testing import FlaskClient, FlaskCliRunner
from flask_login import current_user
from flask_sqlalchemy import SQLAlchemy
from limits import parse as parse_limit
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from sessionlogin import create_app
from sessionlogin.access import allow
from sessionlogin.auth import users
from sessionlogin.auth.forms import MAX_PASSWORD
from sessionlogin.auth.views import HOME, is_safe_next
from sessionlogin.config import load_config
from sessionlogin.extensions import db, limiter
from sessionlogin.models import Account, hash_password

LOGIN = "/auth/login"
REGISTER = "/auth/register"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PRODUCTION_ENVIRONMENT = {
    "MAIL_SERVER": "x",
    "SECRET_KEY": "a-long-random-secret-for-the-tests-only",
}
GUARDED: dict[str, tuple[str, str, str | None]] = {  # id -> (method, URL, path)
    "profile": ("GET", "http://localhost/profile", "/profile"),
    "members.lounge": ("GET", "http://localhost/members/", "/members/"),
    "members.notes": ("GET", "http://localhost/members/notes", "/members/notes"),
}
OFFSITE = [
    "http://evil.example/",
    "https://evil.example/x",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.fixture()
def app(app: Flask, request: pytest.FixtureRequest) -> Flask:
    """The testing app with CSRF protection on: the shared one, or for the tests that
    ask for ``probe_app``, that one."""
    if "probe_app" in request.fixturenames:
        app = request.getfixturevalue("probe_app")
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def csrf_token(client: FlaskClient, url: str = LOGIN) -> str:
    """The CSRF token of the form on the page at ``url``."""
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match is not None, "the page has no CSRF token"
    return match.group(1)


def log_in(
    client: FlaskClient, email: str, password: str, next_url: str | None = None
) -> TestResponse:
    """Post the login form (with the token from the page), as a browser does."""
    url = LOGIN if next_url is None else f"{LOGIN}?next={quote(next_url, safe='')}"
    data = {
        "email": email,
        "password": password,
        "csrf_token": csrf_token(client),
    }
    return client.post(url, data=data)


def logged_in_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def home_url(app: Flask) -> str:
    with app.test_request_context():
        return url_for(HOME)


def without_tokens(page: str) -> str:
    return TOKEN.sub("", page)


def test_login_page_shows_the_form(client: FlaskClient) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert TOKEN.search(page) is not None
    assert 'name="email"' in page
    assert 'name="password"' in page


def test_log_in_and_out(
    app: Flask, client: FlaskClient, user: Account, password: str
) -> None:
    response = log_in(client, user.email, password)
    assert response.status_code == 302
    assert response.location == home_url(app)
    assert logged_in_id(client) == user.get_id()
    page = client.get(LOGIN).get_data(as_text=True)
    assert "Log out" in page
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert logged_in_id(client) is None
    page = client.get(LOGIN).get_data(as_text=True)
    assert "Log out" not in page
    assert 'name="password"' in page


def test_logout_is_a_post_with_a_csrf_token(
    client: FlaskClient, user: Account, password: str
) -> None:
    log_in(client, user.email, password)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert logged_in_id(client) == user.get_id()


def test_login_needs_the_csrf_token(
    client: FlaskClient, user: Account, password: str
) -> None:
    data = {"email": user.email, "password": password}
    assert client.post(LOGIN, data=data).status_code == 400
    assert logged_in_id(client) is None


def test_wrong_password_and_unknown_identity_answer_alike(
    client: FlaskClient, user: Account, password: str
) -> None:
    wrong_password = log_in(client, user.email, password + "!")
    unknown = log_in(client, "nobody@example.com", password)
    assert wrong_password.status_code == unknown.status_code == 422
    first = without_tokens(wrong_password.get_data(as_text=True))
    second = without_tokens(unknown.get_data(as_text=True))
    # Each form shows back the email it was sent; nothing else may differ.
    assert first.replace(f'value="{user.email}"', "") == second.replace(
        'value="nobody@example.com"', ""
    )
    assert "Wrong email or password." in first
    assert logged_in_id(client) is None


def test_unknown_identity_still_checks_a_password(
    client: FlaskClient, user: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    log_in(client, "nobody@example.com", "some password")
    assert calls == ["some password"]


def test_login_follows_a_local_next(
    client: FlaskClient, user: Account, password: str
) -> None:
    response = log_in(client, user.email, password, "/some/page?tab=2")
    assert response.status_code == 302
    assert response.location == "/some/page?tab=2"


@pytest.mark.parametrize("target", OFFSITE)
def test_login_ignores_a_next_that_leaves_the_site(
    app: Flask, client: FlaskClient, user: Account, password: str, target: str
) -> None:
    response = log_in(client, user.email, password, target)
    assert response.status_code == 302
    assert response.location == home_url(app)


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/", True), ("/a/b?c=d#e", True), (None, False), ("", False)]
    + [(target, False) for target in OFFSITE],
)
def test_is_safe_next(target: str | None, safe: bool) -> None:
    assert is_safe_next(target) is safe


def test_login_starts_a_fresh_session(
    client: FlaskClient, user: Account, password: str
) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client, user.email, password)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()


def sent_cookies(app: Flask, client: FlaskClient, *names: str) -> str:
    """A Cookie header with ``client``'s cookies of those names, as a thief would copy them."""
    domain = (app.config.get("SERVER_NAME") or "localhost").split(":")[0]
    found = [client.get_cookie(name, domain=domain) for name in names]
    return "; ".join(
        f"{cookie.key}={cookie.value}" for cookie in found if cookie is not None
    )


def logged_in_with(app: Flask, cookies: str) -> bool:
    """Whether a request carrying ``cookies`` is logged in."""
    with app.test_request_context(headers={"Cookie": cookies}):
        return bool(current_user.is_authenticated)


def remember_name(app: Flask) -> str:
    return str(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))


def log_in_remembered(
    app: Flask, client: FlaskClient, user: Account, password: str
) -> str:
    """Log ``client`` in with "remember me"; a copy of its session and remember cookies."""
    data = {
        "email": user.email,
        "password": password,
        "remember": "y",
        "csrf_token": csrf_token(client),
    }
    assert client.post(LOGIN, data=data).status_code == 302
    return sent_cookies(
        app, client, app.config["SESSION_COOKIE_NAME"], remember_name(app)
    )


def test_logout_ends_every_copy_of_the_session_and_remember_cookie(
    app: Flask, client: FlaskClient, user: Account, password: str
) -> None:
    both = log_in_remembered(app, client, user, password)
    remember_only = sent_cookies(app, client, remember_name(app))
    assert (
        remember_only
        and logged_in_with(app, both)
        and logged_in_with(app, remember_only)
    )
    client.post("/auth/logout", data={"csrf_token": csrf_token(client)})
    assert not logged_in_with(app, both)
    assert not logged_in_with(app, remember_only)


def test_a_new_password_ends_the_old_sessions(user: Account) -> None:
    before = user.get_id()
    user.set_password("another long password")
    assert user.get_id() != before
    assert str(user.id) not in (before, user.get_id())


def test_identities_ignore_case_and_spaces(
    client: FlaskClient, user: Account, password: str
) -> None:
    assert users.find_user(" " + user.email.upper() + " ") is user
    response = log_in(client, user.email.upper(), password)
    assert response.status_code == 302
    assert logged_in_id(client) == user.get_id()


def test_an_over_long_password_is_refused_before_it_is_hashed(
    client: FlaskClient, user: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(users, "authenticate", lambda *args: checked.append("x"))
    response = log_in(client, user.email, "x" * (MAX_PASSWORD + 1))
    assert response.status_code == 422
    assert checked == []


@pytest.fixture(scope="module")
def throttled_app(shared_app: Flask) -> Iterator[Flask]:
    """An app with the login throttle on, as every profile but testing has it."""
    throttled = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": shared_app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
        },
    )
    throttled.config["WTF_CSRF_ENABLED"] = True
    with throttled.app_context():
        db.create_all()  # its own connection: an in-memory database starts empty
    yield throttled
    with throttled.app_context():
        db.engine.dispose()  # close its pooled connections, as the shared app fixture does


@pytest.fixture()
def throttled(throttled_app: Flask, database: SQLAlchemy) -> Flask:
    """The throttled app, no attempt counted yet (the ``app`` fixture turns the
    limiter, which all apps share, back off after the test)."""
    limiter.enabled = True
    limiter.reset()
    return throttled_app


def wrong_login(client: FlaskClient, email: str, address: str) -> int:
    client.environ_base["REMOTE_ADDR"] = address
    return log_in(client, email, "a wrong password").status_code


def test_login_attempts_are_throttled_per_identity(
    throttled: Flask, user: Account
) -> None:
    """One email tried from many addresses (a botnet) is stopped."""
    allowed = parse_limit(throttled.config["AUTH_THROTTLE"]).amount
    client = throttled.test_client()
    codes = [
        wrong_login(client, user.email, f"192.0.2.{n + 1}") for n in range(allowed + 1)
    ]
    assert codes == [422] * allowed + [429]


def test_login_attempts_are_throttled_per_address(
    throttled: Flask, user: Account
) -> None:
    """One address trying many emails is stopped."""
    allowed = parse_limit(throttled.config["AUTH_THROTTLE"]).amount
    client = throttled.test_client()
    codes = [
        wrong_login(client, f"{n}{user.email}", "192.0.2.1") for n in range(allowed + 1)
    ]
    assert codes == [422] * allowed + [429]


def test_passwords_are_stored_hashed(user: Account, password: str) -> None:
    stored = user.password_hash
    assert stored is not None
    assert password not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(password)
    assert not user.check_password(password + "!")


def sign_up(client: FlaskClient, **fields: str) -> TestResponse:
    data = {
        "email": "grace@example.com",
        "display_name": "display_name-new",
        "password": "a long new password",
        "confirm": "a long new password",
        "csrf_token": csrf_token(client, REGISTER),
    }
    return client.post(REGISTER, data={**data, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"confirm": "another long password"},
        {"password": "short", "confirm": "short"},
        {"password": "x" * (MAX_PASSWORD + 1), "confirm": "x" * (MAX_PASSWORD + 1)},
    ],
    ids=["passwords differ", "password too short", "password too long"],
)
def test_sign_up_rejects_bad_passwords(
    client: FlaskClient, database: SQLAlchemy, fields: dict[str, str]
) -> None:
    response = sign_up(client, **fields)
    assert response.status_code == 422
    assert users.find_user("grace@example.com") is None


@pytest.mark.parametrize(("method", "url", "path"), GUARDED.values(), ids=list(GUARDED))
def test_guarded_page_sends_anonymous_visitors_to_log_in(
    client: FlaskClient,
    user: Account,
    password: str,
    method: str,
    url: str,
    path: str | None,
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == LOGIN
    assert location.query.startswith("next=")
    if path is None:  # another host: the login cannot send back there
        return
    back = log_in(client, user.email, password, path)
    assert back.status_code == 302
    assert back.location == path
    again = client.open(url, method=method)
    assert again.status_code != 302 or urlsplit(again.location).path != LOGIN


@pytest.fixture(scope="module")
def probe_app(new_app: Callable[[], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    """An app with the routes some tests call to probe the guards (an app that has
    served a request takes no new routes: they are added before it serves)."""
    with new_app() as app:
        app.add_url_rule(
            "/__api_guard__", "api_guard", allow("user", api=True)(lambda: {"ok": True})
        )
        yield app


def test_api_guard_answers_401_as_json(
    probe_app: Flask, client: FlaskClient, user: Account, password: str
) -> None:
    response = client.get("/__api_guard__")
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    log_in(client, user.email, password)
    assert client.get("/__api_guard__").get_json() == {"ok": True}


def test_create_user_asks_twice_for_a_hidden_password(
    runner: FlaskCliRunner, database: SQLAlchemy
) -> None:
    new_password = "a long cli password"
    args = ["create-user", "alan@example.com"]
    answers = ["display_name-new", new_password, new_password]
    result = runner.invoke(args=args, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert new_password not in result.output
    found = users.find_user("alan@example.com")
    assert found is not None
    assert found.check_password(new_password)
    again = runner.invoke(args=args, input="\n".join(answers) + "\n")
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_create_user_refuses_a_short_or_mistyped_password(
    runner: FlaskCliRunner, database: SQLAlchemy
) -> None:
    args = ["create-user", "alan@example.com"]
    fields: list[str] = [
        "display_name-new",
    ]
    short = runner.invoke(
        args=args, input="\n".join([*fields, "short", "short"]) + "\n"
    )
    assert short.exit_code == 2
    mistyped = runner.invoke(
        args=args, input="\n".join([*fields, "a long password", "another one"]) + "\n"
    )
    assert mistyped.exit_code != 0
    assert users.find_user("alan@example.com") is None


def test_create_user_reads_the_password_from_stdin(
    runner: FlaskCliRunner, database: SQLAlchemy
) -> None:
    answers = ["display_name-new", "a long scripted password"]
    args = ["create-user", "alan@example.com", "--password-stdin"]
    result = runner.invoke(args=args, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    found = users.find_user("alan@example.com")
    assert found is not None
    assert found.check_password("a long scripted password")
    assert found.confirmed_at is not None  # made by an admin: nothing to confirm


def test_set_password_sets_it_and_ends_every_session(
    runner: FlaskCliRunner, user: Account
) -> None:
    before = user.get_id()
    args = ["set-password", user.email]
    scripted = runner.invoke(
        args=[*args, "--password-stdin"], input="a long scripted password\n"
    )
    assert scripted.exit_code == 0, scripted.output
    assert user.check_password("a long scripted password")
    assert user.get_id() != before
    asked = runner.invoke(
        args=args, input="another long password\nanother long password\n"
    )
    assert asked.exit_code == 0, asked.output
    assert "another long password" not in asked.output
    assert user.check_password("another long password")
    short = runner.invoke(args=[*args, "--password-stdin"], input="short\n")
    assert short.exit_code == 2
    unknown = runner.invoke(
        args=["set-password", "nobody-" + user.email, "--password-stdin"],
        input="a long password\n",
    )
    assert unknown.exit_code == 1


def test_changing_the_password_needs_a_login(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert urlsplit(response.location).path == LOGIN


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    app: Flask, client: FlaskClient, user: Account, password: str
) -> None:
    copied = log_in_remembered(app, client, user, password)
    new = "a long changed password"
    change = {
        "password": new,
        "confirm": new,
        "csrf_token": csrf_token(client, "/auth/password"),
    }
    wrong = client.post("/auth/password", data={**change, "current": password + "!"})
    assert wrong.status_code == 422
    assert user.check_password(password)
    right = client.post("/auth/password", data={**change, "current": password})
    assert right.status_code == 302
    assert user.check_password(new)
    # Requests share the database fixture's app context, where Flask-Login caches the
    # user of the last request: drop it before each look.
    g.pop("_login_user", None)
    assert not logged_in_with(app, copied)
    g.pop("_login_user", None)
    assert (
        client.get("/auth/password").status_code == 200
    )  # this browser stays logged in


def test_only_the_tests_hash_passwords_cheaply(app: Flask) -> None:
    """The testing profile's PASSWORD_HASH_METHOD makes users quick to create; every
    other profile keeps werkzeug's default, scrypt."""
    assert "PASSWORD_HASH_METHOD" not in load_config(
        "production", PRODUCTION_ENVIRONMENT
    )
    with app.app_context():
        assert hash_password("a password").startswith("pbkdf2:sha256:1000$")
        app.config.pop("PASSWORD_HASH_METHOD")
        assert hash_password("a password").startswith("scrypt:")


def test_production_remember_cookie_is_as_safe_as_the_session_cookie() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    for flag in ("SECURE", "HTTPONLY", "SAMESITE"):
        assert settings[f"REMEMBER_COOKIE_{flag}"] == settings[f"SESSION_COOKIE_{flag}"]
