"""Database models: SQLAlchemy 2.0 typed mappings on Flask-SQLAlchemy.

Query with ``db.session`` (``db.session.get(Department, 1)``,
``db.session.scalars(select(Department))``). After changing a model, run
``python manage.py db migrate -m "what changed"`` and review the new revision.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
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


user_tag = db.Table(
    "user_tag",
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Model):
    """A row of the ``department`` table."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(64), unique=True)

    users: Mapped[list[User]] = relationship(
        back_populates="department", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Department id={self.id!r} title={self.title!r}>"


class User(UserMixin, Model):
    """A row of the ``users`` table."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    bio: Mapped[str | None] = mapped_column(Text())
    active: Mapped[bool | None] = mapped_column(default=True)
    joined: Mapped[datetime.date | None]
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True), index=True, default=utcnow
    )
    depart_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE")
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    department: Mapped[Department | None] = relationship(back_populates="users")
    tags: Mapped[list[Tag]] = relationship(secondary=user_tag, back_populates="users")

    def __repr__(self) -> str:
        return f"<User id={self.id!r} name={self.name!r}>"

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


class Tag(Model):
    """A row of the ``tag`` table."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30))

    users: Mapped[list[User]] = relationship(secondary=user_tag, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag id={self.id!r} label={self.label!r}>"
