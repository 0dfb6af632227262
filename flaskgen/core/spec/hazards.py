"""Checks that keep a valid spec from generating a project that breaks when it runs.

Each check looks at the normalized :class:`ProjectSpec` (and the raw data for
positions) and reports what would otherwise fail later: in Python (names that shadow
imports), in Flask (reserved endpoints, template globals), in Jinja (a page that
extends itself), in ``logging`` or in SQLAlchemy (foreign-key cycles). ``validate``
and ``new`` run the same checks, so a spec that validates generates.
"""

from __future__ import annotations

import keyword
import logging
import re
from collections.abc import Iterator
from typing import Any

from werkzeug.exceptions import default_exceptions

from flaskgen.core.spec.base import join_prefix
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.types import ProjectSpec, Route

# Names bound in the generated package's ``__init__``; a blueprint package of the same
# name would replace them when it is imported.
INIT_NAMES = frozenset(
    {
        "os", "Mapping", "Path", "Any", "Flask", "load_config", "create_app", "annotations",
        "db", "csrf", "migrate", "database_url", "logging", "default_handler",
        "register_views", "register_error_handlers", "register_uploads", "register_hooks",
        "register_templating", "register_commands", "apply_middleware",
        "default_profile", "register_converters", "register_api", "register_health",
        "register_security", "configure_logging", "limiter", "login_manager", "models", "mailman",
    }
)  # fmt: skip
# Class names the generated views, forms, schemas and tests import next to the models
# (models.py's own names are checked with the models).
IMPORTED_CLASSES = frozenset(
    {
        "Any", "Blueprint", "BooleanField", "Callable", "DataRequired", "DateField",
        "DateTimeLocalField", "DecimalField", "EqualTo", "Field", "Flask", "FlaskCliRunner",
        "FlaskClient", "FlaskForm", "FlaskLoginClient", "FloatField", "InputRequired",
        "IntegerField", "IntegrityError", "Iterator", "Length", "LoginForm", "MethodView", "OneOf",
        "Optional", "PasswordField", "Path", "Picker", "RegisterForm", "ResourceSchema",
        "ResponseReturnValue", "SQLAlchemy", "Select", "SelectChoice", "SelectField",
        "SelectMultipleField", "SelectPage", "StringField", "TestResponse", "TextAreaField",
        "TimeField", "UUID", "UserMixin", "ValidationError",
    }
)  # fmt: skip
# Attributes of a resource's form (WTForms, Flask-WTF and the generated methods); a
# field of that name would replace them (a ``csrf_token`` column would store the token).
# ``submit`` too: in the page, an input of that name hides the HTML form's submit().
FORM_ATTRIBUTES = frozenset(
    {
        "Meta", "meta", "data", "errors", "form_errors", "validate", "validate_on_submit",
        "populate_obj", "process", "post_process", "hidden_tag", "is_submitted", "csrf_token",
        "populate", "for_row", "load_choices", "edited_key", "submit",
    }
)  # fmt: skip
# Attributes of a resource's API schema (marshmallow, marshmallow-sqlalchemy, the base).
SCHEMA_ATTRIBUTES = frozenset(
    {
        "Meta", "OPTIONS_CLASS", "TYPE_MAPPING", "context", "declared_fields", "dict_class",
        "dump", "dump_fields", "dumps", "error_messages", "exclude", "fields", "from_dict",
        "get_attribute", "get_instance", "handle_error", "load", "load_fields", "load_ids",
        "loads", "make_instance", "many", "on_bind_field", "only", "opts", "partial", "session",
        "set_class", "transient", "unknown", "validate",
    }
)  # fmt: skip
# Attributes of the model people log in as (Flask-Login's UserMixin and the password
# methods); ``is_active`` is meant to be replaced by a column.
USER_ATTRIBUTES = frozenset({"get_id", "is_authenticated", "is_anonymous", "set_password", "check_password"})
# Jinja's default globals and filters, written out so the core needs no Jinja import
# (tests/test_layout.py checks them against the installed Jinja).
JINJA_GLOBALS = frozenset({"cycler", "dict", "joiner", "lipsum", "namespace", "range"})
JINJA_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort",
        "e", "escape", "filesizeformat", "first", "float", "forceescape", "format", "groupby",
        "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
        "min", "pprint", "random", "reject", "rejectattr", "replace", "reverse", "round",
        "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
        "tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount",
        "wordwrap", "xmlattr",
    }
)  # fmt: skip
# What Flask and Jinja put in every template's context.
TEMPLATE_NAMES = (
    frozenset({"url_for", "get_flashed_messages", "config", "request", "session", "g"}) | JINJA_GLOBALS
)
# The distribution name is the package name: PEP 508 wants a letter or digit at both ends.
DISTRIBUTION_RE = re.compile(r"[a-z0-9](?:[a-z0-9_]*[a-z0-9])?\Z")
SERVER_NAME_RE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+(?::[0-9]{1,5})?\Z")
_VARIABLE = re.compile(r"<[^<>]*>")  # a URL variable in a rule


