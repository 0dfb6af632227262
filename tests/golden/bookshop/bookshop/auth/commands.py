"""User commands (also on ``flask``): ``python manage.py create-user EMAIL``,
``set-password EMAIL``, ``set-role EMAIL ROLE`` and ``unset-role EMAIL ROLE``,
``create-token EMAIL``. A password is asked twice, hidden, or read from the
first line of standard input with ``--password-stdin`` (for scripts)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from .forms import MAX_PASSWORD, MIN_PASSWORD
from .tokens import issue_token
from .users import ROLES, create_user, find_user, grant_role, revoke_role

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
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES),
    help="A role to give (repeatable).",
)
@click.option("--password", help="The password (asked twice, hidden, when not given).")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@with_appcontext
def create_user_command(
    email: str,
    name: str,
    roles: tuple[str, ...],
    password: str | None,
    password_stdin: bool,
) -> None:
    """Create a user who logs in with EMAIL and a password."""
    chosen = new_password(password, password_stdin)
    user = create_user(email, chosen, name=name)
    if user is None:
        raise click.ClickException(f"a user with email {email!r} already exists")
    for role in roles:
        grant_role(user, role)
    db.session.commit()
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


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role_command(email: str, role: str) -> None:
    """Give the user EMAIL the role ROLE (at once: roles are read on every request)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user has email {email!r}")
    grant_role(user, role)
    db.session.commit()
    click.echo(f"{email} has the role {role}.")


@click.command("unset-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def unset_role_command(email: str, role: str) -> None:
    """Take the role ROLE from the user EMAIL."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user has email {email!r}")
    revoke_role(user, role)
    db.session.commit()
    click.echo(f"{email} no longer has the role {role}.")


@click.command("create-token")
@click.argument("email")
@click.option(
    "--name", default="command line", show_default=True, help="What the token is for."
)
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Make an API bearer token for the user EMAIL and print it (the only time it is shown)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user has email {email!r}")
    click.echo(issue_token(user, name))
