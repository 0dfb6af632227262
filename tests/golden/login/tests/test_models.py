"""Each model can be created, read back and deleted; each relationship works both ways.

The ``new_*`` factories fill in every required column with unique values; pass
keyword arguments to set others.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from sessionlogin.extensions import db
from sessionlogin.models import Account

_numbers = itertools.count(1)


def _saved(row: Any) -> Any:
    """``row`` added to the session and flushed, so its key is known."""
    db.session.add(row)
    db.session.flush()
    return row


def _key(row: Any) -> Any:
    return inspect(row).identity


def new_account(**values: Any) -> Account:
    """A new Account (not yet in the session)."""
    n = next(_numbers)
    fields: dict[str, Any] = {
        "email": f"user{n}@example.com",
        "display_name": f"display_name{n}",
    }
    return Account(**(fields | values))


def test_account_create_read_delete(database: SQLAlchemy) -> None:
    row = _saved(new_account())
    db.session.commit()
    key, shown = _key(row), repr(row)
    db.session.expunge_all()
    found = db.session.get(Account, key)
    assert found is not None
    assert repr(found) == shown
    db.session.delete(found)
    db.session.commit()
    assert db.session.get(Account, key) is None
