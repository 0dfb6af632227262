"""Users of the login: loading, checking and creating them.

Passwords are stored only as werkzeug hashes (``Staff.set_password``).
"""

from __future__ import annotations

from functools import cache

from flask import Request, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from ..api import is_api_request
from ..extensions import db, login_manager
from ..models import Role, Staff, hash_password
from .tokens import bearer_token, user_for_token

ROLES = ("admin", "staff")  # auth.roles


@login_manager.user_loader
def load_user(token: str) -> Staff | None:
    """The logged-in user for Flask-Login, from the session token kept in the session
    or the remember cookie (None once the user logged out or changed the password)."""
    if is_api_request() and "Authorization" in request.headers:
        return None  # on the API the Authorization header decides: its token's user, or nobody
    if not token:
        return None
    return db.session.scalar(select(Staff).where(Staff.session_token == token))


@login_manager.request_loader
def load_user_from_token(request: Request) -> Staff | None:
    """The user of a bearer token, for a request to the JSON API only: a token never
    opens a page (unknown and revoked tokens: nobody, so the API answers 401)."""
    token = bearer_token(request)
    if token is None or not is_api_request():
        return None
    return user_for_token(token)


@cache
def _dummy_hash() -> str:
    """A hash to check passwords against when no user has the identity, so an unknown
    email costs as much time as a wrong password."""
    return hash_password("no user has this password")


def normalise_identity(email: str) -> str:
    """How an email is stored and compared: without surrounding spaces and in
    lower case, so ``ADA@EXAMPLE.COM`` and ``ada@example.com`` are one account."""
    return email.strip().lower()


def find_user(email: str) -> Staff | None:
    """The user whose email is ``email`` in any case, or None."""
    wanted = normalise_identity(email)
    return db.session.scalar(select(Staff).where(func.lower(Staff.email) == wanted))


def authenticate(email: str, password: str) -> Staff | None:
    """The user if ``password`` is theirs, else None. One hash check either way: the
    answer time does not tell whether the email exists."""
    user = find_user(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def create_user(email: str, password: str, name: str) -> Staff | None:
    """Save a new user with a hashed password; None if the email is taken."""
    if find_user(email) is not None:
        hash_password(password)  # the time a new account takes: no enumeration
        return None
    user = Staff(email=normalise_identity(email), name=name)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # taken meanwhile by a concurrent request
        db.session.rollback()
        return None
    return user


def grant_role(user: Staff, name: str) -> None:
    """Give ``user`` the role ``name`` (one of ROLES); the caller commits."""
    if name not in ROLES:
        raise ValueError(f"unknown role {name!r}; the roles are {', '.join(ROLES)}")
    role = db.session.scalar(select(Role).where(Role.name == name))
    if role is None:
        role = Role(name=name)
        db.session.add(role)
    if role not in user.roles:
        user.roles.append(role)


def revoke_role(user: Staff, name: str) -> None:
    """Take the role ``name`` from ``user``; the caller commits."""
    user.roles = [role for role in user.roles if role.name != name]
