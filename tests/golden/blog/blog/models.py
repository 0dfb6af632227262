"""Database models: SQLAlchemy 2.0 typed mappings on Flask-SQLAlchemy.

Query with ``db.session`` (``db.session.get(Author, 1)``,
``db.session.scalars(select(Author))``). After changing a model, run
``python manage.py db migrate -m "what changed"`` and review the new revision.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


def utc_today() -> datetime.date:
    """Today's date in UTC; the ``now`` default of date columns."""
    return utcnow().date()


post_tag = db.Table(
    "post_tag",
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Author(Model):
    """Someone who writes posts."""

    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    bio: Mapped[str | None] = mapped_column(Text())
    joined_on: Mapped[datetime.date | None] = mapped_column(default=utc_today)
    karma: Mapped[int] = mapped_column(BigInteger(), default=0)

    posts: Mapped[list[Post]] = relationship(
        back_populates="author", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Author id={self.id!r} name={self.name!r}>"


class Post(Model):
    """A row of the ``post`` table."""

    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text(), default="")
    status: Mapped[str] = mapped_column(
        Enum(
            "draft",
            "published",
            "archived",
            name="post_status",
            native_enum=False,
            length=9,
        ),
        default="draft",
    )
    rating: Mapped[float | None] = mapped_column(Float())
    price: Mapped[decimal.Decimal | None] = mapped_column(Numeric(10, 2))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    cover: Mapped[bytes | None]
    published_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    reading_time: Mapped[datetime.time | None]
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("author.id", ondelete="CASCADE"), index=True
    )

    author: Mapped[Author] = relationship(back_populates="posts")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, back_populates="posts")

    def __repr__(self) -> str:
        return f"<Post id={self.id!r} title={self.title!r}>"


class Tag(Model):
    """A row of the ``tag`` table."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30), unique=True)

    posts: Mapped[list[Post]] = relationship(secondary=post_tag, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag id={self.id!r} label={self.label!r}>"
