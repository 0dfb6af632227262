"""Each command the spec declares exists, runs with its arguments and options (exit 0)
and documents them in --help. What a command prints is its own business: the tests do
not pin the generated placeholder body, which is there to be replaced."""

from __future__ import annotations

import pytest
from flask.testing import FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy

INVOCATIONS = {
    "seed-db with every option": ["seed-db", "3", "--name", "x"],
    "seed-db with defaults": ["seed-db", "3"],
}
HELP = {
    "seed-db": ["Fill the database with demo rows.", "Name prefix for the rows."],
}


@pytest.mark.parametrize("args", INVOCATIONS.values(), ids=list(INVOCATIONS))
def test_command_runs(
    runner: FlaskCliRunner, database: SQLAlchemy, args: list[str]
) -> None:
    """Run against the test database with its tables, as a command that uses it needs."""
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("name", "texts"), HELP.items(), ids=list(HELP))
def test_command_help(runner: FlaskCliRunner, name: str, texts: list[str]) -> None:
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0, result.output
    for text in texts:
        assert text in " ".join(result.output.split())
