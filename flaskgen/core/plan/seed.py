"""Factories and seed data: ``<package>/factories.py`` (factory_boy and Faker, one
factory per model), ``<package>/seed.py`` (``python manage.py seed``) and its tests.

A factory fills every column it may: a sequence where the column must be unique (the
same samples as the tests', so they fit the column), Faker's data where the column's
name or type says what it holds, cut to the column's length; a required foreign key
through the parent's factory; a many-to-many list empty unless given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flaskgen.core.plan.base import Contribution, Phase, PlannedFile, TypedView
from flaskgen.core.plan.features import production_environment
from flaskgen.core.plan.samples import (
    UNIQUE_TIMES,
    numeric_sample_expr,
    room,
    text_sample_expr,
    uses_codes,
)
from flaskgen.core.spec.auth import ROLE_MODEL, TOKEN_MODEL
from flaskgen.core.spec.types import Column, Model, Project, ProjectSpec

FACTORY_BOY = "factory-boy>=3.3"
FAKER = "Faker>=30"
COMMAND = "seed"
DEFAULT_COUNT = 10
NUMBERED_ROOM = 16  # a text column this long takes Faker's data and a row number
# Column name parts -> (Faker provider, its options) for text columns.
PROVIDERS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("first_name", "given_name", "forename"), "first_name", ""),
    (("last_name", "surname", "family_name"), "last_name", ""),
    (("username", "user_name", "login", "handle", "nickname"), "user_name", ""),
    (("email", "e_mail", "mail"), "email", ""),
    (("url", "website", "homepage", "link", "href"), "url", ""),
    (("phone", "mobile", "fax", "telephone"), "phone_number", ""),
    (("city", "town"), "city", ""),
    (("country",), "country", ""),
    (("address", "street"), "street_address", ""),
    (("zip", "postcode", "postal_code", "zip_code"), "postcode", ""),
    (("company", "organisation", "organization", "publisher", "employer"), "company", ""),
    (("color", "colour"), "color_name", ""),
    (("slug",), "slug", ""),
    (("job", "occupation", "position"), "job", ""),
    (("name", "full_name", "author", "owner", "contact"), "name", ""),
    (("title", "subject", "headline", "caption"), "sentence", "nb_words=4"),
    (("description", "summary", "bio", "body", "content", "comment", "notes", "note", "text", "about"), "paragraph", ""),
)
# Types -> (Faker provider, its options) for columns that need not be unique.
TYPE_PROVIDERS = {
    "integer": ("random_int", "min=0, max=10000"),
    "big_integer": ("random_int", "min=0, max=10000"),
    "float": ("pyfloat", "min_value=0, max_value=1000, right_digits=2"),
    "boolean": ("pybool", ""),
    "date": ("date_object", ""),
    "datetime": ("date_time", "tzinfo=datetime.UTC"),
    "time": ("time_object", ""),
    "uuid": ("uuid4", "cast_to=None"),
    "json": ("pydict", "nb_elements=3, value_types=[str, int]"),
    "binary": ("binary", "length=16"),
    "text": ("paragraph", ""),
}
# A unique column's value per sequence number ``n`` (text and numbers: the tests' samples).
UNIQUE_EXPRS = {
    "integer": "n",
    "big_integer": "n",
    "float": "n / 2",
    "boolean": "n % 2 == 0",
    "uuid": "uuid.UUID(int=n)",
    "json": '{"n": n}',
    "binary": 'n.to_bytes(8, "big")',
    **UNIQUE_TIMES,
}
MODULES = {"date": "datetime", "datetime": "datetime", "time": "datetime", "numeric": "decimal", "uuid": "uuid"}


@dataclass(frozen=True)
class FactoryField:
    name: str
    declaration: str  # Python source: ``factory.Sequence(lambda n: f"isbn{n}")``


@dataclass(frozen=True)
class Parent:
    """A required parent of a model's rows: seed picks one of the saved rows."""

    attribute: str  # the relationship (``author``) or, without one, the column (``author_id``)
    model: str  # the parent's class
    key: str  # with a column: the parent's column it holds (``id``); "" with a relationship


@dataclass(frozen=True)
class FactoryCtx:
    model: str  # the class
    factory: str  # ``BookFactory``
    fields: tuple[FactoryField, ...]
    parents: tuple[Parent, ...]
    links: tuple[tuple[str, str], ...]  # (many-to-many attribute, the other class) seed fills
    seeded: bool  # seed fills it (auth's roles and tokens are left to their commands)
    pointers: tuple[Parent, ...] = ()  # the rows seed picks: the parents, and optional ones


@dataclass(frozen=True)
class FactoriesView(TypedView):
    """``<package>/factories.py``, ``<package>/seed.py`` and ``tests/test_seed.py``."""

    project: Project
    factories: tuple[FactoryCtx, ...]  # parents before children
    seeded: tuple[FactoryCtx, ...]
    modules: tuple[str, ...]  # the standard modules the declarations use
    codes: bool  # a unique text column too short for a number: ``code`` and ``letter``
    count: int  # seed's default --count
    login_model: str  # the auth model's class ("" without auth): seed says how to make a user
    tables: tuple[str, ...]  # the tables seed fills (its test checks each has rows)
    environment: dict[str, str]  # what a production app needs in its tests
    links: bool  # seed links rows of a many-to-many relationship
    growing: tuple[str, ...]  # the tables a second seed adds rows to (unique columns with room)
    spare: FactoryCtx | None  # a seeded model with a unique column of plenty of values


