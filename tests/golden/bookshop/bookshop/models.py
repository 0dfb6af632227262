"""Database models: SQLAlchemy 2.0 typed mappings on Flask-SQLAlchemy.

Query with ``db.session`` (``db.session.get(Staff, 1)``,
``db.session.scalars(select(Staff))``). After changing a model, run
``python manage.py db migrate -m "what changed"`` and review the new revision.
"""

from __future__ import annotations

import datetime
import decimal
import secrets
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Column, DateTime, Enum, ForeignKey, Numeric, String, Text
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


book_tag = db.Table(
    "book_tag",
    Column("book_id", ForeignKey("book.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


staff_role = db.Table(
    "staff_role",
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)


class Staff(UserMixin, Model):
    """A row of the ``staff`` table."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    roles: Mapped[list[Role]] = relationship(
        secondary=staff_role, back_populates="users"
    )
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Staff id={self.id!r} name={self.name!r}>"

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


class Author(Model):
    """A row of the ``author`` table."""

    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    bio: Mapped[str | None] = mapped_column(Text())
    born: Mapped[datetime.date | None]

    books: Mapped[list[Book]] = relationship(back_populates="author")

    def __repr__(self) -> str:
        return f"<Author id={self.id!r} name={self.name!r}>"


class Book(Model):
    """A row of the ``book`` table."""

    __tablename__ = "book"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    format: Mapped[str] = mapped_column(
        Enum(
            "hardcover",
            "paperback",
            "ebook",
            name="book_format",
            native_enum=False,
            length=9,
        ),
        default="paperback",
    )
    pages: Mapped[int | None]
    price: Mapped[decimal.Decimal | None] = mapped_column(Numeric(8, 2))
    in_stock: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), index=True, default=utcnow
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)

    author: Mapped[Author] = relationship(back_populates="books")
    tags: Mapped[list[Tag]] = relationship(secondary=book_tag, back_populates="books")

    def __repr__(self) -> str:
        return f"<Book id={self.id!r} title={self.title!r}>"


class Tag(Model):
    """A row of the ``tag`` table."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)

    books: Mapped[list[Book]] = relationship(secondary=book_tag, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag id={self.id!r} name={self.name!r}>"


class Role(Model):
    """A named role (auth.roles); access rules name roles, and a user holds any number."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    users: Mapped[list[Staff]] = relationship(
        secondary=staff_role, back_populates="roles"
    )

    def __repr__(self) -> str:
        return f"<Role id={self.id!r} name={self.name!r}>"


class ApiToken(Model):
    """An API bearer token (auth.tokens): stored hashed, revocable, for the JSON API only."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True)
    )

    user: Mapped[Staff] = relationship(
        back_populates="api_tokens", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<ApiToken id={self.id!r} name={self.name!r}>"