def route_path(route: Route) -> KeyPath:
    """The spec path of ``route``."""
    if route.blueprint:
        return ("blueprints", route.blueprint, "routes", route.key)
    return ("routes", route.key)


def spec_hazards(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    """(path, message, point-at-key) for each hazard in ``spec``."""
    yield from _package(spec)
    yield from _routes(spec)
    yield from _static_urls(spec)
    yield from _class_names(spec)
    yield from _model_names(spec)
    yield from _column_names(spec)
    yield from _blueprint_names(spec)
    yield from _templates(spec)
    yield from _template_names(spec)
    yield from _commands(spec)
    yield from _logging(spec)
    yield from _server_names(spec)
    yield from _foreign_key_cycles(spec)


def _package(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    package = spec.project.package
    if not DISTRIBUTION_RE.match(package):
        yield ("project", "package"), (
            f"'{package}' cannot name a distribution: start and end it with a letter or digit"
        ), False


def _routes(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    for route in spec.all_routes:
        path = route_path(route)
        if route.endpoint == "static":
            yield path, "'static' is the endpoint Flask serves static files with; pick another name", True
        if route.response.kind == "abort" and route.response.abort not in default_exceptions:
            yield (*path, "abort"), f"{route.response.abort} is not an HTTP error status werkzeug knows", False
        for rule in route.rules:
            for name, _ in rule.defaults:
                if keyword.iskeyword(name) or not name.isidentifier():
                    yield (*path, "defaults", name), f"'{name}' cannot be a URL variable: it is not a Python name", True
            static = _VARIABLE.sub("", rule.rule)
            if "<" in static or ">" in static:
                yield (*path, "rule"), f"malformed rule {rule.rule!r}: write URL variables as <name> or <converter:name>", False


def _is_static(url: str) -> bool:
    return url.rstrip("/") == "/static" or url.startswith("/static/")


STATIC_FIX = "Flask serves the static folder under /static; pick another URL"


def _static_urls(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    """URLs under /static, which Flask's own static route answers first or hides."""
    blueprints = {bp.name: bp for bp in spec.blueprints}
    for bp in spec.blueprints:
        if bp.url_prefix and not bp.subdomain and _is_static(bp.url_prefix):
            yield ("blueprints", bp.name, "url_prefix"), f"'{bp.url_prefix}': {STATIC_FIX}", False
    for route in spec.all_routes:
        owner = blueprints.get(route.blueprint or "")
        if route.subdomain or (owner and (owner.subdomain or (owner.url_prefix and _is_static(owner.url_prefix)))):
            continue
        for rule in route.rules:
            url = join_prefix(owner.url_prefix if owner else None, rule.rule)
            if _is_static(url):
                yield (*route_path(route), "rule"), f"'{url}': {STATIC_FIX}", False
                break
    for resource in spec.resources:
        for key, url in (("url_prefix", resource.url_prefix), ("api_prefix", resource.api_prefix)):
            if _is_static(url):
                yield ("resources", resource.key, key), f"'{url}': {STATIC_FIX}", False
    for upload in spec.uploads:
        for key, value in (("rule", upload.rule), ("serve", upload.serve)):
            if value and _is_static(value):
                yield ("uploads", upload.name, key), f"'{value}': {STATIC_FIX}", False
    yield from _pages_under_api(spec)


def _pages_under_api(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    """Resource pages under a prefix of the JSON API, whose errors (a missing row's 404)
    are JSON there."""
    if not any(r.api for r in spec.resources):
        return
    prefixes = sorted({"/api/", *(r.api_prefix.rstrip("/") + "/" for r in spec.resources if r.api)})
    for resource in spec.resources:
        page = resource.url_prefix.rstrip("/") + "/"
        under = next((p for p in prefixes if page.startswith(p)), None) if resource.html else None
        if under is not None:
            yield ("resources", resource.key, "url_prefix"), (
                f"'{resource.url_prefix}': the JSON API answers errors under {under} with JSON, so the pages' would be too; pick another URL"
            ), False


def _class_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    modules = [spec.routes, *(bp.routes for bp in spec.blueprints)]
    for routes in modules:
        seen: dict[str, Route] = {}
        for route in routes:
            if not route.view_class:
                continue
            other = seen.setdefault(route.class_name, route)
            if other is not route:
                yield route_path(route), (
                    f"its view class {route.class_name} would be the same as that of '{other.key}'; rename one"
                ), True


def _model_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    for model in spec.models:
        if model.name in IMPORTED_CLASSES:
            yield ("models", model.name), (
                f"'{model.name}' is a class the generated modules import beside the models; pick another model name"
            ), True


def _column_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    """Columns whose name an attribute of a generated form, schema or user class has."""
    reported: set[tuple[str, str]] = set()
    for path, message in (*_resource_columns(spec), *_user_columns(spec)):
        if (path[1], path[3]) not in reported:
            reported.add((str(path[1]), str(path[3])))
            yield path, message, True


def _resource_columns(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str]]:
    for resource in spec.resources:
        model = resource.model
        fields = set(resource.form) | {r.fk_column for r in model.relationships if r.name in resource.form and r.fk_column}
        fields -= {c.name for c in model.columns if c.type in ("json", "binary")}  # never form fields
        uses = [(resource.html, fields, FORM_ATTRIBUTES, "the form")]
        uses.append((resource.api, {c.name for c in model.columns}, SCHEMA_ATTRIBUTES, "the API schema"))
        for wanted, names, taken, what in uses:
            for column in model.columns:
                if wanted and column.name in names & taken:
                    yield ("models", model.name, "columns", column.name), (
                        f"'{column.name}' is an attribute of {what} of resource '{resource.key}'; rename the column"
                    )


def _user_columns(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str]]:
    auth = spec.auth
    for user in (m for m in spec.models if auth is not None and m.name == auth.model):
        for column in user.columns:
            path = ("models", user.name, "columns", column.name)
            if column.name == "is_active" and (column.type != "boolean" or column.nullable):
                yield path, (
                    "'is_active' replaces Flask-Login's is_active, which is always True or False; "
                    "make it a boolean column with nullable: false"
                )
            if column.name in USER_ATTRIBUTES:
                yield path, f"'{column.name}' is an attribute of the model people log in as (Flask-Login); rename the column"


def _blueprint_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    for bp in spec.blueprints:
        if bp.name in INIT_NAMES or bp.name.startswith("__"):
            yield ("blueprints", bp.name), (
                f"'{bp.name}' is a name the generated package's __init__ uses; pick another blueprint name"
            ), True
    if any(r.api for r in spec.resources) and any(bp.name == "api" for bp in spec.blueprints):
        yield ("blueprints", "api"), "'api' is the module of the resources' JSON API; pick another blueprint name", True
    for resource in spec.resources:
        if resource.key in INIT_NAMES:
            yield ("resources", resource.key), (
                f"'{resource.key}' is a name the generated package's __init__ uses; pick another key"
            ), True


def _template_sources(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str]]:
    for route in spec.all_routes:
        if route.response.kind == "template":
            yield (*route_path(route), "template"), route.response.template
    for page in spec.errors:
        if page.response.kind == "template":
            yield ("errors", str(page.code), "template"), page.response.template
    for upload in spec.uploads:
        yield ("uploads", upload.name), f"uploads/{upload.name}.html"
    api = next((r for r in spec.resources if r.api), None)
    if api is not None:  # the API's documentation page
        yield ("resources", api.key), "api/docs.html"


def _templates(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    seen: dict[str, KeyPath] = {}
    for path, template in _template_sources(spec):
        parts = template.split("/")
        if any(part in ("", ".", "..") for part in parts):
            yield path, f"'{template}' must be a plain path inside templates/ (no '.', '..' or empty parts)", False
        elif template == "base.html":
            yield path, "'base.html' is the layout every page extends; name the page otherwise", False
        elif template in seen:
            where = ".".join(str(p) for p in seen[template])
            yield path, f"'{template}' is already generated for {where}; two pages cannot share a template", False
        else:
            seen[template] = path


def _template_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    for i, name in enumerate(spec.template_globals):
        if name in TEMPLATE_NAMES:
            yield ("template_globals", i), f"'{name}' would hide the template global Flask provides; pick another name", False
    for i, name in enumerate(spec.template_filters):
        if name in JINJA_FILTERS:
            yield ("template_filters", i), f"'{name}' would replace Jinja's built-in filter; pick another name", False
    for kind, names in spec.hooks:
        if kind != "context_processors":
            continue
        for i, name in enumerate(names):
            key = name.removeprefix("inject_") or name
            if key in TEMPLATE_NAMES:
                yield ("hooks", kind, i), f"'{name}' would put '{key}' in the template context, hiding Flask's; pick another name", False


def _commands(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    for command in spec.commands:
        for option in command.options:
            if option.name == "help":
                yield ("commands", command.name, "options", "help"), "'--help' is the option click adds to every command; pick another name", True


def _logging(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    if not spec.log_format:
        return
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "message", None, None)
    try:
        logging.Formatter(spec.log_format, validate=True).format(record)
    except (ValueError, KeyError, TypeError) as exc:
        yield ("logging", "format"), f"logging rejects this format: {exc}", False


def _server_names(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    raw = spec.raw.get("config")
    config: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for profile, body in config.items():
        value = body.get("SERVER_NAME") if isinstance(body, dict) else None
        if isinstance(value, str) and "${" not in value and not SERVER_NAME_RE.match(value):
            yield ("config", profile, "SERVER_NAME"), f"'{value}' is not a host name such as example.com or localhost:5000", False


def _foreign_key_cycles(spec: ProjectSpec) -> Iterator[tuple[KeyPath, str, bool]]:
    tables = {m.table: m for m in spec.models}
    refers = {
        m.table: sorted({c.ref_table for c in m.columns if c.ref_table} - {m.table})
        for m in spec.models
    }
    reported: set[frozenset[str]] = set()
    for start in sorted(_on_cycles(refers)):
        cycle = _cycle_from(start, refers)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            model = tables[cycle[0]]
            yield ("models", model.name), (
                "foreign keys form a cycle (" + " -> ".join([*cycle, cycle[0]]) + "); "
                "make one of them a plain column or split the tables"
            ), True


def _on_cycles(refers: dict[str, list[str]]) -> set[str]:
    """The tables that may lie on a foreign-key cycle: what is left after repeatedly
    removing tables that refer to none left or that none left refers to (linear, so the
    search for a cycle from each table runs only where one can be)."""
    left = set(refers)
    outgoing = {t: {n for n in refers[t] if n in left} for t in left}
    incoming: dict[str, set[str]] = {t: set() for t in left}
    for table, targets in outgoing.items():
        for target in targets:
            incoming[target].add(table)
    queue = [t for t in left if not outgoing[t] or not incoming[t]]
    while queue:
        table = queue.pop()
        if table not in left:
            continue
        left.discard(table)
        for other in (*outgoing[table], *incoming[table]):
            outgoing[other].discard(table)
            incoming[other].discard(table)
            if other in left and (not outgoing[other] or not incoming[other]):
                queue.append(other)
    return left


def _cycle_from(start: str, refers: dict[str, list[str]]) -> list[str] | None:
    """The tables of a foreign-key cycle through ``start``, or None."""
    parent: dict[str, str] = {}
    stack = [start]
    while stack:
        table = stack.pop()
        for nxt in refers.get(table, []):
            if nxt == start:
                trail = [table]
                while trail[-1] != start:
                    trail.append(parent[trail[-1]])
                return trail[::-1]
            if nxt not in parent:
                parent[nxt] = table
                stack.append(nxt)
    return None
