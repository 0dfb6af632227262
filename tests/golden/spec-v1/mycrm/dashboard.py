"""The home page's dashboard: for each resource the visitor may read, how many rows it
has, a link to its list and its newest rows (templates call ``dashboard()``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from .access import may
from .extensions import db
from .models import Department, User

NEWEST = 3  # rows each card lists


@dataclass(frozen=True)
class Source:
    """A resource the dashboard shows: its key, title, model, label column (None: the
    row is "<title> #<key>") and the column whose descending order is "newest first"."""

    key: str
    title: str
    row_title: str
    model: type[Any]
    label: InstrumentedAttribute[Any] | None
    newest: InstrumentedAttribute[Any]
    pk: str
    owned: bool = False  # the read rule names owner: the visitor counts their own rows


@dataclass(frozen=True)
class Card:
    """One resource on the dashboard."""

    key: str
    title: str
    url: str
    count: int
    rows: list[tuple[str, str]]  # (name, URL) of the newest rows


SOURCES = (
    Source(
        "departments",
        "Departments",
        "Department",
        Department,
        Department.title,
        Department.id,
        "id",
    ),
    Source("users", "People", "Person", User, User.email, User.created_at, "id"),
)


def _card(source: Source) -> Card:
    stmt = select(source.model)
    count = (
        db.session.scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        )
        or 0
    )
    key_column = getattr(
        source.model, source.pk
    )  # breaks ties: rows made in the same second
    rows = db.session.scalars(
        stmt.order_by(source.newest.desc(), key_column.desc()).limit(NEWEST)
    )
    named = []
    for row in rows:
        key = getattr(row, source.pk)
        name = getattr(row, source.label.key) if source.label is not None else None
        text = f"{source.row_title} #{key}" if name is None else str(name)
        named.append((text, url_for(f"{source.key}.show", **{source.pk: key})))
    return Card(source.key, source.title, url_for(f"{source.key}.index"), count, named)


def dashboard() -> list[Card]:
    """A card per resource the visitor may read."""
    return [_card(source) for source in SOURCES if may(source.key, "read")]


def register_dashboard(app: Flask) -> None:
    """Let templates call ``dashboard()``."""
    app.add_template_global(dashboard)
