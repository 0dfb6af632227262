"""Configuration profiles.

Pick one with ``create_app("production")`` or the ``FLASK_CONFIG`` environment
variable. A ``FromEnv`` value is read from the environment when the app starts:
``${NAME}`` must be set, ``${NAME:-default}`` falls back to the default when
``NAME`` is unset or empty.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import click


class ConfigError(click.ClickException):
    """The chosen profile cannot be loaded (unknown name, missing variables).

    A click exception, so ``flask ...`` and ``python manage.py ...`` report it as
    ``Error: ...`` instead of a traceback.
    """


class FromEnv:
    """A setting taken from the environment at start-up, such as ``${SECRET_KEY}``."""

    _REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}")

    def __init__(self, template: str) -> None:
        self.template = template

    def __repr__(self) -> str:
        return f"FromEnv({self.template!r})"

    def missing(self, environ: Mapping[str, str]) -> list[str]:
        """Names of required variables that are unset or empty."""
        return [
            match.group(1)
            for match in self._REFERENCE.finditer(self.template)
            if match.group(2) is None and not environ.get(match.group(1))
        ]

    def resolve(self, environ: Mapping[str, str]) -> str:
        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            value = environ.get(name, "")
            if value or default is None:
                return value
            return default[2:]

        return self._REFERENCE.sub(substitute, self.template)


class BaseConfig:
    """The base profile."""

    SQLALCHEMY_DATABASE_URI: str | FromEnv = "sqlite:///mycrm.db"
    BOOTSTRAP_SERVE_LOCAL = True
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    AUTH_THROTTLE = "5 per minute"
    RATELIMIT_STORAGE_URI: str | FromEnv = FromEnv("${REDIS_URL:-memory://}")
    REDIS_URL = FromEnv("${REDIS_URL:-}")
    SECRET_KEY: str | FromEnv = FromEnv("${SECRET_KEY}")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PERMANENT_SESSION_LIFETIME = timedelta(days=31)


class DevelopmentConfig(BaseConfig):
    """The development profile."""

    JOBS_WITHOUT_REDIS = True
    DEBUG = True
    SECRET_KEY: str | FromEnv = FromEnv("${SECRET_KEY:-dev-not-secret}")
    SQLALCHEMY_DATABASE_URI: str | FromEnv = "sqlite:///crm.db"


class TestingConfig(BaseConfig):
    """The testing profile."""

    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SESSION_COOKIE_DOMAIN = "crm.test"
    REMEMBER_COOKIE_DOMAIN = "crm.test"
    RATELIMIT_STORAGE_URI: str | FromEnv = "memory://"
    RATELIMIT_ENABLED = False
    JOBS_RUN_AT_ONCE = True
    TESTING = True
    SECRET_KEY: str | FromEnv = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI: str | FromEnv = "sqlite://"
    SERVER_NAME = "crm.test"


class ProductionConfig(BaseConfig):
    """The production profile."""

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REDIS_URL = FromEnv("${REDIS_URL}")
    SQLALCHEMY_DATABASE_URI: str | FromEnv = FromEnv("${DATABASE_URL}")
    SESSION_COOKIE_SECURE = True


PROFILES: dict[str, type] = {
    "base": BaseConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def default_profile(environ: Mapping[str, str] | None = None) -> str:
    """The profile ``create_app()`` loads when given none: ``FLASK_CONFIG``, else
    ``development`` under the flask command (``python manage.py ...``, ``flask run``:
    a developer's machine), else ``production``. A server such as gunicorn started
    without ``FLASK_CONFIG`` so runs production, which needs a real SECRET_KEY: it
    never serves with development's well-known key."""
    environ = os.environ if environ is None else environ
    if environ.get("FLASK_CONFIG"):
        return environ["FLASK_CONFIG"]
    # Flask's command line sets this before it loads the app.
    return (
        "development" if environ.get("FLASK_RUN_FROM_CLI") == "true" else "production"
    )


def load_config(name: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings of profile ``name``, with environment references resolved."""
    environ = os.environ if environ is None else environ
    try:
        profile = PROFILES[name]
    except KeyError:
        choices = ", ".join(sorted(PROFILES))
        raise ConfigError(
            f"unknown config profile {name!r}; choose one of: {choices}"
        ) from None
    settings: dict[str, Any] = {}
    missing: list[str] = []
    for key in dir(profile):
        if not key.isupper():
            continue
        value = getattr(profile, key)
        if isinstance(value, FromEnv):
            missing += value.missing(environ)
            value = value.resolve(environ)
        settings[key] = value
    if missing:
        names = ", ".join(sorted(set(missing)))
        raise ConfigError(
            f"{profile.__name__} needs the environment variable(s) {names}; "
            "set them in the environment or in .env (see .env.example)"
        )
    return settings
