"""User commands (also on ``flask``): ``python manage.py create-user EMAIL``,
``set-password EMAIL``. A password is asked twice, hidden, or read from the
first line of standard input with ``--password-stdin`` (for scripts)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from .forms import MAX_PASSWORD, MIN_PASSWORD
from .users import create_user, find_user

STDIN_HELP = (
    "Read the password from the first line of standard input instead of asking."
)


def new_password(password: str | None, password_stdin: bool) -> str:
    """The password given, read from standard input, or asked twice (hidden); checked
    against the length the sign-up form allows."""
    if password is None and password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        password = str(
            click.prompt("Password", hide_input=True, confirmation_prompt=True)
        )
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.BadParameter(
            f"use {MIN_PASSWORD} to {MAX_PASSWORD} characters", param_hint="password"
        )
    return password


@click.command("create-user")
@click.argument("email")
@click.option("--name", prompt=True, help="The new user's name.")
@click.option("--password", help="The password (asked twice, hidden, when not given).")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@with_appcontext
def create_user_command(
    email: str, name: str, password: str | None, password_stdin: bool
) -> None:
    """Create a user who logs in with EMAIL and a password."""
    chosen = new_password(password, password_stdin)
    user = create_user(email, chosen, name=name)
    if user is None:
        raise click.ClickException(f"a user with email {email!r} already exists")
    click.echo(f"Created user {email}.")


@click.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@with_appcontext
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set the password of the user EMAIL; every session they have ends."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user has email {email!r}")
    user.set_password(new_password(None, password_stdin))
    db.session.commit()
    click.echo(f"Set the password of {email}; their sessions have ended.")
