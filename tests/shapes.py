"""Spec shapes: a generator of model, resource, auth and upload specs that are hostile
but reasonable — names that collide with generated modules, Python keywords, Jinja,
WTForms, Flask-Login, SQLAlchemy and Flask names; every column type, nullability,
default, uniqueness and length; primary keys of each type; one or several foreign
keys (same and different targets, self-reference, optional and required);
many-to-many; resources with every option; auth on a model that is also a resource;
uploads.

Each spec either is refused with ``spec.yaml:LINE:COL: path: message`` lines or
generates a project whose own gates pass (``scripts/shapes.py`` runs them).

Why a fixed-seed generator and not Hypothesis strategies: a drawn spec is a pure
function of ``(seed, index)``, so a failure is reproduced from two numbers printed
in the report (``--seed S --index I``), with no example database; the harness runs
thousands of specs outside pytest and several at a time, which Hypothesis's engine
(serial, driven by ``@given``) is not made for; and shrinking buys little when one
example costs seconds of subprocesses — the generator keeps shapes small instead,
and the report prints the whole spec.
"""

from __future__ import annotations

import keyword
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from flaskgen.core.spec.base import snake

TYPES = (
    "integer", "big_integer", "float", "numeric", "string", "text", "boolean",
    "date", "datetime", "time", "json", "uuid", "enum", "binary",
)  # fmt: skip
KEY_TYPES = ("integer", "big_integer", "string", "uuid")

