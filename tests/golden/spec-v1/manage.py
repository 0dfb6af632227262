#!/usr/bin/env python3
"""Management commands: ``python manage.py run``, ``routes``, ``shell``, ``db ...``, ``seed-db``.

The same commands are available as ``flask --app mycrm ...``.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from mycrm import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Manage Mini CRM."""


if __name__ == "__main__":
    cli()
