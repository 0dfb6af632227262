"""Each command runs with its arguments and options and documents them in --help."""

from __future__ import annotations

import pytest
from flask.testing import FlaskCliRunner

INVOCATIONS = {
    "seed-db with every option": (
        ["seed-db", "3", "--name", "x"],
        "seed-db: count=3 name=x\n",
    ),
    "seed-db with defaults": (["seed-db", "3"], "seed-db: count=3 name=demo\n"),
}
HELP = {
    "seed-db": ["Fill the database with demo rows.", "Name prefix for the rows."],
}


@pytest.mark.parametrize(
    ("args", "output"), INVOCATIONS.values(), ids=list(INVOCATIONS)
)
def test_command_runs(runner: FlaskCliRunner, args: list[str], output: str) -> None:
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output == output


@pytest.mark.parametrize(("name", "texts"), HELP.items(), ids=list(HELP))
def test_command_help(runner: FlaskCliRunner, name: str, texts: list[str]) -> None:
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0, result.output
    for text in texts:
        assert text in " ".join(result.output.split())
