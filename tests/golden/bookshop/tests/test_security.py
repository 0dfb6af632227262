"""Secrets and cookies: production needs SECRET_KEY and sends safe session cookies;
CSRF protection is on in every profile, testing included, except for ``csrf: false`` views."""

from __future__ import annotations

import pytest

from bookshop.config import PROFILES, load_config

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
