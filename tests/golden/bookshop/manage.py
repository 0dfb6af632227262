#!/usr/bin/env python3
"""Management commands: ``python manage.py run``, ``routes``, ``shell``, ``db ...``.

The same commands are available as ``flask --app bookshop ...``.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from bookshop import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Manage Bookshop."""


if __name__ == "__main__":
    cli()