# Names that collide with something: the generated modules, Python, Jinja, WTForms,
# Flask-Login, SQLAlchemy and Flask. Lowercase ones name columns, relationships,
# resources, uploads and routes; CamelCase ones name models.
GENERATED_MODULES = (
    "crud", "health", "api", "models", "views", "forms", "schemas", "extensions", "config",
    "commands", "hooks", "errors", "uploads", "auth", "templating", "converters",
    "middleware", "logconfig", "static", "templates", "tests", "conftest", "__init__",
    "manage", "wsgi", "app", "main", "guards", "api_docs",
)  # fmt: skip
PYTHON_NAMES = (
    "self", "cls", "id", "list", "dict", "str", "int",
    "len", "object", "print", "format", "filter", "map", "next", "iter", "hash", "any",
    "all", "super", "property", "annotations", "datetime", "date", "time", "decimal",
    "uuid", "json", "typing", "sa",
)  # fmt: skip
JINJA_NAMES = (
    "loop", "self", "super", "caller", "varargs", "kwargs", "namespace", "range", "lipsum",
    "cycler", "joiner", "block", "extends", "include", "macro", "set", "raw", "call",
    "with", "without", "context", "ignore", "missing", "true", "false", "none", "item",
    "items", "row", "rows", "page", "pagination", "field", "fields", "obj", "value",
    "values", "keys", "form", "errors", "safe", "escape", "length", "count", "label",
)  # fmt: skip
WTFORMS_NAMES = (
    "meta", "validate", "validate_on_submit", "populate_obj", "populate", "data", "errors",
    "form_errors", "csrf_token", "process", "submit", "hidden_tag", "is_submitted",
    "description", "widget", "flags", "object_data", "raw_data", "default", "filters",
    "validators", "render_kw", "name", "type", "short_name",
)  # fmt: skip
LOGIN_NAMES = (
    "is_authenticated", "is_active", "is_anonymous", "get_id", "set_password",
    "check_password", "password", "password_hash", "remember", "confirm", "user",
    "current_user", "login_user", "logout_user",
)  # fmt: skip
SQLALCHEMY_NAMES = (
    "metadata", "query", "registry", "query_class", "session", "select", "table",
    "columns", "c", "mapper", "func", "key", "bind", "mapped_column", "relationship",
    "db", "model", "order_by", "where", "join",
)  # fmt: skip
FLASK_NAMES = (
    "request", "session", "g", "current_app", "app", "flask", "blueprint", "bp",
    "url_for", "redirect", "abort", "flash", "jsonify", "render_template", "response",
    "make_response", "send_from_directory", "secure_filename", "config", "index", "show",
    "new", "create", "edit", "update", "delete", "options", "export", "sort", "q",
    "per_page", "status", "headers", "args", "method_view", "view",
)  # fmt: skip
HOSTILE_LOWER = tuple(
    sorted(
        {
            *GENERATED_MODULES,
            *PYTHON_NAMES,
            *JINJA_NAMES,
            *WTFORMS_NAMES,
            *LOGIN_NAMES,
            *SQLALCHEMY_NAMES,
            *FLASK_NAMES,
        }
        - set(keyword.kwlist)
    )
)
# Python's keywords (soft ones too) and builtin constants: validation refuses most, so
# they are drawn less often than the other hostile names.
KEYWORDS = tuple(sorted(n for n in {*keyword.kwlist, *keyword.softkwlist} if n.isidentifier()))
HOSTILE_CLASSES = (
    "Blueprint", "MethodView", "Flask", "Item", "Model", "Base", "Query", "Session",
    "Config", "Form", "FlaskForm", "Request", "Response", "Api", "Crud", "Health",
    "Models", "Views", "Schema", "Schemas", "Meta", "Field", "Enum", "String", "Table",
    "Column", "Mapped", "Any", "Decimal", "Date", "Datetime", "Uuid", "Json", "Text",
    "Integer", "Boolean", "Float", "Time", "UserMixin", "LoginManager", "AnonymousUserMixin",
    "Class", "Import", "Object", "Type", "List", "Dict", "Pagination", "Select", "Markup",
    "Row", "Result", "ValidationError", "Migrate", "App", "Db", "G", "Error", "Errors",
    "Test", "Tests", "Resource", "View", "Template", "Loop", "Self", "Super", "Namespace",
    "Login", "Auth", "Upload", "Uploads", "Widget", "Validator", "CSRFProtect", "Data",
    "SQLAlchemy", "Sa", "Optional", "Annotated", "Callable", "Iterator", "Path", "Node",
    "None", "True", "False", "ModelForm", "Unique", "DataRequired", "Length", "InputRequired",
)  # fmt: skip
PLAIN_CLASSES = (
    "Author", "Book", "Tag", "Order", "Customer", "Invoice", "Product", "Category", "Note",
    "Task", "Project", "Team", "Player", "Comment", "Post", "Event", "Ticket", "Vendor",
    "Warehouse", "Shipment", "Account", "Person", "Department", "Employee",
)  # fmt: skip
PLAIN_LOWER = (
    "title", "email", "price", "total_count", "notes", "body", "code", "born", "active",
    "created_at", "slug", "qty", "rating", "summary", "phone", "city", "starts_on", "due",
    "weight", "score", "payload", "photo", "kind", "handle", "nickname", "amount",
)  # fmt: skip
ENUM_VALUES = (
    "draft",
    "published",
    "no_show",
    "a",
    "B",
    "class",
    "None",
    "true",
    "x y",
    "it's",
    "<b>",
    "1",
    "é",
)
STRINGS = (
    "x",
    "it's",
    "{{ x }}",
    "{% raw %}",
    "<b>&amp;</b>",
    "\\",
    "ünï",
    "a b",
    "",
    '"q"',
    "{x}",
)
EXTENSIONS = (
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "txt",
    "pdf",
    "csv",
    "tar.gz",
    "PNG",
    "svg",
    "json",
)
RISKY_EXTENSIONS = ("exe", "php", "sh", "html", "bin")


@dataclass(frozen=True)
class Shape:
    """One drawn spec: where it came from, the spec as data and as YAML."""

    seed: int
    index: int
    spec: dict[str, Any]

    @property
    def text(self) -> str:
        return dump(self.spec)

    @property
    def package(self) -> str:
        return str(self.spec["project"]["package"])


def dump(spec: dict[str, Any]) -> str:
    """The spec as YAML (block style, keys in drawing order)."""
    return yaml.safe_dump(
        spec, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False
    )


