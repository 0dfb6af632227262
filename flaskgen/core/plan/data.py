"""The data layer: Flask-SQLAlchemy models and Flask-Migrate migrations.

Every line of ``models.py`` that depends on the spec (annotations, ``mapped_column``
arguments, relationships, ``__repr__``) and every value the generated tests use is
computed here, so the templates only loop and substitute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flaskgen.core.migrate.diff import NAMING_CONVENTION, revision, revision_file, schema_of
from flaskgen.core.plan.base import (
    Contribution,
    Extension,
    NoNames,
    Phase,
    PlannedFile,
    ProjectView,
    TypedView,
)
from flaskgen.core.spec.base import snake
from flaskgen.core.spec.orm import (
    IMPLIED_TYPES,
    NOW_DEFAULTS,
    SA_CLASSES,
    SQLITE_INTEGER,
    TYPE_MODULES,
)
from flaskgen.core.spec.types import (
    AssociationTable,
    Column,
    Model,
    Project,
    ProjectSpec,
    Relationship,
)

DEPENDENCIES = ["Flask-SQLAlchemy>=3.1", "Flask-Migrate>=4.0", "SQLAlchemy>=2.0"]  # psycopg: see deploy.py

BASE_CLASS = '''class Base(DeclarativeBase):
    """Base of every model. Constraints are named by one convention, so migrations
    can refer to (and drop) them on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)'''
NAMING = "NAMING_CONVENTION = {\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in NAMING_CONVENTION.items()) + "}"
SQLITE_PRAGMA = '''@event.listens_for(Engine, "connect")
def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite ignores foreign keys (and so ``ondelete``) unless asked on each connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()'''
DATABASE_URL = '''def database_url(url: str) -> str:
    """Use the psycopg 3 driver for the ``postgres://`` and ``postgresql://`` URLs that
    hosting platforms hand out (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url'''

MIGRATIONS_FOLDER = '''def migrations_folder() -> str:
    """The Alembic scripts: ``MIGRATIONS_DIR``, else ``migrations/`` beside the package's
    sources, as an absolute path so ``db`` commands work from any folder. An installed
    package has no sources beside it; its image sets ``MIGRATIONS_DIR``."""
    beside = Path(__file__).resolve().parent.parent / "migrations"
    return os.environ.get("MIGRATIONS_DIR") or str(beside)'''


@dataclass(frozen=True)
class ModelCtx:
    model: Model
    doc: str
    columns: tuple[str, ...]  # "name: Mapped[...] = mapped_column(...)"
    relationships: tuple[str, ...]
    repr_expr: str  # an f-string
    bases: str = "Model"
    auth: AuthModel | None = None  # the model people log in as


@dataclass(frozen=True)
class AuthModel:
    """What the login model adds: UserMixin, the password methods, maybe get_id."""

    hash_column: str
    token_column: str  # what sessions carry instead of the primary key
    confirmed_column: str | None = None  # confirm() sets it (auth.confirm_email)


@dataclass(frozen=True)
class TableCtx:
    name: str
    columns: tuple[str, ...]  # "Column(...)" expressions


@dataclass(frozen=True)
class RelationshipTest:
    name: str  # test function name
    owner: Model  # the model holding the foreign key, or either side of many-to-many
    other: Model
    forward: str  # attribute on owner
    backward: str | None  # attribute on other
    forward_many: bool  # owner.forward is a list
    backward_many: bool

    @property
    def owner_factory(self) -> str:
        return snake(self.owner.name)

    @property
    def other_factory(self) -> str:
        return snake(self.other.name)


@dataclass(frozen=True)
class ModelsView(TypedView):
    """<package>/models.py."""

    imports: list[str]
    example_model: str  # named in the module's docstring
    utcnow: bool  # the time helpers the columns' ``now`` defaults call
    utc_today: bool
    utc_time: bool
    hashes_passwords: bool  # the auth model: hash_password()
    tables: list[TableCtx]
    models: list[ModelCtx]


@dataclass(frozen=True)
class ModelTestsView(TypedView):
    """tests/test_models.py."""

    project: Project
    relationship_tests: list[RelationshipTest]
    factory_names: list[str]  # the factories the relationship tests name


def _models_view(spec: ProjectSpec, models: list[ModelCtx], tables: list[TableCtx], imports: list[str]) -> ModelsView:
    """models.py's view: the helpers are needed when a column's default calls them
    (``utc_today`` and ``utc_time`` call ``utcnow``)."""
    helpers = _helpers(spec.models)
    today, time = "utc_today" in helpers, "utc_time" in helpers
    # confirm() of the login model stamps the time with utcnow.
    confirm = spec.auth is not None and spec.auth.confirmed_column is not None
    now = "utcnow" in helpers or today or time or confirm
    return ModelsView(imports, spec.models[0].name, now, today, time, spec.auth is not None, tables, models)


def contribute(spec: ProjectSpec) -> Contribution:
    """Files and set-up for ``models``."""
    out = Contribution()
    if not spec.models:
        return out
    pkg = spec.project.package
    out.extensions += [_db_extension(), _migrate_extension()]
    out.app_imports += [
        "from . import models  # noqa: F401  (registers the tables on db.metadata)",
        "from .extensions import database_url",
    ]
    out.setup.append((Phase.DATABASE, 'app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])'))
    out.dependencies += DEPENDENCIES
    out.conftest.append("db")
    models = [_model_ctx(spec, m) for m in spec.models]
    tables = [_table_ctx(t) for t in spec.association_tables]
    imports = _imports(spec.models, tables)
    if spec.auth is not None:
        imports += [
            "from flask import current_app",
            "from flask_login import UserMixin",
            "from werkzeug.security import check_password_hash, generate_password_hash",
            "import secrets",
        ]
    view = _models_view(spec, models, tables, imports)
    out.files.append(PlannedFile(f"{pkg}/models.py", "project/package/models.py.jinja", view, python=True))
    initial = revision((), schema_of(spec.models, spec.association_tables))
    out.files += [
        PlannedFile("migrations/alembic.ini", "project/migrations/alembic.ini.jinja", NoNames()),
        PlannedFile("migrations/env.py", "project/migrations/env.py.jinja", NoNames(), python=True),
        PlannedFile("migrations/script.py.mako", "project/migrations/script.py.mako.jinja", NoNames()),
        PlannedFile("migrations/README", "project/migrations/README.jinja", NoNames()),
        revision_file(initial),
    ]
    relationships = _relationship_tests(spec)
    names = sorted({f"{m.name}Factory" for t in relationships for m in (t.owner, t.other)})
    tests = ModelTestsView(spec.project, relationships, names)
    out.files.append(PlannedFile("tests/test_models.py", "project/tests/test_models.py.jinja", tests, python=True))
    out.files.append(PlannedFile("tests/test_migrations.py", "project/tests/test_migrations.py.jinja", ProjectView(spec.project), python=True))
    return out


def _db_extension() -> Extension:
    return Extension(
        name="db",
        imports=(
            "import sqlite3",
            "from typing import Any",
            "from flask_sqlalchemy import SQLAlchemy",
            "from sqlalchemy import MetaData, event",
            "from sqlalchemy.engine import Engine",
            "from sqlalchemy.orm import DeclarativeBase",
        ),
        definition="db = SQLAlchemy(model_class=Base)",
        init="db.init_app(app)",
        setup=(NAMING, BASE_CLASS, SQLITE_PRAGMA, DATABASE_URL),
    )


def _migrate_extension() -> Extension:
    return Extension(
        name="migrate",
        imports=("import os", "from pathlib import Path", "from flask_migrate import Migrate"),
        definition="migrate = Migrate(directory=migrations_folder())",
        init="migrate.init_app(app, db)",
        setup=(MIGRATIONS_FOLDER,),
    )


# -- models.py -----------------------------------------------------------------------------


def _annotation(column: Column) -> str:
    return f"{column.python_type} | None" if column.nullable else column.python_type


def _spells_type(column: Column) -> bool:
    """Whether ``mapped_column`` names the SQLAlchemy type (the annotation does not imply it)."""
    return column.type not in IMPLIED_TYPES or bool(column.foreign_key and column.type != "integer")


def _column_line(column: Column) -> str:
    args = []
    if _spells_type(column):
        args.append(column.sa_type)
    if column.foreign_key:
        ondelete = f", ondelete={column.ondelete!r}" if column.ondelete else ""
        args.append(f"ForeignKey({column.foreign_key!r}{ondelete})")
    for flag in ("primary_key", "unique", "index"):
        if getattr(column, flag):
            args.append(f"{flag}=True")
    if column.default_expr is not None:
        args.append(f"default={column.default_expr}")
    if not args:  # the annotation says it all
        return f"{column.name}: Mapped[{_annotation(column)}]"
    return f"{column.name}: Mapped[{_annotation(column)}] = mapped_column({', '.join(args)})"


def _relationship_line(rel: Relationship) -> str:
    if rel.many:
        annotation = f"list[{rel.model}]"
    else:
        annotation = f"{rel.model} | None" if rel.optional else rel.model
    args = []
    if rel.secondary:
        args.append(f"secondary={rel.secondary}")
    if rel.back_populates:
        args.append(f"back_populates={rel.back_populates!r}")
    if rel.passive_deletes:
        args.append("passive_deletes=True")
    return f"{rel.name}: Mapped[{annotation}] = relationship({', '.join(args)})"


def _repr(model: Model) -> str:
    shown = [c.name for c in model.columns if c.primary_key]
    label = next((c.name for c in model.columns if c.type == "string" and not c.primary_key), None)
    if label:
        shown.append(label)
    fields = " ".join(f"{name}={{self.{name}!r}}" for name in shown)
    return f'f"<{model.name} {fields}>"'


def _model_ctx(spec: ProjectSpec, model: Model) -> ModelCtx:
    return ModelCtx(
        model=model,
        doc=model.doc or f"A row of the ``{model.table}`` table.",
        columns=tuple(_column_line(c) for c in model.columns),
        relationships=tuple(_relationship_line(r) for r in model.relationships),
        repr_expr=_repr(model),
        **_auth_fields(spec, model),
    )


def _auth_fields(spec: ProjectSpec, model: Model) -> dict[str, Any]:
    """The ModelCtx fields of the auth model (none for other models)."""
    auth = spec.auth
    if auth is None or auth.model != model.name:
        return {}
    return {"bases": "UserMixin, Model", "auth": AuthModel(auth.hash_column, auth.token_column, auth.confirmed_column)}


def _table_ctx(table: AssociationTable) -> TableCtx:
    columns = tuple(
        f"Column({col!r}, ForeignKey({ref_table + '.' + ref!r}, ondelete='CASCADE'), primary_key=True)"
        for col, ref_table, ref in (table.left, table.right)
    )
    return TableCtx(table.name, columns)


def _helpers(models: tuple[Model, ...]) -> list[str]:
    used = {c.default_expr for m in models for c in m.columns}
    return [name for name in ("utcnow", "utc_today", "utc_time") if name in used and name in NOW_DEFAULTS.values()]


def _imports(models: tuple[Model, ...], tables: list[TableCtx]) -> list[str]:
    """The imports of ``models.py``, from the columns' types and options."""
    columns = [c for m in models for c in m.columns]
    lines = ["from sqlalchemy.orm import Mapped, mapped_column, relationship", "from .extensions import db"]
    lines += [f"import {module}" for module in sorted({TYPE_MODULES[c.type] for c in columns if c.type in TYPE_MODULES})]
    if any(c.type == "json" for c in columns):
        lines.append("from typing import Any")
    names = {SA_CLASSES[c.type] for c in columns if _spells_type(c)}
    if any(c.sa_type.endswith(SQLITE_INTEGER) for c in columns):
        names.add("Integer")
    if tables:
        names |= {"Column", "ForeignKey"}
    if any(c.foreign_key for c in columns):
        names.add("ForeignKey")
    if names:
        lines.append(f"from sqlalchemy import {', '.join(sorted(names))}")
    return lines


# -- generated tests -----------------------------------------------------------------------


def _relationship_tests(spec: ProjectSpec) -> list[RelationshipTest]:
    """One test per relationship pair, written from the side that holds the foreign key."""
    by_name = {m.name: m for m in spec.models}
    tests = []
    seen: set[frozenset[tuple[str, str]]] = set()
    for model in spec.models:
        for rel in model.relationships:
            pair = frozenset({(model.name, rel.name), (rel.model, rel.back_populates or "")})
            if pair in seen:
                continue
            seen.add(pair)
            owner, other, forward = model, by_name[rel.model], rel
            if rel.kind in ("one_to_many", "one_to_one") and rel.back_populates:
                owner, other = other, model
                forward = next(r for r in owner.relationships if r.name == rel.back_populates)
            backward = next((r for r in other.relationships if r.name == forward.back_populates), None)
            tests.append(
                RelationshipTest(
                    name=f"test_{snake(owner.name)}_{forward.name}",
                    owner=owner,
                    other=other,
                    forward=forward.name,
                    backward=backward.name if backward else None,
                    forward_many=forward.many,
                    backward_many=bool(backward and backward.many),
                )
            )
    return tests
