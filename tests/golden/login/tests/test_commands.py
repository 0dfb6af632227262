"""Each command runs with its arguments and options and documents them in --help."""

from __future__ import annotations

import pytest
from flask.testing import FlaskCliRunner

INVOCATIONS = {
    "create-user with every option": (
        ["create-user", "3", "--admin"],
        "create-user: username=3 admin=True\n",
    ),
    "create-user with defaults": (
        ["create-user", "3"],
        "create-user: username=3 admin=False\n",
    ),
}
HELP = {
    "create-user": ["Create a user who can log in.", "Give the user admin rights."],
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
