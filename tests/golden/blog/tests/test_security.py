"""Secrets and cookies: production needs SECRET_KEY and sends safe session cookies."""

from __future__ import annotations

from blog.config import load_config

PRODUCTION_ENVIRONMENT = {"DATABASE_URL": "x", "SECRET_KEY": "a-long-random-secret"}


def test_production_session_cookies_are_secure() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_secret_key_comes_from_the_environment() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["SECRET_KEY"] == PRODUCTION_ENVIRONMENT["SECRET_KEY"]
