"""User commands (also on ``flask``): ``python manage.py create-user EMAIL``,
``set-role EMAIL ROLE`` and ``unset-role EMAIL ROLE``, ``create-token EMAIL``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from .forms import MAX_PASSWORD, MIN_PASSWORD
from .tokens import issue_token
from .users import ROLES, create_user, find_user, grant_role, revoke_role


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
@click.password_option(help="The password (asked twice, hidden, when not given).")
@with_appcontext
def create_user_command(
    email: str, name: str, roles: tuple[str, ...], password: str
) -> None:
    """Create a user who logs in with EMAIL and a password."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.BadParameter(
            f"use {MIN_PASSWORD} to {MAX_PASSWORD} characters", param_hint="password"
        )
    user = create_user(email, password, name=name)
    if user is None:
        raise click.ClickException(f"a user with email {email!r} already exists")
    for role in roles:
        grant_role(user, role)
    db.session.commit()
    click.echo(f"Created user {email}.")


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
