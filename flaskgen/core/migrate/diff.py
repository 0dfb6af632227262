"""Alembic revisions rendered by flaskgen: from one database schema to another.

``schema_of`` turns normalized models into a plain description of tables;
``revision(old, new, ...)`` compares two such descriptions and writes the
operations that move a database from ``old`` to ``new`` and back. The initial
revision is ``revision((), schema_of(...))``; regeneration passes the schema of the
previous spec as ``old``. Pure: no I/O, no Jinja, deterministic output (the revision
id is a digest of the revision's content, there is no timestamp).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from flaskgen.core.errors import FlaskgenError, SpecError
from flaskgen.core.plan.base import PlannedFile, TypedView
from flaskgen.core.spec.base import snake
from flaskgen.core.spec.loader import KeyPath, LoadedSpec, dotted
from flaskgen.core.spec.orm import SQLITE_INTEGER
from flaskgen.core.spec.types import AssociationTable, Column, Model

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
# Type families: a column that disappears while one of the same family appears in the
# same table may be a rename, so regen asks rather than guesses.
TYPE_FAMILIES = {"String": "text", "Text": "text", "Enum": "text", "Integer": "int", "BigInteger": "int", "Float": "number", "Numeric": "number"}


@dataclass(frozen=True)
class Intent:
    """Something the spec must say before the migration can be written: ``message``
    (what is wrong, then how to go on) about the spec key at ``path`` (the nearest key
    that exists is where the answer goes)."""

    path: KeyPath
    message: str
    key: bool = False  # at the key itself (a mapping the answer goes into), not its value


class MigrationIntentError(FlaskgenError):
    """A models change whose migration flaskgen will not guess: a possible rename without
    a ``renamed_from`` hint, a table or column dropped with its data without ``dropped``
    saying so, or a NOT NULL column that existing rows cannot fill."""

    exit_code = 2

    def __init__(self, problems: list[Intent]) -> None:
        self.problems = problems
        super().__init__(self.format())

    def format(self) -> str:
        lines = [f"error: {dotted(p.path)}: {p.message}" for p in self.problems]
        lines.append("The new migration cannot be written as the spec stands; nothing was written.")
        return "\n".join(lines)

    def located(self, spec: LoadedSpec) -> SpecError:
        """The same problems at their ``file:line:col`` in the loaded (new) spec."""
        return SpecError([spec.problem(p.path, p.message, key=p.key) for p in self.problems])


def sa(type_text: str) -> str:
    """A column type as migrations spell it: every SQLAlchemy class from ``sa``."""
    return "sa." + type_text.replace(SQLITE_INTEGER, SQLITE_INTEGER.replace("Integer", "sa.Integer"))


@dataclass(frozen=True)
class TableColumn:
    name: str
    type: str  # SQLAlchemy type expression without the ``sa.`` prefix, e.g. "String(32)"
    nullable: bool
    # Hints for a later revision; they do not make two schemas differ.
    renamed_from: str | None = field(default=None, compare=False)
    # Python source of a ``server_default`` that fills existing rows (None: no usable one).
    fill: str | None = field(default=None, compare=False)
    default: Any = field(default=None, compare=False)  # the spec's ``default``, for messages
    # Python source of the value rows already there get when a revision adds this column.
    backfill: str | None = field(default=None, compare=False)

    def render(self, server_default: str | None = None) -> str:
        extra = f", server_default={server_default}" if server_default else ""
        return f"sa.Column({self.name!r}, {sa(self.type)}, nullable={self.nullable}{extra})"

    @property
    def family(self) -> str:
        base = self.type.split("(", 1)[0]
        return TYPE_FAMILIES.get(base, base)


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
    model: str | None = field(default=None, compare=False)  # the model mapped to it, if any
    renamed_from: str | None = field(default=None, compare=False)  # the model's previous name


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
    models = tuple(models)
    tables = []
    for model in models:
        columns = tuple(TableColumn(c.name, c.sa_type, c.nullable, c.renamed_from, fill_value(c), c.default, c.backfill) for c in model.columns)
        uniques = tuple((f"uq_{model.table}_{c.name}", c.name) for c in model.columns if c.unique and not c.index and not c.primary_key)
        indexes = tuple(Index(f"ix_{model.table}_{c.name}", c.name, c.unique) for c in model.columns if c.index)
        fks = []
        for c in model.columns:
            if c.foreign_key:
                ref_table, _, ref_column = c.foreign_key.partition(".")
                fks.append(ForeignKey(c.name, ref_table, ref_column, c.ondelete, f"fk_{model.table}_{c.name}_{ref_table}"))
        pk = tuple(c.name for c in model.columns if c.primary_key)
        tables.append(Table(model.table, columns, pk, uniques, tuple(fks), indexes, model.name, model.renamed_from))
    by_table = {m.table: m for m in models}
    for assoc in association_tables:
        sides = (assoc.left, assoc.right)
        # A renamed model renames its key column in the association tables too.
        previous = [by_table[table].renamed_from if table in by_table else None for _, table, _ in sides]
        hints = [f"{snake(old)}_{ref}" if old else None for old, (_, _, ref) in zip(previous, sides, strict=True)]
        columns = tuple(TableColumn(col, t, False, hint) for (col, _, _), t, hint in zip(sides, assoc.sa_type, hints, strict=True))
        links = tuple(ForeignKey(col, table, ref, "CASCADE", f"fk_{assoc.name}_{col}_{table}") for col, table, ref in sides)
        tables.append(Table(assoc.name, columns, (assoc.left[0], assoc.right[0]), (), links, ()))
    return _dependency_order(tables)


def fill_value(column: Column) -> str | None:
    """Python source of a ``server_default`` holding ``column``'s literal default, so a
    NOT NULL column added to a table fills the rows already there; None when the column
    has no default or one computed per row (``now``)."""
    value, kind = column.default, column.type
    if value is None or (value == "now" and kind in ("date", "datetime", "time")):
        return None
    try:
        if kind == "boolean":
            return "sa.true()" if value else "sa.false()"
        if kind in ("integer", "big_integer"):
            text = str(int(value))
        elif kind == "float":
            text = repr(float(value))
        elif kind == "numeric":
            text = str(decimal.Decimal(str(value)))
        elif kind in ("string", "text", "enum"):
            text = str(value)
        elif kind == "date":
            text = datetime.date.fromisoformat(value).isoformat()
        elif kind == "time":
            text = datetime.time.fromisoformat(value).isoformat()
        elif kind == "datetime":
            moment = datetime.datetime.fromisoformat(value)
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
            # The form SQLAlchemy stores on SQLite; PostgreSQL reads the offset.
            text = moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00:00"
        elif kind == "uuid":
            text = uuid.UUID(value).hex  # how SQLAlchemy stores a Uuid without native support
        elif kind == "json":
            text = json.dumps(value, sort_keys=True)
        else:
            return None
    except (TypeError, ValueError, decimal.InvalidOperation):
        return None
    return repr(text)


def _dependency_order(tables: list[Table]) -> Schema:
    """Referenced tables first, in rounds: each round takes every table whose references
    are all placed, by name; a round that finds none (a cycle) takes the first table by
    name alone. Linear in tables and foreign keys (Kahn's algorithm by rounds)."""
    by_name = {t.name: t for t in tables}
    waiting = {name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table in by_name} - {name} for name, t in by_name.items()}
    referrers: dict[str, list[str]] = {name: [] for name in by_name}
    for name, refs in waiting.items():
        for ref in refs:
            referrers[ref].append(name)
    names = sorted(by_name)
    first = 0  # names before it are all placed
    placed: set[str] = set()
    ordered: list[Table] = []
    ready = [name for name in names if not waiting[name]]
    while len(ordered) < len(by_name):
        if not ready:  # a cycle: its first member by name goes alone
            while names[first] in placed:
                first += 1
            ready = [names[first]]
        freed: set[str] = set()
        for name in ready:
            placed.add(name)
            ordered.append(by_name[name])
            for referrer in referrers[name]:
                waiting[referrer].discard(name)
                if not waiting[referrer] and referrer not in placed:
                    freed.add(referrer)
        ready = sorted(freed - placed)
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


