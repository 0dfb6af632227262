"""Secrets, cookies and headers: production needs a real SECRET_KEY and sends safe
session cookies; every response carries the security headers; request bodies are
limited; CSRF protection is on in every profile, testing included, except
for ``csrf: false`` views."""

from __future__ import annotations

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.exceptions import RequestEntityTooLarge

from sessionlogin import create_app
from sessionlogin.config import PROFILES, ConfigError, default_profile, load_config
from sessionlogin.security import MIN_SECRET_KEY_BYTES

PRODUCTION_ENVIRONMENT = {
    "MAIL_SERVER": "x",
    "SECRET_KEY": "a-long-random-secret-for-the-tests-only",
}
# What a production app needs in the tests besides its environment.
PRODUCTION_OVERRIDES: dict[str, str] = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
# A path no route of the app answers: its 404 carries the headers like every response.
NOWHERE = "/no-such-page/for-the-security-tests"


@pytest.fixture()
def production_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def test_production_session_cookies_are_secure() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_secret_key_comes_from_the_environment() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SECRET_KEY"] == PRODUCTION_ENVIRONMENT["SECRET_KEY"]


def test_a_deployed_profile_refuses_a_short_secret_key(
    production_environment: None,
) -> None:
    with pytest.raises(ConfigError, match=f"at least {MIN_SECRET_KEY_BYTES} bytes"):
        create_app(
            "production",
            {**PRODUCTION_OVERRIDES, "SECRET_KEY": "x" * (MIN_SECRET_KEY_BYTES - 1)},
        )
    create_app(
        "production", {**PRODUCTION_OVERRIDES, "SECRET_KEY": "x" * MIN_SECRET_KEY_BYTES}
    )


@pytest.mark.parametrize(
    ("environ", "profile"),
    [
        ({}, "production"),  # a server process that names no profile
        ({"FLASK_RUN_FROM_CLI": "true"}, "development"),  # manage.py / flask run
        ({"FLASK_CONFIG": "testing", "FLASK_RUN_FROM_CLI": "true"}, "testing"),
    ],
)
def test_the_profile_when_none_is_named(environ: dict[str, str], profile: str) -> None:
    assert default_profile(environ) == profile


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    headers = client.get(NOWHERE).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    # The values security.py sets, unless a hook of the app's own set one first.
    assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert headers["Referrer-Policy"] in (
        "strict-origin-when-cross-origin",
        "same-origin",
        "no-referrer",
    )
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]  # no inline script
    assert (
        "Strict-Transport-Security" not in headers
    )  # only a deployed profile, over HTTPS


def test_production_tells_browsers_to_keep_to_https(
    production_environment: None,
) -> None:
    app = create_app("production", PRODUCTION_OVERRIDES)
    response = app.test_client().get(NOWHERE, base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_request_body_over_the_limit_is_refused(app: Flask) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit is not None
    with app.test_request_context("/", method="POST", data=b"x" * (limit + 1)):
        with pytest.raises(RequestEntityTooLarge):
            request.get_data()


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_csrf_is_on_in_every_profile(name: str) -> None:
    settings = load_config(name, PRODUCTION_ENVIRONMENT)
    assert settings.get("WTF_CSRF_ENABLED", True) is True