@dataclass
class _Draw:
    """The state of one spec being drawn."""

    rng: random.Random
    avoid_known: bool
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # model -> table

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def lower(self, plain: tuple[str, ...] = PLAIN_LOWER, hostile: float = 0.3) -> str:
        if self.chance(hostile):
            return self.rng.choice(KEYWORDS if self.chance(0.03) else HOSTILE_LOWER)
        return self.rng.choice(plain)


def draw(seed: int, index: int, avoid_known: bool = False) -> Shape:
    """The ``index``-th spec of ``seed`` (the same pair always gives the same spec).
    ``avoid_known`` leaves out the shapes of :data:`KNOWN` failures, so a run shows
    the rest."""
    d = _Draw(random.Random(f"shapes:{seed}:{index}"), avoid_known)
    for i in range(d.rng.choice((1, 1, 2, 2, 3, 3, 4))):
        _model(d, i)
    _foreign_keys(d)
    _many_to_many(d)
    spec: dict[str, Any] = {
        "flaskgen": 1,
        "project": {
            "name": f"Shape {seed}-{index}",
            "package": f"shape_{seed}_{index}".replace("-", "m"),
        },
        "models": d.models,
    }
    auth = _auth(d) if d.chance(0.35) else None
    if auth:
        spec["auth"] = auth
    resources = _resources(d, auth is not None)
    if resources:
        spec["resources"] = resources
    if d.chance(0.3):
        spec["uploads"] = _uploads(d)
    if d.chance(0.3):
        spec["routes"] = _routes(d)
    shape = Shape(seed, index, spec)
    if avoid_known and known_classes(spec):
        return draw(
            seed, index + 1_000_000_007, avoid_known
        )  # another draw, still a function of (seed, index)
    return shape


def _model(d: _Draw, i: int) -> None:
    pool = HOSTILE_CLASSES if d.chance(0.35) else PLAIN_CLASSES
    name = d.rng.choice(pool)
    while name in d.models:
        name = d.rng.choice(PLAIN_CLASSES) + str(i)
    body: dict[str, Any] = {}
    if d.chance(0.15):
        body["table"] = d.lower(tuple(f"{p}s" for p in PLAIN_LOWER), hostile=0.3)
    columns: dict[str, Any] = {}
    key = d.rng.choice(("implicit", "implicit", "id", "id", "other"))
    if key != "implicit":
        kind = d.rng.choice(KEY_TYPES) if d.chance(0.5) else "integer"
        col: dict[str, Any] = {"type": kind, "primary_key": True}
        if kind == "string":
            col["length"] = d.rng.choice((1, 8, 36, 64))
        columns["id" if key == "id" else d.lower(("code", "uid", "key_", "ref", "pk"))] = col
    for _ in range(d.rng.randint(0, 5)):
        name_ = d.lower(hostile=0.35)
        if name_ not in columns:
            columns[name_] = _column(d)
    if columns:
        body["columns"] = columns
    if d.chance(0.15) and columns:
        body["label"] = d.rng.choice(list(columns))
    if d.chance(0.1):
        body["doc"] = d.rng.choice(STRINGS)
    d.models[name] = body
    d.tables[name] = body.get("table") or _snake(name)


def _column(d: _Draw) -> dict[str, Any]:
    kind = d.rng.choice(TYPES)
    col: dict[str, Any] = {"type": kind}
    if kind == "string" and d.chance(0.85):
        col["length"] = d.rng.choice((1, 1, 2, 3, 13, 30, 64, 120, 255))
    if kind == "numeric" and d.chance(0.6):
        col["precision"] = d.rng.randint(1, 12)
        col["scale"] = d.rng.randint(0, col["precision"])
    if kind == "enum":
        col["values"] = d.rng.sample(ENUM_VALUES, d.rng.randint(1, 4))
    nullable = d.rng.choice((None, True, False, False))
    if nullable is not None:
        col["nullable"] = nullable
    if d.chance(0.2):
        col["unique"] = True
    if d.chance(0.15):
        col["index"] = True
    if d.chance(0.35):
        default = _default(d, kind, col)
        if default is not _NONE:
            col["default"] = default
    if d.chance(0.05):
        col["doc"] = d.rng.choice(STRINGS)
    return col


