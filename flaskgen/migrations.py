"""Alembic revisions rendered by flaskgen: from one database schema to another.

``schema_of`` turns normalized models into a plain description of tables;
``revision(old, new, ...)`` compares two such descriptions and writes the
operations that move a database from ``old`` to ``new`` and back. The initial
revision is ``revision((), schema_of(...))``; regeneration passes the schema of the
previous spec as ``old``. Pure: no I/O, no Jinja, deterministic output (the revision
id is a digest of the revision's content, there is no timestamp).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flaskgen.render import PlannedFile
from flaskgen.spec.model import AssociationTable, Model

# Constraint names: the same convention as the generated Base.metadata, so every
# constraint has a known name and a later revision can drop it.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
REVISION_TEMPLATE = "project/migrations/revision.py.jinja"


@dataclass(frozen=True)
class TableColumn:
    name: str
    type: str  # SQLAlchemy type expression without the ``sa.`` prefix, e.g. "String(32)"
    nullable: bool

    def render(self) -> str:
        return f"sa.Column({self.name!r}, sa.{self.type}, nullable={self.nullable})"


@dataclass(frozen=True)
class ForeignKey:
    column: str
    ref_table: str
    ref_column: str
    ondelete: str | None
    name: str


@dataclass(frozen=True)
class Index:
    name: str
    column: str
    unique: bool


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[TableColumn, ...]
    primary_key: tuple[str, ...]
    uniques: tuple[tuple[str, str], ...]  # (constraint name, column)
    foreign_keys: tuple[ForeignKey, ...]
    indexes: tuple[Index, ...]


Schema = tuple[Table, ...]


@dataclass(frozen=True)
class Revision:
    id: str
    down_revision: str | None
    message: str
    filename: str
    upgrade: tuple[str, ...]  # statements (possibly several lines each)
    downgrade: tuple[str, ...]


def schema_of(models: Iterable[Model], association_tables: Iterable[AssociationTable] = ()) -> Schema:
    """The tables the models map to, in an order where referenced tables come first."""
    tables = []
    for model in models:
        columns = tuple(TableColumn(c.name, c.sa_type, c.nullable) for c in model.columns)
        uniques = tuple((f"uq_{model.table}_{c.name}", c.name) for c in model.columns if c.unique and not c.index and not c.primary_key)
        indexes = tuple(Index(f"ix_{model.table}_{c.name}", c.name, c.unique) for c in model.columns if c.index)
        fks = []
        for c in model.columns:
            if c.foreign_key:
                ref_table, _, ref_column = c.foreign_key.partition(".")
                fks.append(ForeignKey(c.name, ref_table, ref_column, c.ondelete, f"fk_{model.table}_{c.name}_{ref_table}"))
        pk = tuple(c.name for c in model.columns if c.primary_key)
        tables.append(Table(model.table, columns, pk, uniques, tuple(fks), indexes))
    for assoc in association_tables:
        sides = (assoc.left, assoc.right)
        columns = tuple(TableColumn(col, t, False) for (col, _, _), t in zip(sides, assoc.sa_type, strict=True))
        fks = tuple(ForeignKey(col, table, ref, "CASCADE", f"fk_{assoc.name}_{col}_{table}") for col, table, ref in sides)
        tables.append(Table(assoc.name, columns, (assoc.left[0], assoc.right[0]), (), fks, ()))
    return _dependency_order(tables)


def _dependency_order(tables: list[Table]) -> Schema:
    """Referenced tables first; otherwise by name (a cycle keeps its members by name)."""
    remaining = {t.name: t for t in sorted(tables, key=lambda t: t.name)}
    ordered: list[Table] = []
    while remaining:
        ready = [
            t for t in remaining.values()
            if all(fk.ref_table not in remaining or fk.ref_table == t.name for fk in t.foreign_keys)
        ]  # fmt: skip
        for table in ready or [next(iter(remaining.values()))]:
            ordered.append(remaining.pop(table.name))
    return tuple(ordered)


# -- operations ----------------------------------------------------------------------------


def _create_table(table: Table) -> str:
    parts = [repr(table.name), *(c.render() for c in table.columns)]
    parts.append(f"sa.PrimaryKeyConstraint({', '.join(map(repr, table.primary_key))}, name=op.f({'pk_' + table.name!r}))")
    parts += [_fk_constraint(fk) for fk in table.foreign_keys]
    parts += [f"sa.UniqueConstraint({col!r}, name=op.f({name!r}))" for name, col in table.uniques]
    body = "".join(f"    {p},\n" for p in parts)
    return f"op.create_table(\n{body})"


def _fk_constraint(fk: ForeignKey) -> str:
    ondelete = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
    return f"sa.ForeignKeyConstraint([{fk.column!r}], [{fk.ref_table + '.' + fk.ref_column!r}], name=op.f({fk.name!r}){ondelete})"


def _create_index(table: str, index: Index, target: str = "op") -> str:
    where = "" if target == "batch_op" else f"{table!r}, "
    return f"{target}.create_index({target}.f({index.name!r}), {where}[{index.column!r}], unique={index.unique})"


def _drop_index(table: str, index: Index, target: str = "op") -> str:
    where = "" if target == "batch_op" else f", table_name={table!r}"
    return f"{target}.drop_index({target}.f({index.name!r}){where})"


def _create(table: Table) -> tuple[list[str], list[str]]:
    up = [_create_table(table), *(_create_index(table.name, i) for i in table.indexes)]
    down = [*(_drop_index(table.name, i) for i in table.indexes), f"op.drop_table({table.name!r})"]
    return up, down


def _batch(table: str, lines: list[str]) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"with op.batch_alter_table({table!r}) as batch_op:\n{body}".rstrip("\n")


def _alter(old: Table, new: Table) -> list[tuple[str, str]]:
    """(upgrade, downgrade) batch operations that turn ``old`` into ``new``."""
    steps: list[tuple[str, str]] = []
    old_cols = {c.name: c for c in old.columns}
    new_cols = {c.name: c for c in new.columns}
    old_fks = {fk.name: fk for fk in old.foreign_keys}
    new_fks = {fk.name: fk for fk in new.foreign_keys}
    old_ix = {i.name: i for i in old.indexes}
    new_ix = {i.name: i for i in new.indexes}
    old_uq, new_uq = dict(old.uniques), dict(new.uniques)

    def fk_up(fk: ForeignKey) -> str:
        ondelete = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
        return f"batch_op.create_foreign_key(batch_op.f({fk.name!r}), {fk.ref_table!r}, [{fk.column!r}], [{fk.ref_column!r}]{ondelete})"

    def fk_down(fk: ForeignKey) -> str:
        return f"batch_op.drop_constraint(batch_op.f({fk.name!r}), type_='foreignkey')"

    def uq_up(name: str, col: str) -> str:
        return f"batch_op.create_unique_constraint(batch_op.f({name!r}), [{col!r}])"

    def uq_down(name: str) -> str:
        return f"batch_op.drop_constraint(batch_op.f({name!r}), type_='unique')"

    # Constraints that go away (or change) first, so their columns can change.
    for name in sorted(old_fks):
        if old_fks[name] != new_fks.get(name):
            steps.append((fk_down(old_fks[name]), fk_up(old_fks[name])))
    for name in sorted(old_ix):
        if old_ix[name] != new_ix.get(name):
            steps.append((_drop_index(old.name, old_ix[name], "batch_op"), _create_index(old.name, old_ix[name], "batch_op")))
    for name in sorted(old_uq):
        if old_uq[name] != new_uq.get(name):
            steps.append((uq_down(name), uq_up(name, old_uq[name])))
    for name in old_cols:
        if name not in new_cols:
            steps.append((f"batch_op.drop_column({name!r})", f"batch_op.add_column({old_cols[name].render()})"))
    for name, col in new_cols.items():
        if name not in old_cols:
            steps.append((f"batch_op.add_column({col.render()})", f"batch_op.drop_column({name!r})"))
            continue
        before = old_cols[name]
        if before == col:
            continue
        up = f"batch_op.alter_column({name!r}, existing_type=sa.{before.type}, type_=sa.{col.type}, nullable={col.nullable})"
        down = f"batch_op.alter_column({name!r}, existing_type=sa.{col.type}, type_=sa.{before.type}, nullable={before.nullable})"
        if before.type == col.type:
            up = f"batch_op.alter_column({name!r}, existing_type=sa.{col.type}, nullable={col.nullable})"
            down = f"batch_op.alter_column({name!r}, existing_type=sa.{col.type}, nullable={before.nullable})"
        steps.append((up, down))
    for name in sorted(new_uq):
        if new_uq[name] != old_uq.get(name):
            steps.append((uq_up(name, new_uq[name]), uq_down(name)))
    for name in sorted(new_ix):
        if new_ix[name] != old_ix.get(name):
            steps.append((_create_index(new.name, new_ix[name], "batch_op"), _drop_index(new.name, new_ix[name], "batch_op")))
    for name in sorted(new_fks):
        if new_fks[name] != old_fks.get(name):
            steps.append((fk_up(new_fks[name]), fk_down(new_fks[name])))
    return steps


def operations(old: Schema, new: Schema) -> tuple[list[str], list[str]]:
    """(upgrade, downgrade) statements that move a database from ``old`` to ``new``."""
    old_by = {t.name: t for t in old}
    new_by = {t.name: t for t in new}
    up: list[str] = []
    down: list[str] = []
    for table in new:  # referenced tables first
        if table.name not in old_by:
            create, drop = _create(table)
            up += create
            down = drop + down
    for name in sorted(set(old_by) & set(new_by)):
        steps = _alter(old_by[name], new_by[name])
        if steps:
            up.append(_batch(name, [u for u, _ in steps]))
            down.insert(0, _batch(name, [d for _, d in reversed(steps)]))
    for table in reversed(old):  # referencing tables first
        if table.name not in new_by:
            create, drop = _create(table)
            up += drop
            down = create + down
    return up, down


def slug(message: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "revision"


def revision(old: Schema, new: Schema, *, number: int = 1, down_revision: str | None = None, message: str = "Initial schema") -> Revision:
    """The revision that moves a database from ``old`` to ``new`` (and back)."""
    up, down = operations(old, new)
    content = json.dumps([down_revision, message, up, down])
    rev_id = hashlib.sha256(content.encode()).hexdigest()[:12]
    filename = f"{number:04d}_{'initial' if number == 1 and not old else slug(message)}.py"
    return Revision(rev_id, down_revision, message, filename, tuple(up), tuple(down))


def revision_file(rev: Revision, base: dict[str, object] | None = None) -> PlannedFile:
    """The planned ``migrations/versions/`` file of ``rev``."""
    return PlannedFile(f"migrations/versions/{rev.filename}", REVISION_TEMPLATE, {**(base or {}), "revision": rev}, python=True)
