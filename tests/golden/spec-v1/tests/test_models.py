"""Each model can be created, read back and deleted; each relationship works both ways.

The ``new_*`` factories fill in every required column with unique values; pass
keyword arguments to set others.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from mycrm.extensions import db
from mycrm.models import Department, Tag, User

_numbers = itertools.count(1)


def _saved(row: Any) -> Any:
    """``row`` added to the session and flushed, so its key is known."""
    db.session.add(row)
    db.session.flush()
    return row


def _key(row: Any) -> Any:
    return inspect(row).identity


def new_department(**values: Any) -> Department:
    """A new Department (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "title": f"title{n}",
    }
    return Department(**(fields | values))


def new_user(**values: Any) -> User:
    """A new User (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
        "email": f"user{n}@example.com",
    }
    return User(**(fields | values))


def new_tag(**values: Any) -> Tag:
    """A new Tag (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "label": f"label{n}",
    }
    return Tag(**(fields | values))


def test_department_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_department())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Department, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Department, key) is None


def test_user_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_user())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(User, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(User, key) is None


def test_tag_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_tag())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Tag, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Tag, key) is None


def test_user_department(database: SQLAlchemy) -> None:
    owner = new_user()
    other = new_department()
    owner.department = other
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(User, owner_key)
    assert loaded_owner is not None
    assert loaded_owner.department is not None
    assert _key(loaded_owner.department) == other_key
    loaded_other = db.session.get(Department, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.users]


def test_user_tags(database: SQLAlchemy) -> None:
    owner = new_user()
    other = new_tag()
    owner.tags.append(other)
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(User, owner_key)
    assert loaded_owner is not None
    assert [_key(row) for row in loaded_owner.tags] == [other_key]
    loaded_other = db.session.get(Tag, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.users]
