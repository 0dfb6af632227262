"""Commands of ``flask`` and ``python manage.py``, registered by ``register_commands``.

Each command runs inside an application context, so ``current_app`` and the
extensions work; the default bodies only echo what they were given.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("create-user")
@click.argument("username")
@click.option(
    "--admin/--no-admin",
    default=False,
    show_default=True,
    help="Give the user admin rights.",
)
@with_appcontext
def create_user_command(username: str, admin: bool) -> None:
    """Create a user who can log in."""
    click.echo(f"create-user: username={username} admin={admin}")


def register_commands(app: Flask) -> None:
    """Add the commands above to ``app.cli``."""
    app.cli.add_command(create_user_command)
