"""Commands of ``flask`` and ``python manage.py``, registered by ``register_commands``.

Each command runs inside an application context, so ``current_app`` and the
extensions work; the default bodies only echo what they were given.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("seed-db")
@click.argument("count")
@click.option(
    "--name", default="demo", show_default=True, help="Name prefix for the rows."
)
@with_appcontext
def seed_db_command(count: str, name: str) -> None:
    """Fill the database with demo rows."""
    click.echo(f"seed-db: count={count} name={name}")


def register_commands(app: Flask) -> None:
    """Add the commands above to ``app.cli``."""
    app.cli.add_command(seed_db_command)