_NONE = object()


def _default(d: _Draw, kind: str, col: dict[str, Any]) -> Any:
    """A default that fits the column (mostly), or _NONE."""
    choices: dict[str, Callable[[], Any]] = {
        "integer": lambda: d.rng.choice((0, -1, 7, 2**31 - 1)),
        "big_integer": lambda: d.rng.choice((0, 2**62, -(2**63))),
        "float": lambda: d.rng.choice((0.0, 1.5, -2.25, 3)),
        "numeric": lambda: d.rng.choice(("0", "1.5", "9.99", 2)),
        "string": lambda: d.rng.choice(STRINGS)[: col.get("length", 100)],
        "text": lambda: d.rng.choice(STRINGS),
        "boolean": lambda: d.rng.choice((True, False)),
        "date": lambda: d.rng.choice(("now", "2024-02-29", "1970-01-01")),
        "datetime": lambda: d.rng.choice(
            ("now", "now", "2024-02-29T12:30:00", "2000-01-01T00:00:00+02:00")
        ),
        "time": lambda: d.rng.choice(("now", "12:30:00", "00:00")),
        "json": lambda: d.rng.choice(({}, {"a": [1, "b"]}, {"x": None})),
        "uuid": lambda: "12345678-1234-5678-1234-567812345678",
        "enum": lambda: d.rng.choice(col["values"]),
        "binary": lambda: _NONE,
    }
    return choices[kind]()


def _key_of(d: _Draw, model: str) -> tuple[str, dict[str, Any]]:
    """The primary key column of ``model`` (the implicit ``id`` when none is declared)."""
    for name, col in d.models[model].get("columns", {}).items():
        if col.get("primary_key"):
            return name, col
    return "id", {"type": "integer"}


def _foreign_keys(d: _Draw) -> None:
    """Foreign keys from later models to earlier ones (or to themselves), some with a
    relationship declared on either side."""
    names = list(d.models)
    for i, name in enumerate(names):
        for _ in range(d.rng.choice((0, 0, 1, 1, 2))):
            target = d.rng.choice(names[: i + 1]) if i else name
            if target == name and not d.chance(0.4):
                continue
            _foreign_key(d, name, target)


def _foreign_key(d: _Draw, name: str, target: str) -> None:
    key_name, key = _key_of(d, target)
    columns = d.models[name].setdefault("columns", {})
    fk_name = f"{_snake(target)}_{key_name}" if d.chance(0.6) else d.lower(hostile=0.3)
    if fk_name in columns:
        fk_name = f"{fk_name}_{len(columns)}"
    col: dict[str, Any] = {"type": key["type"], "foreign_key": f"{d.tables[target]}.{key_name}"}
    if "length" in key:
        col["length"] = key["length"]
    required = d.chance(0.5)
    if required:
        col["nullable"] = False
    if d.chance(0.3):
        col["ondelete"] = d.rng.choice(
            ("CASCADE", "RESTRICT") if required else ("CASCADE", "SET NULL")
        )
    if d.chance(0.2):
        col["index"] = True
    columns[fk_name] = col
    if d.chance(
        0.1 if target == name else 0.75
    ):  # a self-relationship is refused (not supported yet)
        rel = d.lower(
            tuple(p for p in PLAIN_LOWER if p not in columns) + (_snake(target), "parent", "owner"),
            hostile=0.25,
        )
        back = (
            d.lower(("children", "members", f"{_snake(name)}s", "entries"), hostile=0.25)
            if d.chance(0.7)
            else None
        )
        if d.chance(0.7):
            _relationship(d, name, rel, {"model": target, "back_populates": back})
        elif back:
            _relationship(d, target, back, {"model": name, "back_populates": rel})
        if d.chance(0.1):
            d.models[target].setdefault("relationships", {}).get(back or "", {}).update(
                {"uselist": False}
            )


