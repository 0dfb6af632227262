"""Database models: SQLAlchemy 2.0 typed mappings on Flask-SQLAlchemy.

Query with ``db.session`` (``db.session.get(Department, 1)``,
``db.session.scalars(select(Department))``). After changing a model, run
``python manage.py db migrate -m "what changed"`` and review the new revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import Base, db

if TYPE_CHECKING:
    # db.Model is made from Base when the app starts, too late for a type checker;
    # it adds Flask-SQLAlchemy's query helpers, which these models do not rely on.
    Model = Base
else:
    Model = db.Model


class Department(Model):
    """A row of the ``department`` table."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(64), unique=True)

    users: Mapped[list[User]] = relationship(back_populates="department")

    def __repr__(self) -> str:
        return f"<Department id={self.id!r} title={self.title!r}>"


class User(Model):
    """A row of the ``users`` table."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    depart_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))

    department: Mapped[Department | None] = relationship(back_populates="users")

    def __repr__(self) -> str:
        return f"<User id={self.id!r} name={self.name!r}>"