def _words(name: str) -> list[str]:
    return name.lower().split("_")


def _hinted(column: Column) -> tuple[str, str] | None:
    """The Faker provider (and its options) the column's name asks for, if any."""
    words = _words(column.name)
    for parts, provider, options in PROVIDERS:
        if any(part in words or column.name.lower() == part for part in parts):
            return provider, options
    return None


def _text_provider(column: Column) -> tuple[str, str]:
    hinted = _hinted(column)
    if hinted:
        return hinted
    if column.type == "text" or (column.length or 0) >= 200:
        return "paragraph", ""
    return ("sentence", "nb_words=3") if (column.length or 0) >= 40 else ("word", "")


def _fake(provider: str, options: str, length: int | None = None) -> str:
    args = [repr(provider)] + ([str(length)] if length else []) + ([options] if options else [])
    return f"Fake({', '.join(args)})"


def _numeric(column: Column) -> str:
    scale = column.scale if column.scale is not None else 2
    left = min(4, (column.precision - scale) if column.precision is not None else 4)
    return _fake("pydecimal", f"left_digits={max(left, 0)}, right_digits={scale}, positive=True")


def _numbered_text(column: Column) -> str:
    """A text column's value unique per row: Faker's data with the row's number where
    the name says what it holds and the column has room, else the tests' sample."""
    hinted = _hinted(column)
    room = column.length is None or column.length >= NUMBERED_ROOM
    if hinted and column.type == "string" and room and hinted[0] not in ("paragraph", "email", "url", "phone_number"):
        return _fake(hinted[0], ", ".join(filter(None, [hinted[1], "numbered=True"])), column.length)
    return f"factory.Sequence(lambda n: {text_sample_expr(column.name, column.length)})"


def _numbered(column: Column) -> str:
    """A value of its own per row (the tests' samples, so it fits the column)."""
    if column.type in ("string", "text"):
        return _numbered_text(column)
    if column.type == "numeric":
        expr = numeric_sample_expr(column.precision, column.scale)
    elif column.type == "enum":
        expr = f"{tuple(column.values)!r}[n % {len(column.values)}]"
    else:
        expr = UNIQUE_EXPRS[column.type]
    return f"factory.Sequence(lambda n: {expr})"


def _declaration(column: Column) -> str:
    """The factory's declaration of a column that holds no foreign key: numbered where
    it is unique or required (the tests tell rows apart by it), else Faker's data."""
    if column.type == "enum" and not column.unique:
        return f"factory.Iterator({list(column.values)!r})"
    if column.unique or column.primary_key or (not column.nullable and column.default_expr is None):
        return _numbered(column)
    if column.type == "numeric":
        return _numeric(column)
    if column.type in ("string", "text"):
        provider, options = _text_provider(column)
        return _fake(provider, options, column.length)
    provider, options = TYPE_PROVIDERS[column.type]
    return _fake(provider, options)


def _skipped(spec: ProjectSpec, model: Model, column: Column) -> bool:
    """Left to the database, the model or auth: an integer key of its own, a time or
    key the model makes (``default: now``, a UUID), a password hash or session token."""
    auth = spec.auth
    managed = auth is not None and auth.model == model.name and column.name in (auth.hash_column, auth.token_column, auth.confirmed_column)
    single = sum(c.primary_key for c in model.columns) == 1
    auto_key = column.primary_key and single and column.type in ("integer", "big_integer")
    made = column.default_expr is not None and column.type in ("date", "datetime", "time", "uuid")
    return auto_key or managed or made


def _parent_field(spec: ProjectSpec, model: Model, column: Column) -> tuple[FactoryField, Parent]:
    rel = next((r for r in model.relationships if r.kind == "many_to_one" and r.fk_column == column.name), None)
    if rel is not None:
        return FactoryField(rel.name, f"factory.SubFactory({rel.model}Factory)"), Parent(rel.name, rel.model, "")
    parent = next(m for m in spec.models if m.table == column.ref_table)
    key = column.ref_column or parent.primary_key.name
    return FactoryField(column.name, f"factory.LazyFunction(lambda: {parent.name}Factory().{key})"), Parent(column.name, parent.name, key)