def _relationship(d: _Draw, model: str, name: str, body: dict[str, Any]) -> None:
    rels = d.models[model].setdefault("relationships", {})
    if name not in rels:
        rels[name] = {k: v for k, v in body.items() if v is not None}


def _many_to_many(d: _Draw) -> None:
    names = list(d.models)
    if len(names) < 2 or not d.chance(0.35):
        return
    left, right = d.rng.sample(names, 2)
    secondary = f"{d.tables[left]}_{d.tables[right]}" if d.chance(0.7) else d.lower(hostile=0.4)
    rel = d.lower((f"{_snake(right)}_set", "tags", "links", "friends"), hostile=0.3)
    back = (
        d.lower((f"{_snake(left)}_set", "tagged", "linked"), hostile=0.3) if d.chance(0.8) else None
    )
    _relationship(d, left, rel, {"model": right, "secondary": secondary, "back_populates": back})


def _auth(d: _Draw) -> dict[str, Any]:
    """``auth:`` on one model, usually made fit for it (a unique string identity)."""
    model = d.rng.choice(list(d.models))
    columns = d.models[model].setdefault("columns", {})
    identity = "email" if d.chance(0.6) else d.lower(("handle", "login", "username"), hostile=0.3)
    if identity not in columns or d.chance(0.8):
        columns[identity] = {
            "type": "string",
            "length": d.rng.choice((120, 254, 3)),
            "unique": True,
            "nullable": False,
        }
    for col in columns.values():  # sign-up fills text columns only; most draws keep to that
        if (
            _required(col)
            and col["type"] not in ("string", "text")
            and not col.get("primary_key")
            and d.chance(0.8)
        ):
            col["nullable"] = True
    auth: dict[str, Any] = {"model": model}
    if identity != "email" or d.chance(0.3):
        auth["identity"] = identity
    if d.chance(0.4):
        auth["register"] = d.chance(0.5)
    return auth