@dataclass
class _Changes:
    """The batch operations of one table: (upgrade, downgrade) pairs ("" for nothing),
    then what a second batch runs in each direction once the first is done: dropping
    the server defaults that filled the rows already there, and constraints on columns
    the first batch renamed."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    up_after: list[str] = field(default_factory=list)
    down_after: list[str] = field(default_factory=list)
    up_fill: list[str] = field(default_factory=list)  # statements after the batches: rows filled


def _renamed_columns(old: Table, new: Table) -> dict[str, str]:
    """New column name -> old name, for the ``renamed_from`` hints that apply: the old
    column existed and is gone (a hint left in the spec after its rename is ignored)."""
    old_names = {c.name for c in old.columns}
    new_names = {c.name for c in new.columns}
    out: dict[str, str] = {}
    for col in new.columns:
        src = col.renamed_from
        if src and col.name not in old_names and src in old_names and src not in new_names and src not in out.values():
            out[col.name] = src
    return out


def _where(table: Table, column: str) -> str:
    return f"models.{table.model}.columns.{column}" if table.model else f"column '{column}' of table '{table.name}'"


def _column_path(table: Table, column: str | None = None) -> KeyPath:
    """Where in the spec a column of ``table`` is declared (its model's columns)."""
    if table.model is None:
        return ("models",)
    return ("models", table.model, "columns") + ((column,) if column else ())


@dataclass(frozen=True)
class Drops:
    """What the spec lets a migration delete with its data (its top-level ``dropped``:
    ``Model``, an association table's name, ``Model.column``), and how to keep instead
    what it does not (``Model.column`` -> the way back, for columns the user never wrote)."""

    confirmed: frozenset[str] = frozenset()
    restore: dict[str, str] = field(default_factory=dict)

    def table(self, table: Table) -> bool:
        return bool({table.model, table.name} & self.confirmed)

    def column(self, table: Table, column: str) -> bool:
        return bool({f"{table.model}.{column}", f"{table.name}.{column}"} & self.confirmed)


def _entry(table: Table, column: str | None = None) -> str:
    """How ``dropped`` names a table or one of its columns."""
    owner = table.model or table.name
    return f"{owner}.{column}" if column else owner


def _rename_column(before: TableColumn, col: TableColumn) -> tuple[str, str]:
    def one(a: TableColumn, b: TableColumn) -> str:
        args = [repr(a.name), f"new_column_name={b.name!r}", f"existing_type={sa(a.type)}"]
        if a.type != b.type:
            args.append(f"type_={sa(b.type)}")
        args.append(f"nullable={b.nullable}" if a.nullable != b.nullable else f"existing_nullable={a.nullable}")
        return f"batch_op.alter_column({', '.join(args)})"

    return one(before, col), one(col, before)


def _drop_server_default(col: TableColumn) -> str:
    return f"batch_op.alter_column({col.name!r}, existing_type={sa(col.type)}, existing_nullable={col.nullable}, server_default=None)"


def _ambiguities(old: Table, new: Table, gone: list[str], added: list[str]) -> tuple[list[Intent], set[str]]:
    """A column that disappears while one of a compatible type appears: a rename or a
    drop-and-add? Only the spec can say. Returns the problems and the columns they name."""
    problems = []
    named: set[str] = set()
    old_cols = {c.name: c for c in old.columns}
    for name in added:
        col = next(c for c in new.columns if c.name == name)
        candidates = [g for g in gone if old_cols[g].family == col.family]
        if not candidates:
            continue
        named.update(candidates)
        olds = " or ".join(repr(c) for c in candidates)
        entries = " / ".join(repr(_entry(new, c)) for c in candidates)
        problems.append(
            Intent(
                _column_path(new, name),
                f"table '{new.name}': column {olds} disappears and column '{name}' ({col.type}) appears; "
                f"flaskgen does not guess whether that is a rename (to rename it and keep the data, add "
                f"'renamed_from: {candidates[0]}' to {_where(new, name)}; to drop {olds} with its data and add "
                f"'{name}' empty, add {entries} to the top-level 'dropped' list; then run regen again)",
            )
        )
    return problems, named


def _drop_column_problem(table: Table, column: str, drops: Drops) -> Intent:
    entry = _entry(table, column)
    back = drops.restore.get(entry, f"put {_where(table, column)} back")
    return Intent(
        _column_path(table),
        f"column '{column}' of table '{table.name}' is no longer in the spec, and the migration would drop it with "
        f"the data it holds (to drop it, add '{entry}' to the top-level 'dropped' list; to keep it, {back}; "
        "then run regen again)",
        key=True,
    )


def _drop_table_problem(table: Table, created: list[Table]) -> Intent:
    what = f"model '{table.model}' is" if table.model else f"the association table '{table.name}' is"
    keep = f"put models.{table.model} back" if table.model else "put the relationship that declares it back"
    renamed = [t.model for t in created if t.model]
    if table.model and renamed:
        keep += f", or if it was renamed, give the new model 'renamed_from: {table.model}'"
    return Intent(
        ("models",),
        f"{what} no longer in the spec, and the migration would drop the table '{table.name}' with the data it holds "
        f"(to drop it, add '{_entry(table)}' to the top-level 'dropped' list; to keep it, {keep}; then run regen again)",
        key=True,
    )


def _fk_up(fk: ForeignKey) -> str:
    ondelete = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
    return f"batch_op.create_foreign_key(batch_op.f({fk.name!r}), {fk.ref_table!r}, [{fk.column!r}], [{fk.ref_column!r}]{ondelete})"


def _fk_down(fk: ForeignKey) -> str:
    return f"batch_op.drop_constraint(batch_op.f({fk.name!r}), type_='foreignkey')"


def _uq_up(name: str, col: str) -> str:
    return f"batch_op.create_unique_constraint(batch_op.f({name!r}), [{col!r}])"


def _uq_down(name: str) -> str:
    return f"batch_op.drop_constraint(batch_op.f({name!r}), type_='unique')"


@dataclass
class _Batch:
    """One table's batch under construction; ``renames`` maps new column names to old."""

    renames: dict[str, str]
    changes: _Changes = field(default_factory=_Changes)

    def going(self, column: str, up: str, down: str) -> None:
        """A constraint that goes away. Batch mode cannot build a constraint on a column
        renamed in the same batch: one on a renamed column comes back in the next batch."""
        if column in self.renames.values():
            self.changes.steps.append((up, ""))
            self.changes.down_after.append(down)
        else:
            self.changes.steps.append((up, down))

    def coming(self, column: str, up: str, down: str) -> None:
        """A constraint that appears (after the columns changed)."""
        if column in self.renames:
            self.changes.steps.append(("", down))
            self.changes.up_after.append(up)
        else:
            self.changes.steps.append((up, down))


def _drop_constraints(batch: _Batch, old: Table, new: Table) -> None:
    """Constraints that go away (or change) first, so their columns can change."""
    old_fks, new_fks = {fk.name: fk for fk in old.foreign_keys}, {fk.name: fk for fk in new.foreign_keys}
    old_ix, new_ix = {i.name: i for i in old.indexes}, {i.name: i for i in new.indexes}
    old_uq, new_uq = dict(old.uniques), dict(new.uniques)
    for name in sorted(old_fks):
        if old_fks[name] != new_fks.get(name):
            batch.going(old_fks[name].column, _fk_down(old_fks[name]), _fk_up(old_fks[name]))
    for name in sorted(old_ix):
        if old_ix[name] != new_ix.get(name):
            batch.going(old_ix[name].column, _drop_index(old.name, old_ix[name], "batch_op"), _create_index(old.name, old_ix[name], "batch_op"))
    for name in sorted(old_uq):
        if old_uq[name] != new_uq.get(name):
            batch.going(old_uq[name], _uq_down(name), _uq_up(name, old_uq[name]))


def _add_constraints(batch: _Batch, old: Table, new: Table) -> None:
    """Constraints that appear (or change), once the columns are there."""
    old_fks, new_fks = {fk.name: fk for fk in old.foreign_keys}, {fk.name: fk for fk in new.foreign_keys}
    old_ix, new_ix = {i.name: i for i in old.indexes}, {i.name: i for i in new.indexes}
    old_uq, new_uq = dict(old.uniques), dict(new.uniques)
    for name in sorted(new_uq):
        if new_uq[name] != old_uq.get(name):
            batch.coming(new_uq[name], _uq_up(name, new_uq[name]), _uq_down(name))
    for name in sorted(new_ix):
        if new_ix[name] != old_ix.get(name):
            batch.coming(new_ix[name].column, _create_index(new.name, new_ix[name], "batch_op"), _drop_index(new.name, new_ix[name], "batch_op"))
    for name in sorted(new_fks):
        if new_fks[name] != old_fks.get(name):
            batch.coming(new_fks[name].column, _fk_up(new_fks[name]), _fk_down(new_fks[name]))


def _drop_columns(changes: _Changes, old_cols: dict[str, TableColumn], gone: list[str]) -> None:
    """Columns that go away; a downgrade re-adds a NOT NULL one to rows that exist, filled
    with its default."""
    for name in gone:
        before = old_cols[name]
        fill = None if before.nullable else before.fill
        changes.steps.append((f"batch_op.drop_column({name!r})", f"batch_op.add_column({before.render(fill)})"))
        if fill:
            changes.down_after.append(_drop_server_default(before))


def _add_column(changes: _Changes, new: Table, col: TableColumn, problems: list[Intent]) -> None:
    """A new column; a NOT NULL one fills the rows there with its default."""
    fill = None
    if not col.nullable:
        fill = col.fill
        if fill is None:
            problems.append(Intent(_column_path(new, col.name), _not_null_problem(new, col)))
    changes.steps.append((f"batch_op.add_column({col.render(fill)})", f"batch_op.drop_column({col.name!r})"))
    if fill:  # the model has no server default: drop it once the rows are filled
        changes.up_after.append(_drop_server_default(col))
    if col.nullable and col.backfill:  # the rows there get a value; new rows get none
        table = f"sa.table({new.name!r}, sa.column({col.name!r}))"
        changes.up_fill.append(f"op.execute({table}.update().values({{{col.name!r}: {col.backfill}}}))")


def _alter_column(before: TableColumn, col: TableColumn) -> tuple[str, str]:
    """The (upgrade, downgrade) that change a column's type or nullability."""
    name = col.name
    if before.type == col.type:
        up = f"batch_op.alter_column({name!r}, existing_type={sa(col.type)}, nullable={col.nullable})"
        down = f"batch_op.alter_column({name!r}, existing_type={sa(col.type)}, nullable={before.nullable})"
        return up, down
    up = f"batch_op.alter_column({name!r}, existing_type={sa(before.type)}, type_={sa(col.type)}, nullable={col.nullable})"
    down = f"batch_op.alter_column({name!r}, existing_type={sa(col.type)}, type_={sa(before.type)}, nullable={before.nullable})"
    return up, down


def _alter(old: Table, new: Table, problems: list[Intent], drops: Drops) -> _Changes:
    """The batch operations that turn ``old`` into ``new``; what cannot be decided from
    the spec goes to ``problems``: a column dropped must be in ``drops``."""
    batch = _Batch(_renamed_columns(old, new))
    renames, changes = batch.renames, batch.changes
    old_cols = {c.name: c for c in old.columns}
    new_cols = {c.name: c for c in new.columns}
    gone = [n for n in old_cols if n not in new_cols and n not in renames.values()]
    added = [n for n in new_cols if n not in old_cols and n not in renames]
    unconfirmed = [n for n in gone if not drops.column(new, n)]
    ambiguous, named = _ambiguities(old, new, unconfirmed, added)
    problems += ambiguous
    problems += [_drop_column_problem(new, n, drops) for n in unconfirmed if n not in named]
    _drop_constraints(batch, old, new)
    _drop_columns(changes, old_cols, gone)
    for name, col in new_cols.items():
        if name in renames:
            changes.steps.append(_rename_column(old_cols[renames[name]], col))
        elif name not in old_cols:
            _add_column(changes, new, col, problems)
        elif old_cols[name] != col:
            changes.steps.append(_alter_column(old_cols[name], col))
    _add_constraints(batch, old, new)
    return changes


def _not_null_problem(table: Table, col: TableColumn) -> str:
    where = _where(table, col.name)
    if col.default is not None:
        why = f"its default {col.default!r} is computed for each new row, so it cannot fill the rows already in the table"
        return f"table '{table.name}': new column '{col.name}' is NOT NULL and {why}; make {where} nullable (nullable: true) or give it a literal default"
    return (
        f"table '{table.name}': new column '{col.name}' is NOT NULL but has no default, so the rows already in the "
        f"table would have no value; give {where} a 'default' (it fills those rows) or make it nullable (nullable: true)"
    )


def _table_renames(old: Schema, new: Schema) -> dict[str, str]:
    """Old table name -> new, for models renamed with ``renamed_from`` whose table changes."""
    old_by_model = {t.model: t for t in old if t.model}
    old_names = {t.name for t in old}
    new_names = {t.name for t in new}
    out: dict[str, str] = {}
    for table in new:
        src = old_by_model.get(table.renamed_from) if table.renamed_from else None
        if src is not None and table.name not in old_names and src.name not in new_names and src.name not in out:
            out[src.name] = table.name
    return out


def _under_new_names(old: Schema, renamed: dict[str, str]) -> Schema:
    """``old`` with renamed tables (and the foreign keys to them) under their new names."""
    return tuple(
        replace(
            t,
            name=renamed.get(t.name, t.name),
            foreign_keys=tuple(replace(fk, ref_table=renamed.get(fk.ref_table, fk.ref_table)) for fk in t.foreign_keys),
        )
        for t in old
    )


def _dropped_tables(old: Schema, new_by: dict[str, Table], created: list[Table], drops: Drops) -> list[Intent]:
    """A table that goes away with its rows must be in ``drops``; an association table
    goes with a table it links that does."""
    gone = [t for t in old if t.name not in new_by]
    confirmed = {t.name for t in gone if drops.table(t)}
    problems = []
    for table in gone:
        implied = table.model is None and any(fk.ref_table in confirmed for fk in table.foreign_keys)
        if table.name not in confirmed and not implied:
            problems.append(_drop_table_problem(table, created))
    return problems


def operations(old: Schema, new: Schema, drops: Drops | None = None) -> tuple[list[str], list[str]]:
    """(upgrade, downgrade) statements that move a database from ``old`` to ``new``.

    Raises :class:`MigrationIntentError` when the spec does not say enough: a column
    that may have been renamed, a table or column that would be dropped with its data
    and that ``drops`` does not confirm, or a NOT NULL column existing rows cannot fill.
    """
    drops = drops or Drops()
    renamed = _table_renames(old, new)
    # Renamed tables first, so the rest compares them under their new names. Foreign keys
    # follow a renamed table (in PostgreSQL and SQLite alike); constraint names keep the
    # old table name, so the comparison below drops and recreates them.
    up = [f"op.rename_table({a!r}, {b!r})" for a, b in sorted(renamed.items())]
    back = [f"op.rename_table({b!r}, {a!r})" for a, b in sorted(renamed.items())]
    old = _under_new_names(old, renamed)
    old_by = {t.name: t for t in old}
    new_by = {t.name: t for t in new}
    problems: list[Intent] = []
    down: list[str] = []
    created = [t for t in new if t.name not in old_by]
    for table in new:  # referenced tables first
        if table.name not in old_by:
            create, drop = _create(table)
            up += create
            down = drop + down
    for name in sorted(set(old_by) & set(new_by)):
        changes = _alter(old_by[name], new_by[name], problems, drops)
        block = []
        ups = [u for u, _ in changes.steps if u]
        downs = [d for _, d in reversed(changes.steps) if d]
        if ups:
            up.append(_batch(name, ups))
        if downs:
            block.append(_batch(name, downs))
        if changes.up_after:
            up.append(_batch(name, changes.up_after))
        up += changes.up_fill
        if changes.down_after:
            block.append(_batch(name, changes.down_after))
        down = block + down
    for table in reversed(old):  # referencing tables first
        if table.name not in new_by:
            create, drop = _create(table)
            up += drop
            down = create + down
    problems += _dropped_tables(old, new_by, created, drops)
    if problems:
        raise MigrationIntentError(problems)
    return up, down + back


def slug(message: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "revision"


def revision(
    old: Schema,
    new: Schema,
    *,
    number: int = 1,
    down_revision: str | None = None,
    message: str = "Initial schema",
    drops: Drops | None = None,
) -> Revision:
    """The revision that moves a database from ``old`` to ``new`` (and back), deleting
    only the tables and columns ``drops`` confirms."""
    up, down = operations(old, new, drops)
    content = json.dumps([down_revision, message, up, down])
    rev_id = hashlib.sha256(content.encode()).hexdigest()[:12]
    filename = f"{number:04d}_{'initial' if number == 1 and not old else slug(message)}.py"
    return Revision(rev_id, down_revision, message, filename, tuple(up), tuple(down))


@dataclass(frozen=True)
class RevisionView(TypedView):
    """migrations/versions/<revision>.py."""

    revision: Revision


def revision_file(rev: Revision) -> PlannedFile:
    """The planned ``migrations/versions/`` file of ``rev``."""
    return PlannedFile(f"migrations/versions/{rev.filename}", REVISION_TEMPLATE, RevisionView(rev), python=True)
