"""Database models: SQLAlchemy 2.0 typed mappings on Flask-SQLAlchemy.

Query with ``db.session`` (``db.session.get(Account, 1)``,
``db.session.scalars(select(Account))``). After changing a model, run
``python manage.py db migrate -m "what changed"`` and review the new revision.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import Base, db

if TYPE_CHECKING:
    # db.Model is made from Base when the app starts, too late for a type checker;
    # it adds Flask-SQLAlchemy's query helpers, which these models do not rely on.
    Model = Base
else:
    Model = db.Model


def utcnow() -> datetime.datetime:
    """The current time in UTC (timezone-aware); the ``now`` default of datetime columns."""
    return datetime.datetime.now(datetime.UTC)


def hash_password(password: str) -> str:
    """A salted hash of ``password`` with werkzeug's default method (scrypt), or with the
    profile's ``PASSWORD_HASH_METHOD``: the testing profile sets a cheap one, so a test
    that makes users takes milliseconds, not a quarter of a second each."""
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    return (
        generate_password_hash(password, method)
        if method
        else generate_password_hash(password)
    )


class Account(UserMixin, Model):
    """A person who can log in."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True)
    )

    def __repr__(self) -> str:
        return f"<Account id={self.id!r} email={self.email!r}>"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (``hash_password``), never the password
        itself, and end every session opened with the old one."""
        self.password_hash = hash_password(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches the stored hash (False while none is set)."""
        if self.password_hash is None:
            return False
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Log out everywhere: every session and remember cookie that carries the old
        token stops working (commit to make it so)."""
        self.session_token = secrets.token_urlsafe(32)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the session
        token, not the primary key, so :meth:`end_sessions` can revoke them."""
        if self.session_token is None:
            self.end_sessions()
        return str(self.session_token)

    def confirm(self) -> None:
        """Mark the address confirmed: the account may log in from now on (commit to make it so)."""
        self.confirmed_at = utcnow()
