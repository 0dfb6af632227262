"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from flask_bootstrap import Bootstrap5
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model. Constraints are named by one convention, so migrations
    can refer to (and drop) them on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Engine, "connect")
def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite ignores foreign keys (and so ``ondelete``) unless asked on each connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for the ``postgres://`` and ``postgresql://`` URLs that
    hosting platforms hand out (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


db = SQLAlchemy(model_class=Base)


def migrations_folder() -> str:
    """The Alembic scripts: ``MIGRATIONS_DIR``, else ``migrations/`` beside the package's
    sources, as an absolute path so ``db`` commands work from any folder. An installed
    package has no sources beside it; its image sets ``MIGRATIONS_DIR``."""
    beside = Path(__file__).resolve().parent.parent / "migrations"
    return os.environ.get("MIGRATIONS_DIR") or str(beside)


migrate = Migrate(directory=migrations_folder())

csrf = CSRFProtect()

bootstrap = Bootstrap5()
