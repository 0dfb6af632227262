"""Config profiles load, and a missing required variable is named at start-up."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from sessionlogin import create_app
from sessionlogin.config import PROFILES, ConfigError, FromEnv, load_config

FULL_ENVIRONMENT = {
    "MAIL_PASSWORD": "example",
    "MAIL_SERVER": "example",
    "MAIL_USERNAME": "example",
    "REDIS_URL": "example",
    "SECRET_KEY": "change-me-to-a-long-random-string",
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_loads(name: str) -> None:
    settings = load_config(name, FULL_ENVIRONMENT)
    assert settings
    assert not any(isinstance(value, FromEnv) for value in settings.values())


def test_testing_profile_is_testing() -> None:
    assert create_app("testing").testing


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown config profile"):
        load_config("nope", FULL_ENVIRONMENT)


def test_command_line_reports_an_unknown_profile_without_a_traceback() -> None:
    cli = FlaskGroup(create_app=create_app, load_dotenv=False)
    result = CliRunner().invoke(cli, ["routes"], env={"FLASK_CONFIG": "nope"})
    assert result.exit_code == 1
    assert "Error: unknown config profile 'nope'" in result.output
    assert "Traceback" not in result.output


def test_base_needs_secret_key() -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("base", environment)


def test_production_needs_mail_server() -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != "MAIL_SERVER"}
    with pytest.raises(ConfigError, match="MAIL_SERVER"):
        load_config("production", environment)


def test_production_needs_secret_key() -> None:
    environment = {k: v for k, v in FULL_ENVIRONMENT.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production", environment)


def test_development_secret_key_has_a_default() -> None:
    assert load_config("development", {})["SECRET_KEY"] == "dev-not-secret"


def test_development_ratelimit_storage_uri_has_a_default() -> None:
    assert load_config("development", {})["RATELIMIT_STORAGE_URI"] == "memory://"
