"""Secrets and cookies: production needs SECRET_KEY and sends safe session cookies;
CSRF protection is on in every profile, testing included, except for ``csrf: false`` views."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mycrm.config import PROFILES, load_config

PRODUCTION_ENVIRONMENT = {"DATABASE_URL": "x", "SECRET_KEY": "a-long-random-secret"}


def test_production_session_cookies_are_secure() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_secret_key_comes_from_the_environment() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SECRET_KEY"] == PRODUCTION_ENVIRONMENT["SECRET_KEY"]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_csrf_is_on_in_every_profile(name: str) -> None:
    settings = load_config(name, PRODUCTION_ENVIRONMENT)
    assert settings.get("WTF_CSRF_ENABLED", True) is True


PROTECTED = {
    "account.login POST": ("POST", "http://crm.test/account/login", 200),
    "order.update PUT": ("PUT", "http://crm.test/orders/1", 200),
    "order.update PATCH": ("PATCH", "http://crm.test/orders/1", 200),
    "order.update DELETE": ("DELETE", "http://crm.test/orders/1", 200),
    "order.remove POST": ("POST", "http://crm.test/orders/1/remove", 204),
}


@pytest.mark.parametrize(("method", "url", "status"), PROTECTED.values(), ids=PROTECTED)
def test_a_request_without_the_csrf_token_gets_400(
    client: FlaskClient, csrf_token: str, method: str, url: str, status: int
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    response = client.open(url, method=method, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
    response = client.open(url, method=method, headers={"X-CSRFToken": csrf_token})
    assert response.status_code == status


EXEMPT = {
    "webhooks.payment POST": ("POST", "http://crm.test/hooks/payment", 200),
}


@pytest.mark.parametrize(("method", "url", "status"), EXEMPT.values(), ids=EXEMPT)
def test_csrf_exempt_view_needs_no_token(
    client: FlaskClient, method: str, url: str, status: int
) -> None:
    assert client.open(url, method=method).status_code == status
