"""Each model can be created, read back and deleted; each relationship works both ways.

The rows come from the factories in ``sessionlogin/factories.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect

from sessionlogin.extensions import db
from sessionlogin.factories import (
    FACTORIES,
    ModelFactory,
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
