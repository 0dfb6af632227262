"""Each model can be created, read back and deleted; each relationship works both ways.

The ``new_*`` factories fill in every required column with unique values; pass
keyword arguments to set others.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from bookshop.extensions import db
from bookshop.models import ApiToken, Author, Book, Role, Staff, Tag

_numbers = itertools.count(1)


def _saved(row: Any) -> Any:
    """``row`` added to the session and flushed, so its key is known."""
    db.session.add(row)
    db.session.flush()
    return row


def _key(row: Any) -> Any:
    return inspect(row).identity


def new_staff(**values: Any) -> Staff:
    """A new Staff (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
        "email": f"user{n}@example.com",
    }
    return Staff(**(fields | values))


def new_author(**values: Any) -> Author:
    """A new Author (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
        "email": f"user{n}@example.com",
    }
    return Author(**(fields | values))


def new_book(**values: Any) -> Book:
    """A new Book (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "title": f"title{n}",
        "isbn": f"isbn{n}",
        "author": new_author(),
    }
    return Book(**(fields | values))


def new_tag(**values: Any) -> Tag:
    """A new Tag (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
    }
    return Tag(**(fields | values))


def new_role(**values: Any) -> Role:
    """A new Role (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
    }
    return Role(**(fields | values))


def new_api_token(**values: Any) -> ApiToken:
    """A new ApiToken (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "user": new_staff(),
        "name": f"name{n}",
        "token_hash": f"token_hash{n}",
    }
    return ApiToken(**(fields | values))


def test_staff_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_staff())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Staff, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Staff, key) is None


def test_author_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_author())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Author, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Author, key) is None


def test_book_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_book())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Book, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Book, key) is None


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


def test_role_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_role())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Role, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Role, key) is None


def test_api_token_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_api_token())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(ApiToken, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(ApiToken, key) is None


def test_staff_roles(database: SQLAlchemy) -> None:
    owner = new_staff()
    other = new_role()
    owner.roles.append(other)
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(Staff, owner_key)
    assert loaded_owner is not None
    assert [_key(row) for row in loaded_owner.roles] == [other_key]
    loaded_other = db.session.get(Role, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.users]


def test_api_token_user(database: SQLAlchemy) -> None:
    owner = new_api_token()
    other = new_staff()
    owner.user = other
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(ApiToken, owner_key)
    assert loaded_owner is not None
    assert loaded_owner.user is not None
    assert _key(loaded_owner.user) == other_key
    loaded_other = db.session.get(Staff, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.api_tokens]


def test_book_author(database: SQLAlchemy) -> None:
    owner = new_book()
    other = new_author()
    owner.author = other
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(Book, owner_key)
    assert loaded_owner is not None
    assert loaded_owner.author is not None
    assert _key(loaded_owner.author) == other_key
    loaded_other = db.session.get(Author, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.books]


def test_book_tags(database: SQLAlchemy) -> None:
    owner = new_book()
    other = new_tag()
    owner.tags.append(other)
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(Book, owner_key)
    assert loaded_owner is not None
    assert [_key(row) for row in loaded_owner.tags] == [other_key]
    loaded_other = db.session.get(Tag, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.books]
