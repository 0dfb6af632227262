"""Management commands: ``python manage.py run``, ``routes``, ``shell``, ``db ...``.

The same commands are available as ``flask --app bookshop ...``.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from bookshop import create_app
from bookshop.config import ConfigError


def make_app() -> Flask:
    """The app for the command line; a config problem is reported without a traceback."""
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=FlaskGroup, create_app=make_app)
def cli() -> None:
    """Manage Bookshop."""


if __name__ == "__main__":
    cli()