def _factory(spec: ProjectSpec, model: Model) -> FactoryCtx:
    fields: list[FactoryField] = []
    parents: list[Parent] = []
    for column in model.columns:
        if _skipped(spec, model, column) or (column.foreign_key and column.nullable):
            continue
        if column.foreign_key:
            field, parent = _parent_field(spec, model, column)
            fields.append(field)
            parents.append(parent)
        else:
            fields.append(FactoryField(column.name, _declaration(column)))
    many = [r for r in model.relationships if r.kind == "many_to_many" and r.secondary]
    fields += [FactoryField(r.name, "factory.LazyFunction(list)") for r in many]
    owned = [(r.name, r.model) for r in many if not r.generated]
    auth = spec.auth
    internal = auth is not None and ((auth.roles and model.name == ROLE_MODEL) or (auth.tokens and model.name == TOKEN_MODEL))
    optional = [
        Parent(r.name, r.model, "")
        for r in model.relationships
        if r.kind == "many_to_one" and r.optional and model.column(r.fk_column or "") is not None
    ]
    return FactoryCtx(model.name, f"{model.name}Factory", tuple(fields), tuple(parents), tuple(owned), not internal, (*parents, *optional))


def _ordered(models: tuple[Model, ...], factories: dict[str, FactoryCtx]) -> list[FactoryCtx]:
    """Parents before children (a cycle keeps the spec's order)."""
    done: list[str] = []
    pending = [m.name for m in models]
    while pending:
        ready = [n for n in pending if all(p.model in done or p.model == n for p in factories[n].parents)] or pending[:1]
        done.append(ready[0])
        pending.remove(ready[0])
    return [factories[n] for n in done]


def _modules(spec: ProjectSpec) -> tuple[str, ...]:
    """The standard modules the declarations use, by the columns' types (never by the
    text of their values: an enum's value may read ``datetime.now``)."""
    used: set[str] = set()
    for model in spec.models:
        for column in model.columns:
            if _skipped(spec, model, column) or column.foreign_key:
                continue
            numbered = _declaration(column).startswith("factory.Sequence")
            if column.type == "datetime" or (numbered and column.type in ("date", "time")):
                used.add("datetime")
            elif numbered and column.type in ("numeric", "uuid"):
                used.add(MODULES[column.type])
    return tuple(sorted(used))


def _limited(model: Model, models: dict[str, Model], seen: frozenset[str] = frozenset()) -> bool:
    """A unique column of few values (an enum, a NUMERIC of few digits) caps the rows,
    or a unique foreign key to such a model does."""
    if any(room(c) for c in model.columns):
        return True
    parents = [m for m in models.values() for c in model.columns if c.unique and c.foreign_key and m.table == c.ref_table]
    return any(p.name not in seen and _limited(p, models, seen | {model.name}) for p in parents)


def _growing(seeded: tuple[FactoryCtx, ...], models: dict[str, Model]) -> tuple[str, ...]:
    tables = set()
    for f in seeded:
        if not _limited(models[f.model], models):
            tables.add(models[f.model].table)
            tables |= {r.secondary for r in models[f.model].relationships if (r.name, r.model) in f.links and r.secondary}
    return tuple(sorted(tables))


def _spare(seeded: tuple[FactoryCtx, ...], models: dict[str, Model]) -> FactoryCtx | None:
    """A seeded model with a unique column and room for many rows (the seed test takes its
    values by hand first)."""
    return next((f for f in seeded if not _limited(models[f.model], models) and any(c.unique for c in models[f.model].columns if not c.foreign_key)), None)


def factories_view(spec: ProjectSpec) -> FactoriesView:
    by_name = {m.name: _factory(spec, m) for m in spec.models}
    ordered = _ordered(spec.models, by_name)
    names = {f.model for f in ordered if f.seeded}
    # Seed links only rows it fills: a user's roles are set-role's.
    seeded = tuple(
        replace(f, links=tuple(link for link in f.links if link[1] in names), pointers=tuple(p for p in f.pointers if p.model in names))
        for f in ordered
        if f.seeded
    )
    models = {m.name: m for m in spec.models}
    secondary = {r.secondary for f in seeded for r in models[f.model].relationships if (r.name, r.model) in f.links}
    used = " ".join(f.declaration for ctx in ordered for f in ctx.fields)
    return FactoriesView(
        project=spec.project,
        factories=tuple(ordered),
        seeded=seeded,
        modules=_modules(spec),
        codes="code(n)" in used or "letter(n)" in used or uses_codes(spec.models),  # the resource tests' too
        count=DEFAULT_COUNT,
        login_model=spec.auth.model if spec.auth else "",
        tables=tuple(sorted({models[f.model].table for f in seeded} | {t for t in secondary if t})),
        environment=production_environment(spec),
        links=any(f.links for f in seeded),
        growing=_growing(seeded, models),
        spare=_spare(seeded, models),
    )


def contribute(spec: ProjectSpec) -> Contribution:
    """Factories, the seed command and its tests, for a spec with models."""
    out = Contribution()
    if not spec.models:
        return out
    pkg = spec.project.package
    view = factories_view(spec)
    out.dev_dependencies += [FACTORY_BOY, FAKER]
    out.files.append(PlannedFile(f"{pkg}/factories.py", "project/package/factories.py.jinja", view, python=True))
    out.files.append(PlannedFile(f"{pkg}/seed.py", "project/package/seed.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_seed.py", "project/tests/test_seed.py.jinja", view, python=True))
    out.app_imports.append("from .seed import register_seed")
    out.setup.append((Phase.COMMANDS, "register_seed(app, profile)"))
    return out
