"""Users of the login: loading, checking and creating them.

Passwords are stored only as werkzeug hashes (``User.set_password``).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from ..extensions import db, login_manager
from ..models import User, hash_password


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The logged-in user for Flask-Login, from the session token kept in the session
    or the remember cookie (None once the user logged out or changed the password)."""
    if not token:
        return None
    return db.session.scalar(select(User).where(User.session_token == token))


@cache
def _dummy_hash() -> str:
    """A hash to check passwords against when no user has the identity, so an unknown
    email costs as much time as a wrong password."""
    return hash_password("no user has this password")


def normalise_identity(email: str) -> str:
    """How an email is stored and compared: without surrounding spaces and in
    lower case, so ``ADA@EXAMPLE.COM`` and ``ada@example.com`` are one account."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The user whose email is ``email`` in any case, or None."""
    wanted = normalise_identity(email)
    return db.session.scalar(select(User).where(func.lower(User.email) == wanted))


def authenticate(email: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None. One hash check either way: the
    answer time does not tell whether the email exists."""
    user = find_user(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def create_user(email: str, password: str, name: str) -> User | None:
    """Save a new user with a hashed password; None if the email is taken."""
    if find_user(email) is not None:
        hash_password(password)  # the time a new account takes: no enumeration
        return None
    user = User(email=normalise_identity(email), name=name)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # taken meanwhile by a concurrent request
        db.session.rollback()
        return None
    return user
