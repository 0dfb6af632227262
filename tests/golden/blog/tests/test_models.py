"""Each model can be created, read back and deleted; each relationship works both ways.

The ``new_*`` factories fill in every required column with unique values; pass
keyword arguments to set others.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from blog.extensions import db
from blog.models import Author, Post, Tag

_numbers = itertools.count(1)


def _saved(row: Any) -> Any:
    """``row`` added to the session and flushed, so its key is known."""
    db.session.add(row)
    db.session.flush()
    return row


def _key(row: Any) -> Any:
    return inspect(row).identity


def new_author(**values: Any) -> Author:
    """A new Author (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"name{n}",
        "email": f"user{n}@example.com",
    }
    return Author(**(fields | values))


def new_post(**values: Any) -> Post:
    """A new Post (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "title": f"title{n}",
        "author": new_author(),
    }
    return Post(**(fields | values))


def new_tag(**values: Any) -> Tag:
    """A new Tag (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "label": f"label{n}",
    }
    return Tag(**(fields | values))


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


def test_post_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_post())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Post, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Post, key) is None


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


def test_post_author(database: SQLAlchemy) -> None:
    owner = new_post()
    other = new_author()
    owner.author = other
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(Post, owner_key)
    assert loaded_owner is not None
    assert loaded_owner.author is not None
    assert _key(loaded_owner.author) == other_key
    loaded_other = db.session.get(Author, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.posts]


def test_post_tags(database: SQLAlchemy) -> None:
    owner = new_post()
    other = new_tag()
    owner.tags.append(other)
    db.session.add_all([owner, other])
    db.session.commit()
    owner_key, other_key = _key(owner), _key(other)
    db.session.expunge_all()

    loaded_owner = db.session.get(Post, owner_key)
    assert loaded_owner is not None
    assert [_key(row) for row in loaded_owner.tags] == [other_key]
    loaded_other = db.session.get(Tag, other_key)
    assert loaded_other is not None
    assert owner_key in [_key(row) for row in loaded_other.posts]
