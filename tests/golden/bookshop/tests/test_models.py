"""Each model can be created, read back and deleted; each relationship works both ways.

The rows come from the factories in ``bookshop/factories.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from bookshop.extensions import db
from bookshop.factories import (
    FACTORIES,
    ApiTokenFactory,
    AuthorFactory,
    BookFactory,
    ModelFactory,
    RoleFactory,
    StaffFactory,
    TagFactory,
)


def key(row: Any) -> Any:
    return inspect(row).identity


def keys(value: Any) -> list[Any]:
    """The keys of a relationship's rows (a list, or one row or None)."""
    rows = value if isinstance(value, list) else [value]
    return [key(row) for row in rows if row is not None]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_a_row_is_created_read_and_deleted(
    database: SQLAlchemy, factory: type[ModelFactory]
) -> None:
    row = factory()
    db.session.commit()
    model, saved, shown = type(row), key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(model, saved)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(model, saved) is None


# (the owner's factory, its relationship, the other side's factory, the other side's
# relationship back or ""): the owner holds the foreign key (either side of a
# many-to-many).
RELATIONSHIPS = {
    "Staff.roles": (StaffFactory, "roles", RoleFactory, "users"),
    "ApiToken.user": (ApiTokenFactory, "user", StaffFactory, "api_tokens"),
    "Book.author": (BookFactory, "author", AuthorFactory, "books"),
    "Book.tags": (BookFactory, "tags", TagFactory, "books"),
}


@pytest.mark.parametrize(
    ("owner_factory", "forward", "other_factory", "backward"),
    RELATIONSHIPS.values(),
    ids=RELATIONSHIPS,
)
def test_a_relationship_works_both_ways(
    database: SQLAlchemy,
    owner_factory: type[ModelFactory],
    forward: str,
    other_factory: type[ModelFactory],
    backward: str,
) -> None:
    owner, other = owner_factory(), other_factory()
    linked = getattr(owner, forward)
    if isinstance(linked, list):
        linked.append(other)
    else:
        setattr(owner, forward, other)
    db.session.commit()
    owner_key, other_key = key(owner), key(other)
    db.session.expunge_all()
    loaded_owner = db.session.get(type(owner), owner_key)
    assert other_key in keys(getattr(loaded_owner, forward))
    if backward:
        loaded_other = db.session.get(type(other), other_key)
        assert owner_key in keys(getattr(loaded_other, backward))
