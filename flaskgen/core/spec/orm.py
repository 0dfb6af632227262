"""Normalization of ``models``: columns, relationships and association tables.

The schema has checked each column and relationship on its own; this stage checks
what spans several of them (foreign keys, relationship pairs, table names) and
computes the Python and SQLAlchemy types the planner turns into code.
"""

from __future__ import annotations

import datetime
import decimal
import keyword
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.base import snake
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import AssociationTable, Column, Model, Relationship

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx
    from flaskgen.core.spec.extras import Extras

# PostgreSQL's reserved key words (including those that may only name a function or
# type): a table or column with one of these names needs quoting everywhere.
SQL_RESERVED = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization binary both case
    cast check collate collation column concurrently constraint create cross
    current_catalog current_date current_role current_schema current_time
    current_timestamp current_user default deferrable desc distinct do else end except
    false fetch for foreign freeze from full grant group having ilike in initially inner
    intersect into is isnull join lateral leading left like limit localtime
    localtimestamp natural not notnull null offset on only or order outer overlaps
    placing primary references returning right select session_user similar some
    symmetric system_user table tablesample then to trailing true union unique user
    using variadic verbose when where window with
    """.split()
)
# Attributes a declarative model already has; a column or relationship may not take them.
MODEL_ATTRIBUTES = frozenset({"metadata", "registry", "query", "query_class", "id_", "__table__"})
# Lowercase names models.py imports or defines; a column or relationship of that name
# would hide them from the class body that follows it.
MODULE_FUNCTIONS = frozenset(
    {
        "annotations", "datetime", "decimal", "uuid", "db", "mapped_column", "relationship",
        "utcnow", "utc_today", "utc_time",
    }
)  # fmt: skip
# Builtin types that models.py's annotations name (Mapped[str], list[Tag], ...).
ANNOTATION_TYPES = frozenset({"str", "int", "float", "bool", "bytes", "dict", "list"})
# Names models.py imports or defines; a model class may not take them.
MODULE_NAMES = frozenset(
    {
        "Any", "BigInteger", "Column", "DateTime", "Enum", "ForeignKey", "JSON", "LargeBinary",
        "Mapped", "Numeric", "String", "Text", "Base", "Model", "Table", "Integer", "Float",
        "Boolean", "Date", "Time", "Uuid",
    }
)  # fmt: skip

# type -> (Python type, SQLAlchemy type when the annotation does not imply it)
PYTHON_TYPES = {
    "integer": "int",
    "big_integer": "int",
    "float": "float",
    "numeric": "decimal.Decimal",
    "string": "str",
    "text": "str",
    "boolean": "bool",
    "date": "datetime.date",
    "datetime": "datetime.datetime",
    "time": "datetime.time",
    "json": "dict[str, Any]",
    "uuid": "uuid.UUID",
    "enum": "str",
    "binary": "bytes",
}
# Types whose Python annotation already selects the right SQLAlchemy type.
IMPLIED_TYPES = frozenset({"integer", "boolean", "date", "time", "uuid", "binary"})
# The SQLAlchemy type class of each column type (``sa_type`` spells out its arguments).
SA_CLASSES = {
    "integer": "Integer",
    "big_integer": "BigInteger",
    "float": "Float",
    "numeric": "Numeric",
    "string": "String",
    "text": "Text",
    "boolean": "Boolean",
    "date": "Date",
    "datetime": "DateTime",
    "time": "Time",
    "json": "JSON",
    "uuid": "Uuid",
    "enum": "Enum",
    "binary": "LargeBinary",
}
# What a big_integer primary key's type adds: SQLite numbers rows itself only for an
# INTEGER PRIMARY KEY (a BIGINT key would stay NULL), so BIGINT elsewhere, INTEGER there
# (both 64-bit on SQLite).
SQLITE_INTEGER = '.with_variant(Integer(), "sqlite")'
# The module a column type's Python annotation (and a literal default) needs.
TYPE_MODULES = {"numeric": "decimal", "date": "datetime", "datetime": "datetime", "time": "datetime", "uuid": "uuid"}
NOW_DEFAULTS = {"datetime": "utcnow", "date": "utc_today", "time": "utc_time"}


def sa_type(kind: str, raw: dict[str, Any], table: str, column: str) -> str:
    """The SQLAlchemy type expression (without module prefix) for a column."""
    if kind == "numeric":
        args = [str(raw[k]) for k in ("precision", "scale") if k in raw]
        return f"Numeric({', '.join(args)})"
    if kind == "string":
        return f"String({raw['length']})" if "length" in raw else "String()"
    if kind == "enum":
        values = ", ".join(repr(v) for v in raw["values"])
        length = max(len(v) for v in raw["values"])
        # Not a native enum: a VARCHAR works the same on every database and migrates simply.
        return f"Enum({values}, name={table + '_' + column!r}, native_enum=False, length={length})"
    return {
        "integer": "Integer()",
        "big_integer": "BigInteger()",
        "float": "Float()",
        "text": "Text()",
        "boolean": "Boolean()",
        "date": "Date()",
        "datetime": "DateTime(timezone=True)",
        "time": "Time()",
        "json": "JSON()",
        "uuid": "Uuid()",
        "binary": "LargeBinary()",
    }[kind]


@dataclass
class _State:
    """What model normalization shares across models."""

    models: dict[str, Model] = field(default_factory=dict)
    paths: dict[str, KeyPath] = field(default_factory=dict)
    tables: dict[str, tuple[str, KeyPath]] = field(default_factory=dict)  # table -> (owner, path)
    relationships: dict[str, list[Relationship]] = field(default_factory=dict)
    association: dict[str, AssociationTable] = field(default_factory=dict)
    complete: bool = True  # every model was normalized (none skipped as malformed)


def normalize_models(ctx: Ctx, extras: Extras) -> None:
    """Fill ``extras.models`` and ``extras.association_tables`` from the spec."""
    raw = ctx.get(("models",), {}) or {}
    if not isinstance(raw, dict) or not raw:
        return
    state = _State()
    bodies: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        path: KeyPath = ("models", name)
        if not ctx.sound(path) or not isinstance(body or {}, dict):
            state.complete = False
            continue
        # A malformed column or relationship is skipped; the model's other parts are checked.
        bodies[name] = ctx.usable(path, body or {}, ("columns", "relationships"))
        model = _model(ctx, path, name, bodies[name])
        if model is not None:
            state.models[name] = model
            state.paths[name] = path
            state.relationships[name] = []
        else:
            state.complete = False
    _check_tables(ctx, state)
    _check_foreign_keys(ctx, state)
    for name, body in bodies.items():
        if name in state.models:
            _relationships(ctx, state, name, body.get("relationships") or {})
    extras.models = tuple(
        replace(model, relationships=tuple(state.relationships[name])) for name, model in state.models.items()
    )
    extras.association_tables = tuple(state.association[k] for k in sorted(state.association))


def _reserved(name: str) -> str | None:
    """Why ``name`` cannot name a table or column, or None."""
    if keyword.iskeyword(name):
        return "a Python keyword"
    if name.lower() in SQL_RESERVED:
        return "an SQL reserved word"
    return None


def _taken(name: str) -> str | None:
    """Why ``name`` cannot be an attribute of a model class, or None."""
    if name in MODEL_ATTRIBUTES or name.startswith(("__", "_sa_")):
        return "an attribute every model has (SQLAlchemy's declarative reserves it)"
    if name in MODULE_FUNCTIONS:
        return "a name models.py imports or defines"
    if name in ANNOTATION_TYPES:
        return "a type that the model's annotations use (in the class body the name would mean the column)"
    return None


def _model(ctx: Ctx, path: KeyPath, name: str, body: dict[str, Any]) -> Model | None:
    if keyword.iskeyword(name) or name in MODULE_NAMES:
        ctx.error(path, f"'{name}' is a name models.py already uses; pick another model name", key=True)
        return None
    if name.startswith("Test"):
        # The generated tests import every model; pytest would try to collect this one.
        ctx.error(path, f"'{name}' starts with Test, so pytest would take the model for a test class; pick another model name", key=True)
        return None
    table = body.get("table") or snake(name)
    why = _reserved(table)
    if why:
        where = (*path, "table") if "table" in body else path
        hint = "" if "table" in body else f"; set 'table' to another name, such as '{table}s'"
        ctx.error(where, f"table name '{table}' is {why}{hint}", key="table" not in body)
    columns: list[Column] = []
    for col_name, col_body in (body.get("columns") or {}).items():
        cpath: KeyPath = (*path, "columns", col_name)
        if not ctx.ok(cpath):
            continue
        column = _column(ctx, cpath, table, col_name, col_body)
        if column is not None:
            columns.append(column)
    if not any(c.primary_key for c in columns) and "id" not in (body.get("columns") or {}):
        columns.insert(0, Column("id", "integer", "int", "Integer()", True, False, False, False, None, None, None, None))
    elif not any(c.primary_key for c in columns):
        ctx.error((*path, "columns", "id"), "a model without a primary key gets an 'id' column; mark a column primary_key: true or remove 'id'", key=True)
    label = _label(ctx, path, body.get("label"), columns)
    return Model(
        name=name,
        table=table,
        columns=tuple(columns),
        relationships=(),
        doc=str(body.get("doc", "")),
        renamed_from=body.get("renamed_from"),
        label=label,
        title=str(body.get("title", "")),
        plural=str(body.get("plural", "")),
    )


def _label(ctx: Ctx, path: KeyPath, declared: str | None, columns: list[Column]) -> str | None:
    """The column that names a row: ``label`` if given, else the first unique string
    column, else the first string column, else None (pages show ``#<id>``)."""
    names = [c.name for c in columns]
    if declared is not None:
        if declared not in names:
            ctx.error((*path, "label"), f"'{declared}' is not a column of this model{did_you_mean(declared, names)}")
            return None
        return declared
    strings = [c for c in columns if c.type == "string" and not c.primary_key]
    chosen = next((c for c in strings if c.unique), strings[0] if strings else None)
    return chosen.name if chosen else None


def _type_options_fit(ctx: Ctx, path: KeyPath, kind: str, raw: dict[str, Any]) -> bool:
    """Whether ``length``, ``precision``, ``scale`` and ``values`` fit the column type
    (each misfit is reported)."""
    ok = True
    options = (("length", ("string",)), ("precision", ("numeric",)), ("scale", ("numeric",)), ("values", ("enum",)), ("titles", ("enum",)))
    for option, kinds in options:
        if option in raw and kind not in kinds:
            ctx.error((*path, option), f"'{option}' applies to {' and '.join(kinds)} columns, not {kind}", key=True)
            ok = False
    if kind == "enum" and "values" not in raw:
        ctx.error((*path, "type"), "an enum column needs 'values', such as [draft, published]")
        ok = False
    values = raw.get("values") if kind == "enum" else None
    known: list[Any] = values if isinstance(values, list) else []
    for value in (raw.get("titles") or {}) if known else ():
        if value not in known:
            # (reported, and the column kept: a label does not change what it stores)
            ctx.error((*path, "titles", value), f"'{value}' is not a value of this enum{did_you_mean(str(value), [str(v) for v in known])}", key=True)
    if "scale" in raw and raw.get("precision", 0) < raw["scale"]:
        ctx.error((*path, "scale"), "'scale' needs a 'precision' at least as large")
        ok = False
    return ok


def _column(ctx: Ctx, path: KeyPath, table: str, name: str, raw: dict[str, Any]) -> Column | None:
    """One column of a model, checked; None when it has a problem."""
    why = _reserved(name) or _taken(name)
    if why:
        ctx.error(path, f"column name '{name}' is {why}; pick another name", key=True)
        return None
    kind = raw["type"]
    ok = _type_options_fit(ctx, path, kind, raw)
    primary_key = bool(raw.get("primary_key", False))
    nullable = bool(raw.get("nullable", not primary_key))
    if primary_key and nullable:
        ctx.error((*path, "nullable"), "a primary key column cannot be nullable")
        ok = False
    ok = _options_fit(ctx, path, kind, raw, nullable) and ok
    default_expr = _default(ctx, (*path, "default"), kind, raw) if "default" in raw else None
    if "default" in raw and default_expr is None:
        ok = False
    elif raw.get("unique") and raw.get("default") not in (None, "now"):
        ctx.error((*path, "default"), "a unique column with a fixed default can hold only one row that leaves it unset; remove the default or unique: true")
        ok = False
    if not ok:
        return None
    if default_expr is None and kind == "uuid" and (primary_key or not nullable) and "foreign_key" not in raw:
        # (a foreign key's value names another row: a new random one would name none)
        default_expr = "uuid.uuid4"
    spelled = sa_type(kind, raw, table, name)
    if primary_key and kind == "big_integer":
        spelled += SQLITE_INTEGER
    return Column(
        name=name,
        type=kind,
        python_type=PYTHON_TYPES[kind],
        sa_type=spelled,
        primary_key=primary_key,
        nullable=nullable,
        unique=bool(raw.get("unique", False)),
        index=bool(raw.get("index", False)),
        default=raw.get("default"),
        default_expr=default_expr,
        foreign_key=raw.get("foreign_key"),
        ondelete=raw.get("ondelete"),
        length=raw.get("length"),
        precision=raw.get("precision"),
        scale=raw.get("scale"),
        values=tuple(raw.get("values") or ()),
        doc=str(raw.get("doc", "")),
        renamed_from=raw.get("renamed_from"),
        title=str(raw.get("title", "")),
        titles=tuple((str(v), str(t)) for v, t in (raw.get("titles") or {}).items()),
    )


def _options_fit(ctx: Ctx, path: KeyPath, kind: str, raw: dict[str, Any], nullable: bool) -> bool:
    """Whether ``ondelete`` and ``unique`` fit the column (each misfit is reported)."""
    ok = True
    if "ondelete" in raw and "foreign_key" not in raw:
        ctx.error((*path, "ondelete"), "'ondelete' needs a 'foreign_key'", key=True)
        ok = False
    if kind == "boolean" and raw.get("unique"):
        ctx.error((*path, "unique"), "a unique boolean column holds at most two rows (a form's checkbox is always true or false); remove unique: true")
        ok = False
    values = raw.get("values")
    if kind == "enum" and raw.get("unique") and not nullable and isinstance(values, list) and len(values) == 1:
        ctx.error((*path, "unique"), "a required unique enum column of one value holds at most one row; add values, make it nullable or remove unique: true")
        ok = False
    if raw.get("ondelete") == "SET NULL" and not nullable:
        ctx.error((*path, "ondelete"), "ondelete SET NULL needs a nullable column")
        ok = False
    return ok


def _default(ctx: Ctx, path: KeyPath, kind: str, raw: dict[str, Any]) -> str | None:
    """Python source of a column default, or None after reporting why it is wrong."""
    value = raw["default"]
    if value == "now" and kind in NOW_DEFAULTS:
        return NOW_DEFAULTS[kind]
    try:
        return _literal(kind, value, raw)
    except (TypeError, ValueError, decimal.InvalidOperation) as exc:
        ctx.error(path, f"{value!r} is not a valid default for this {kind} column: {exc}")
        return None


def _literal(kind: str, value: Any, raw: dict[str, Any]) -> str:
    if value is None:
        return "None"
    if kind in ("integer", "big_integer") and isinstance(value, int) and not isinstance(value, bool):
        return repr(value)
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    if kind == "numeric" and isinstance(value, int | float | str) and not isinstance(value, bool):
        return f"decimal.Decimal({str(decimal.Decimal(str(value)))!r})"
    if kind in ("string", "text") and isinstance(value, str):
        if kind == "string" and "length" in raw and len(value) > raw["length"]:
            raise ValueError(f"longer than length {raw['length']}")
        return repr(value)
    if kind == "enum" and isinstance(value, str):
        if value not in raw.get("values", ()):
            raise ValueError(f"not one of {', '.join(raw.get('values', ()))}")
        return repr(value)
    if kind == "boolean" and isinstance(value, bool):
        return repr(value)
    if kind == "date" and isinstance(value, str):
        return repr(datetime.date.fromisoformat(value))
    if kind == "time" and isinstance(value, str):
        return repr(datetime.time.fromisoformat(value))
    if kind == "datetime" and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return f"datetime.datetime.fromisoformat({moment.isoformat()!r})"
    if kind == "uuid" and isinstance(value, str):
        return f"uuid.UUID({str(uuid.UUID(value))!r})"
    if kind == "json" and isinstance(value, dict):
        # A shared mutable default would leak between rows: build a fresh one each time.
        return f"lambda: {value!r}"
    hint = " (write now for the current time)" if kind in NOW_DEFAULTS else ""
    raise TypeError(f"expected a value of type {kind}{hint}")


def _check_tables(ctx: Ctx, state: _State) -> None:
    for name, model in state.models.items():
        path = state.paths[name]
        if model.table in state.tables:
            other = state.tables[model.table][0]
            ctx.error(path, f"table '{model.table}' is already the table of {other}; set 'table' to another name", key=True)
            continue
        state.tables[model.table] = (name, path)


def _check_foreign_keys(ctx: Ctx, state: _State) -> None:
    by_table = {m.table: m for m in state.models.values()}
    for name, model in state.models.items():
        for column in model.columns:
            if not column.foreign_key:
                continue
            path = (*state.paths[name], "columns", column.name, "foreign_key")
            table, _, target = column.foreign_key.partition(".")
            if table not in by_table:
                if not state.complete:
                    continue  # perhaps the table of a model that is malformed
                ctx.error(path, f"no table '{table}'{did_you_mean(table, list(by_table))}; tables: {', '.join(sorted(by_table))}")
                continue
            referenced = {c.name: c for c in by_table[table].columns}
            if target not in referenced:
                if not ctx.ok((*state.paths[by_table[table].name], "columns", target)):
                    continue  # the column is there but malformed, reported already
                ctx.error(path, f"table '{table}' has no column '{target}'{did_you_mean(target, list(referenced))}")
                continue
            ref = referenced[target]
            if not (ref.primary_key or ref.unique):
                ctx.error(path, f"'{column.foreign_key}' is neither a primary key nor unique, so it cannot be referenced")
            elif ref.python_type != column.python_type:
                ctx.error(path, f"'{column.name}' is {column.type} but '{column.foreign_key}' is {ref.type}; make the types match")
            elif table == model.table and not column.nullable:
                # The first row would need a row of its own table before it exists.
                ctx.error(path, f"a foreign key to its own table must be nullable (the first row has none to point at); remove nullable: false from '{column.name}'")


def _relationships(ctx: Ctx, state: _State, name: str, raw: dict[str, Any]) -> None:
    model = state.models[name]
    columns = {c.name for c in model.columns}
    for rel_name, body in raw.items():
        path: KeyPath = (*state.paths[name], "relationships", rel_name)
        if not ctx.ok(path):
            continue
        if rel_name in columns or keyword.iskeyword(rel_name):
            ctx.error(path, f"'{rel_name}' is already a column of {name}; pick another relationship name", key=True)
            continue
        if _taken(rel_name):
            ctx.error(path, f"'{rel_name}' is {_taken(rel_name)}; pick another relationship name", key=True)
            continue
        target = body["model"]
        if target not in state.models:
            if target not in (ctx.get(("models",)) or {}):
                ctx.error((*path, "model"), f"no model '{target}'{did_you_mean(target, list(state.models))}")
            continue
        pair = _pair(ctx, state, path, model, state.models[target], rel_name, body)
        if pair is None:
            continue
        here, there = pair
        if not _claim(ctx, state, path, name, here):
            continue
        if there is not None:
            _claim(ctx, state, (*path, "back_populates"), target, there)


def _claim(ctx: Ctx, state: _State, path: KeyPath, owner: str, rel: Relationship) -> bool:
    """Add ``rel`` to ``owner`` unless the name is taken (an identical pair is fine)."""
    existing = {r.name: r for r in state.relationships[owner]}
    columns = {c.name for c in state.models[owner].columns}
    if rel.name in existing:
        same = existing[rel.name]
        if (same.model, same.back_populates, same.kind) == (rel.model, rel.back_populates, rel.kind):
            return True
        ctx.error(path, f"{owner}.{rel.name} is already defined by another relationship; choose another name")
        return False
    if rel.name in columns:
        ctx.error(path, f"{owner}.{rel.name} is a column; choose another name for back_populates")
        return False
    state.relationships[owner].append(rel)
    return True


def _pair(
    ctx: Ctx, state: _State, path: KeyPath, model: Model, target: Model, name: str, body: dict[str, Any]
) -> tuple[Relationship, Relationship | None] | None:
    """This side of a relationship and the generated other side (if back_populates)."""
    back = body.get("back_populates")
    if body.get("secondary"):
        return _many_to_many(ctx, state, path, model, target, name, body)
    outgoing = [c for c in model.columns if c.foreign_key and c.ref_table == target.table]
    incoming = [c for c in target.columns if c.foreign_key and c.ref_table == model.table]
    if model is target:
        ctx.error(path, "a relationship of a model to itself is not supported yet; add it in models.py by hand")
        return None
    if len(outgoing) + len(incoming) != 1:
        found = "no foreign key" if not outgoing + incoming else "several foreign keys"
        ctx.error(
            path,
            f"{found} between {model.table} and {target.table}; a relationship needs exactly one "
            f"(add one such as {target.table}_id: {{type: integer, foreign_key: {target.table}.id}}) or 'secondary' for many-to-many",
        )
        return None
    one_to_one = body.get("uselist") is False
    if outgoing:
        fk = outgoing[0]
        passive = fk.ondelete in ("CASCADE", "SET NULL")
        here = Relationship(name, target.name, back, None, False, kind="many_to_one", optional=fk.nullable, fk_column=fk.name)
        there_kind = "one_to_one" if one_to_one else "one_to_many"
        there = Relationship(back, model.name, name, None, not one_to_one, True, there_kind, True, passive, fk.name) if back else None
        return here, there
    fk = incoming[0]
    passive = fk.ondelete in ("CASCADE", "SET NULL")
    kind = "one_to_one" if one_to_one else "one_to_many"
    here = Relationship(name, target.name, back, None, not one_to_one, kind=kind, passive_deletes=passive, fk_column=fk.name)
    there = Relationship(back, model.name, name, None, False, True, "many_to_one", fk.nullable, False, fk.name) if back else None
    return here, there


def _many_to_many(
    ctx: Ctx, state: _State, path: KeyPath, model: Model, target: Model, name: str, body: dict[str, Any]
) -> tuple[Relationship, Relationship | None] | None:
    secondary = body["secondary"]
    back = body.get("back_populates")
    if body.get("uselist") is False:
        ctx.error((*path, "uselist"), "a many-to-many relationship is always a list", key=True)
        return None
    if model is target:
        ctx.error(path, "a many-to-many relationship of a model to itself is not supported yet")
        return None
    keys = []
    for side in (model, target):
        pks = [c for c in side.columns if c.primary_key]
        if len(pks) != 1:
            ctx.error(path, f"{side.name} has a composite primary key; many-to-many needs a single one")
            return None
        keys.append((f"{snake(side.name)}_{pks[0].name}", side.table, pks[0]))
    if secondary in state.tables:
        ctx.error((*path, "secondary"), f"table '{secondary}' is already the table of {state.tables[secondary][0]}")
        return None
    why = _reserved(secondary) or ("a name models.py imports or defines" if secondary in MODULE_FUNCTIONS else None)
    owner = next((m.name for m in (model, target) if secondary in {c.name for c in m.columns}), None)
    if why is None and (owner or secondary in (name, back)):
        why = f"also an attribute of {owner or model.name}: in the class body the name would mean that attribute"
    if why:
        ctx.error((*path, "secondary"), f"table name '{secondary}' is {why}")
        return None
    left, right = sorted(keys, key=lambda k: k[0])
    table = AssociationTable(
        secondary,
        (left[0], left[1], left[2].name),
        (right[0], right[1], right[2].name),
        (left[2].python_type, right[2].python_type),
        (left[2].sa_type, right[2].sa_type),
    )
    known = state.association.get(secondary)
    if known is not None and {known.left[1], known.right[1]} != {model.table, target.table}:
        ctx.error((*path, "secondary"), f"association table '{secondary}' already links {known.left[1]} and {known.right[1]}")
        return None
    state.association[secondary] = table
    here = Relationship(name, target.name, back, secondary, True, kind="many_to_many")
    there = Relationship(back, model.name, name, secondary, True, True, "many_to_many") if back else None
    return here, there
