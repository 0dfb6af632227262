"""User commands (also on ``flask``): ``python manage.py create-user EMAIL``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .forms import MAX_PASSWORD, MIN_PASSWORD
from .users import create_user


@click.command("create-user")
@click.argument("email")
@click.option("--name", prompt=True, help="The new user's name.")
@click.password_option(help="The password (asked twice, hidden, when not given).")
@with_appcontext
def create_user_command(email: str, name: str, password: str) -> None:
    """Create a user who logs in with EMAIL and a password."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.BadParameter(
            f"use {MIN_PASSWORD} to {MAX_PASSWORD} characters", param_hint="password"
        )
    user = create_user(email, password, name=name)
    if user is None:
        raise click.ClickException(f"a user with email {email!r} already exists")
    click.echo(f"Created user {email}.")