def _resources(d: _Draw, has_auth: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in d.models:
        if not d.chance(0.65):
            continue
        key = d.lower((f"{_snake(model)}s", f"{_snake(model)}_list", "things"), hostile=0.25)
        if key in out:
            continue
        out[key] = _resource(d, model, has_auth)
    return out


def _resource(d: _Draw, model: str, has_auth: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model}
    columns = [n for n, c in d.models[model].get("columns", {}).items() if not c.get("primary_key")]
    many_to_one = [
        n
        for n, r in d.models[model].get("relationships", {}).items()
        if "secondary" not in r and _fk_between(d, model, r["model"])
    ]
    if d.chance(0.2):
        body["url_prefix"] = d.rng.choice(
            ("/", "/people", "/a/b", "/static", "/api", "/x.y", "/new")
        )
    if d.chance(0.2):
        body["api_prefix"] = d.rng.choice(
            ("/api/v1/things", "/v2", "/api/x.y", "/rest", "/api", "/api/docs", "/static/api")
        )
    if d.chance(0.15):
        body["html"] = False
    elif d.chance(0.15):
        body["api"] = False
    listing = _listing(d, model, columns + many_to_one)
    if listing:
        body["list"] = listing
    if d.chance(0.25) and columns + many_to_one:
        form = d.rng.sample(columns + many_to_one, d.rng.randint(1, len(columns + many_to_one)))
        if d.chance(0.8):  # mostly with every required field, which validation asks for
            form += [
                n for n in columns + many_to_one if n not in form and _required_field(d, model, n)
            ]
        body["form"] = form
    if has_auth and d.chance(0.5):
        body["login_required"] = True
    return body


def _listing(d: _Draw, model: str, names: list[str]) -> dict[str, Any]:
    listing: dict[str, Any] = {}
    cols = d.models[model].get("columns", {})
    if names and d.chance(0.3):
        listing["columns"] = d.rng.sample(names, d.rng.randint(1, len(names)))
    if d.chance(0.3):
        listing["per_page"] = d.rng.choice((1, 2, 20, 100))
    if cols and d.chance(0.3):
        picked = d.rng.sample(list(cols), d.rng.randint(1, min(2, len(cols))))
        listing["order_by"] = [("-" if d.chance(0.5) else "") + n for n in picked]
    texts = [
        n for n, c in cols.items() if c["type"] in ("string", "text") and not c.get("primary_key")
    ]
    if texts and d.chance(0.4):
        listing["search"] = d.rng.sample(texts, d.rng.randint(1, len(texts)))
    return listing


def _required_field(d: _Draw, model: str, name: str) -> bool:
    columns = d.models[model].get("columns", {})
    if name in columns:
        return _required(columns[name]) and columns[name]["type"] not in ("json", "binary")
    rel = d.models[model]["relationships"][name]
    return any(
        _required(c) and str(c.get("foreign_key", "")).split(".")[0] == d.tables[rel["model"]]
        for c in columns.values()
    )


def _fk_between(d: _Draw, model: str, target: str) -> bool:
    return any(
        str(c.get("foreign_key", "")).split(".")[0] == d.tables[target]
        for c in d.models[model].get("columns", {}).values()
    )


def _uploads(d: _Draw) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(d.rng.randint(1, 2)):
        name = d.lower(("avatars", "covers", "files", "photos"), hostile=0.3)
        body: dict[str, Any] = {
            "rule": d.rng.choice((f"/upload{i}", f"/{name}/upload", "/static/up", "/files/new")),
            "extensions": d.rng.sample(EXTENSIONS, d.rng.randint(1, 3)),
            "folder": d.rng.choice(("uploads", f"up/{i}", "files")),
        }
        if d.chance(0.15):
            body["extensions"] += d.rng.sample(RISKY_EXTENSIONS, 1)
        if d.chance(0.3):
            body["field"] = d.lower(("file", "photo", "document"), hostile=0.3)
        if d.chance(0.4):
            body["max_size"] = d.rng.choice(("1KB", "2MB", 1024))
        if d.chance(0.5):
            body["serve"] = d.rng.choice(
                (f"/{name}/<filename>", f"/f{i}/<path:filename>", "/static/<path:filename>")
            )
        if d.chance(0.2):
            body["overwrite"] = True
        out.setdefault(name, body)
    return out


def _routes(d: _Draw) -> dict[str, Any]:
    out: dict[str, Any] = {
        "index": {"rule": "/", "text": d.rng.choice(STRINGS).replace("{", "{{").replace("}", "}}")}
    }
    for _ in range(d.rng.randint(0, 2)):
        name = d.lower(("about", "status", "hello"), hostile=0.5)
        kind = d.rng.choice(("text", "json", "template"))
        route: dict[str, Any] = {"rule": f"/{name}"}
        route[kind] = {"text": "ok", "json": True, "template": f"{name}.html"}[kind]
        out.setdefault(name, route)
    return out


def _snake(name: str) -> str:
    return snake(name)


# The failure classes known today (each fixed on its own; remove an entry when its fix
# lands). A predicate sees the spec as data; a spec that matches one is expected to
# fail until then, and ``avoid_known`` draws around them.
def _models(spec: dict[str, Any]) -> dict[str, Any]:
    return dict(spec.get("models") or {})


def _columns(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (m, c, col) for m, b in _models(spec).items() for c, col in (b.get("columns") or {}).items()
    ]


def _required(col: dict[str, Any]) -> bool:
    return col.get("nullable") is False and "default" not in col


KNOWN: dict[str, Callable[[dict[str, Any]], bool]] = {
    # None known today: every class found so far is fixed, with its case in
    # tests/test_shape_cases.py. A new class goes here, with a predicate on the spec,
    # until its fix lands.
}


def known_classes(spec: dict[str, Any]) -> list[str]:
    """The known failure classes whose shape ``spec`` has."""
    return [name for name, matches in KNOWN.items() if matches(spec)]
