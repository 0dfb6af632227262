"""Normalization and validation of ``resources:`` (CRUD pages and a JSON API per model).

The schema has checked the shape; this module checks that every name a resource
uses is a real column or relationship of its model, fills in the defaults of the
contract and returns frozen :class:`Resource` values for the planner.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec import routing
from flaskgen.core.spec.access import ANYONE, Access, Rule, resource_access, resource_owner
from flaskgen.core.spec.base import APP_MODULES, claim_rule, snake
from flaskgen.core.spec.hazards import IMPORTED_CLASSES, SCHEMA_ATTRIBUTES
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.orm import NOW_DEFAULTS
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import Column, Model, Relationship

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx, RouteCheck
    from flaskgen.core.spec.extras import Extras

DEFAULT_PER_PAGE = 20
# Column types a form cannot sensibly edit; they stay out of the default form.
NO_FORM_TYPES = frozenset({"json", "binary"})
SEARCHABLE_TYPES = frozenset({"string", "text"})
# Column types a list filters, and how: a select of values, any/yes/no, or a from/to range.
FILTER_KINDS = {
    "enum": "choice", "boolean": "boolean", "date": "range", "datetime": "range",
    "integer": "range", "big_integer": "range", "float": "range", "numeric": "range",
}  # fmt: skip
# The keys a related row's filter may pick it by (a select's value).
FILTER_KEYS = frozenset({"integer", "big_integer", "string", "uuid"})
# The converter of the pages' and API's ``<id>`` by primary key type.
PK_CONVERTERS = {"integer": "int", "big_integer": "int", "uuid": "uuid", "string": "string"}
# Names that other parts of the generated package already use.
RESERVED_KEYS = frozenset({"api", "auth", "static", "templates"})
# The API's own pages: the OpenAPI document and Swagger UI.
API_RESERVED = frozenset({"/api", "/api/docs", "/api/openapi.json"})
# Names the pages' and the API's views use inside the functions that take the primary
# key as a parameter: a key of that name would hide them there.
VIEW_NAMES = frozenset(
    {
        "abort", "flash", "jsonify", "redirect", "render_template", "request", "url_for", "db",
        "select", "get_or_404", "check_if_match", "etag_of", "rows_by_id", "unknown_ids",
        "page_number", "picker_search", "search", "sort", "setattr", "str", "int", "bool", "dict",
        "list", "tuple", "form", "data", "errors", "stmt", "missing", "status", "text", "value",
        "key", "field", "picker", "page", "args", "item", "row", "login_required", "action", "require",
        "visible", "current_user", "rows",
    }
)  # fmt: skip
# What a resource's forms.py imports (and every WTForms ...Field class).
FORM_IMPORTS = frozenset({"FlaskForm", "Field", "ValidationError", "InputRequired", "Optional", "Length", "UUID"})
# Builtins and module names the resource modules use where a row variable lives too.
BUILTIN_NAMES = frozenset(
    {
        "list", "dict", "str", "int", "bool", "tuple", "type", "object", "setattr", "len", "db",
        "request", "redirect", "flash", "abort", "url_for", "jsonify", "render_template", "select",
        "sort", "search", "form", "bp", "blp",
    }
)  # fmt: skip
# Attributes of a marshmallow(-sqlalchemy) schema and the generated schemas' methods: a
# schema field of that name would hide them.
SCHEMA_NAMES = frozenset(
    {
        "dict_class", "dump", "dumps", "error_messages", "from_dict", "get_attribute",
        "get_instance", "handle_error", "load", "loads", "make_instance", "on_bind_field", "opts",
        "session", "set_class", "transient", "validate", "fields", "load_fields", "dump_fields",
        "declared_fields", "many", "only", "exclude", "ordered", "load_only", "dump_only", "partial",
        "unknown", "context", "instance", "load_ids",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Resource:
    """One ``resources:`` entry with every default applied."""

    key: str  # also the pages' blueprint name
    model: Model
    url_prefix: str
    api_prefix: str
    html: bool
    api: bool
    list_columns: tuple[str, ...]  # column or many-to-one relationship names
    per_page: int
    order_by: tuple[tuple[str, bool], ...]  # (column, descending)
    search: tuple[str, ...]
    form: tuple[str, ...]  # column or relationship names
    filters: tuple[str, ...] = ()  # columns or many-to-one relationships the list filters by
    export: str | None = None  # "csv": the list as CSV at <url_prefix>/export.csv
    access: Access = ()  # (action, rule) for read, create, update and delete
    owner: str | None = None  # the many-to-one to the auth model that names a row's owner
    owner_column: str | None = None  # its foreign key column; over the auth model, the row's own key
    renamed_from: str | None = None  # the resource's old key (regen moves its files)

    def rule(self, action: str) -> Rule:
        """Who may take ``action`` (read, create, update, delete)."""
        return dict(self.access).get(action, (ANYONE,))

    @property
    def login_required(self) -> bool:
        """Every action needs someone logged in (no rule says anyone)."""
        return all(ANYONE not in rule for _, rule in self.access) if self.access else False

    @property
    def open_writes(self) -> tuple[str, ...]:
        """The writing actions that anyone may take."""
        return tuple(a for a, rule in self.access if a != "read" and ANYONE in rule)

    @property
    def pk(self) -> Column:
        return self.model.primary_key

    @property
    def id_converter(self) -> str:
        return PK_CONVERTERS[self.pk.type]


def user_set(column: Column, model: Model) -> bool:
    """True for a column that a person fills in (not the generated key, not a
    ``now`` timestamp, not a foreign key that a relationship sets)."""
    if column.primary_key and column.type in ("integer", "big_integer"):
        return False
    if column.default_expr in NOW_DEFAULTS.values() or column.type in NO_FORM_TYPES:
        return False
    return not any(r.fk_column == column.name and r.kind == "many_to_one" for r in model.relationships)


def form_relationship(rel: Relationship) -> bool:
    """A relationship a form edits: a many-to-one (a select) or a many-to-many."""
    return rel.kind in ("many_to_one", "many_to_many")


def _default_form(model: Model) -> tuple[str, ...]:
    names = [c.name for c in model.columns if user_set(c, model)]
    names += [r.name for r in model.relationships if form_relationship(r)]
    return tuple(names)


def _default_columns(model: Model) -> tuple[str, ...]:
    out = []
    for column in model.columns:
        if column.primary_key:
            continue
        rel = next((r for r in model.relationships if r.fk_column == column.name and r.kind == "many_to_one"), None)
        out.append(rel.name if rel else column.name)
    return tuple(out)


def _check_names(
    ctx: Ctx, path: KeyPath, names: list[str], allowed: dict[str, str | None], what: str = "a column or relationship"
) -> bool:
    """Report every name that is not allowed; ``allowed`` maps names to a reason or None."""
    ok = True
    for i, name in enumerate(names):
        if name in allowed and allowed[name] is None:
            continue
        ok = False
        if name in allowed:
            ctx.error((*path, i), f"'{name}' {allowed[name]}")
        else:
            choices = [k for k, v in allowed.items() if v is None]
            ctx.error((*path, i), f"'{name}' is not {what} of this model{did_you_mean(name, choices)}")
    return ok


def _list_allowed(model: Model) -> dict[str, str | None]:
    allowed: dict[str, str | None] = {c.name: None for c in model.columns}
    for rel in model.relationships:
        allowed[rel.name] = None if rel.kind == "many_to_one" else "is a collection; a list column shows one value per row"
    return allowed


INTEGER_KEYS = ("integer", "big_integer")


def _picker_problem(rel: Relationship, models: dict[str, Model]) -> str | None:
    """Why a form cannot pick ``rel``'s rows, or None: a select carries an integer or
    text key, a multi-select (and the API's id lists) integer keys."""
    related = models.get(rel.model)
    if related is None or sum(c.primary_key for c in related.columns) != 1:
        return None if related is None else f"picks {rel.model} rows, which have a composite key; leave it out of the form"
    key = related.primary_key
    if key.type in INTEGER_KEYS or (key.type == "string" and rel.kind == "many_to_one"):
        return None
    return (
        f"picks {rel.model} rows by their {key.type} key '{key.name}', and this picker needs an integer key; "
        f"give {rel.model} an integer primary key (keeping '{key.name}' as a unique column) or leave it out of the form"
    )


def _form_allowed(model: Model, models: dict[str, Model]) -> dict[str, str | None]:
    allowed: dict[str, str | None] = {}
    for column in model.columns:
        rel = next((r for r in model.relationships if r.fk_column == column.name and r.kind == "many_to_one"), None)
        if rel is not None:
            allowed[column.name] = f"is set through its relationship; list '{rel.name}' instead"
        elif column.primary_key and column.type in ("integer", "big_integer"):
            allowed[column.name] = "is the generated primary key; the database sets it"
        elif column.type in NO_FORM_TYPES:
            allowed[column.name] = f"is a {column.type} column, which a form cannot edit"
        else:
            allowed[column.name] = None
    for rel in model.relationships:
        if form_relationship(rel):
            allowed[rel.name] = _picker_problem(rel, models)
        else:
            allowed[rel.name] = "is the 'many' side of a one-to-many; the show page lists those rows"
    return allowed


def _filter_allowed(model: Model, models: dict[str, Model]) -> dict[str, str | None]:
    """Filterable names (None) and why the others are not: many-to-one relationships,
    enums, booleans, dates, datetimes and numbers."""
    allowed: dict[str, str | None] = {}
    for column in model.columns:
        rel = next((r for r in model.relationships if r.fk_column == column.name and r.kind == "many_to_one"), None)
        if rel is not None:
            allowed[column.name] = f"is set through its relationship; list '{rel.name}' instead"
        elif column.type in FILTER_KINDS:
            allowed[column.name] = None
        elif column.type in SEARCHABLE_TYPES:
            allowed[column.name] = f"is a {column.type} column, which no filter takes; list it under list.search instead"
        else:
            allowed[column.name] = (
                f"is a {column.type} column; filters take many-to-one relationships, enums, booleans, dates, datetimes and numbers"
            )
    for rel in model.relationships:
        related = models.get(rel.model)
        if rel.kind != "many_to_one":
            allowed[rel.name] = f"is a {rel.kind.replace('_', '-')} relationship; a filter picks one related row, through a many-to-one"
        elif related is not None and related.primary_key.type not in FILTER_KEYS:
            allowed[rel.name] = f"picks {rel.model} rows by a {related.primary_key.type} key, which a filter's select cannot carry"
        else:
            allowed[rel.name] = None
    return allowed


def _search_allowed(model: Model) -> dict[str, str | None]:
    return {
        c.name: None if c.type in SEARCHABLE_TYPES else f"is not text ({c.type}); search needs string or text columns"
        for c in model.columns
    }


def _order_by(ctx: Ctx, path: KeyPath, raw: list[str], model: Model) -> tuple[tuple[str, bool], ...]:
    names = [item.lstrip("-") for item in raw]
    _check_names(ctx, path, names, {c.name: None for c in model.columns}, "a column")
    return tuple((item.lstrip("-"), item.startswith("-")) for item in raw)


def _check_required(ctx: Ctx, path: KeyPath, model: Model, form: tuple[str, ...], owned: str | None = None) -> None:
    """A column that must be filled in and has no default must be in the form (the
    owner's column is set from the logged-in user)."""
    for column in model.columns:
        if column.nullable or column.default_expr is not None or column.primary_key or column.name == owned:
            continue
        rel = next((r for r in model.relationships if r.fk_column == column.name and r.kind == "many_to_one"), None)
        name = rel.name if rel else column.name
        if column.foreign_key and rel is None:
            # A bare key is a number field: a form or test cannot know an existing row's id.
            ctx.error(path, f"'{name}' is a required foreign key without a relationship; add a relationship (to the model of table '{column.foreign_key.split('.')[0]}') so the form picks the row, or make it nullable")
        elif column.type in NO_FORM_TYPES:
            # Neither the form nor the API takes such a column: no row could be made.
            fix = "give it a default such as {} or make it nullable" if column.type == "json" else "make it nullable"
            ctx.error(path, f"'{name}' is a required {column.type} column (nullable: false, no default), which neither the form nor the API can fill; {fix}")
        elif name not in form:
            ctx.error(path, f"'{name}' is required (nullable: false, no default) but not in the form; add it")


def _check_view_names(ctx: Ctx, path: KeyPath, model: Model) -> None:
    """The key and columns of a resource's model must not hide what its views and
    schema use (renamed_from keeps a renamed column's data)."""
    if model.name in ("Resource", "Flask"):
        # Its schema and form classes would be ResourceSchema and FlaskForm, their bases.
        ctx.error((*path, "model"), f"the resource's schema or form class of {model.name} would take the name of its base class; rename the model")
    elif (model.name in FORM_IMPORTS or model.name.endswith("Field")) and model.name not in IMPORTED_CLASSES:
        # (a class imported beside the models is refused once, with the models)
        ctx.error((*path, "model"), f"'{model.name}' is a name the resource's forms module imports; rename the model")
    if snake(model.name) in BUILTIN_NAMES:
        ctx.error((*path, "model"), f"the resource's views name a {model.name} row '{snake(model.name)}', which would hide the name they use; rename the model")
    if model.primary_key.name in VIEW_NAMES:
        ctx.error((*path, "model"), f"the key of {model.name}, '{model.primary_key.name}', would hide a name the resource's views use; rename that column")
    api = (ctx.get(path) or {}).get("api", True) is not False
    for column in model.columns:
        if column.name in SCHEMA_NAMES and not (api and column.name in SCHEMA_ATTRIBUTES):
            # (a resource with an API has its schema's attributes refused once, by hazards)
            ctx.error((*path, "model"), f"{model.name}.{column.name} would hide an attribute of the resource's marshmallow schema; rename that column")


# Query-string arguments of every list: a filter's may not take their names.
LIST_ARGUMENTS = frozenset({"q", "sort", "page", "page_size"})


def _listing(ctx: Ctx, path: KeyPath, body: dict[str, Any], model: Model, models: dict[str, Model]) -> dict[str, Any]:
    """The ``list:`` fields of a resource, checked, with their defaults."""
    listing = body.get("list") or {}
    at: KeyPath = (*path, "list")
    columns = tuple(listing.get("columns") or _default_columns(model))
    _check_names(ctx, (*at, "columns"), list(columns), _list_allowed(model))
    search = tuple(listing.get("search") or ())
    _check_names(ctx, (*at, "search"), list(search), _search_allowed(model), "a column")
    order_by = _order_by(ctx, (*at, "order_by"), listing.get("order_by") or [], model)
    filters = tuple(listing.get("filters") or ())
    if _check_names(ctx, (*at, "filters"), list(filters), _filter_allowed(model, models), "a column or many-to-one relationship"):
        _check_filter_arguments(ctx, (*at, "filters"), filters, model)
    export = listing.get("export")
    if export and body.get("html", True) is False:
        ctx.error((*at, "export"), "the CSV export lives beside the list page (<url_prefix>/export.csv); remove export or html: false")
    return {
        "list_columns": columns,
        "per_page": int(listing.get("per_page", DEFAULT_PER_PAGE)),
        "order_by": order_by or ((model.primary_key.name, False),),
        "search": search,
        "filters": filters,
        "export": export,
    }


def _check_filter_arguments(ctx: Ctx, path: KeyPath, filters: tuple[str, ...], model: Model) -> None:
    """Each filter's query-string arguments (``name``, or ``name_from`` and ``name_to``
    for a range) must be its own."""
    taken: dict[str, str] = {name: "the list's own" for name in LIST_ARGUMENTS}
    for i, name in enumerate(filters):
        column = model.column(name)
        ranged = column is not None and FILTER_KINDS.get(column.type) == "range"
        for argument in (f"{name}_from", f"{name}_to") if ranged else (name,):
            if argument in taken:
                whose = taken[argument] if taken[argument] == "the list's own" else f"filter '{taken[argument]}'"
                ctx.error((*path, i), f"'{name}' would read the query argument '{argument}', which is {whose}; leave one of them out")
            taken[argument] = name


def _resource(ctx: Ctx, key: str, body: dict[str, Any], models: dict[str, Model]) -> Resource | None:
    path: KeyPath = ("resources", key)
    model = models.get(body["model"])
    if model is None:
        ctx.error((*path, "model"), f"unknown model '{body['model']}'{did_you_mean(body['model'], list(models))}")
        return None
    if sum(c.primary_key for c in model.columns) != 1:
        ctx.error((*path, "model"), f"model '{model.name}' has a composite primary key; a resource needs a single-column key")
        return None
    if model.primary_key.type not in PK_CONVERTERS:
        ctx.error((*path, "model"), f"model '{model.name}' has a {model.primary_key.type} primary key; a resource needs an integer, uuid or string key")
        return None
    _check_view_names(ctx, path, model)
    owner, owner_column = resource_owner(ctx, path, body, model)
    owned = owner_column if owner else None
    form = tuple(body.get("form") or (f for f in _default_form(model) if f != owner))
    allowed = _form_allowed(model, models)
    if owner:
        allowed[owner] = "is the row's owner, set to the logged-in user on create; leave it out of the form"
    if _check_names(ctx, (*path, "form"), list(form), allowed):
        _check_required(ctx, (*path, "form") if "form" in body else path, model, form, owned)
    api_prefix = body.get("api_prefix", f"/api/{key}").rstrip("/") or "/"
    if api_prefix in API_RESERVED or api_prefix.startswith("/api/docs/"):
        where = (*path, "api_prefix") if "api_prefix" in body else path
        ctx.error(where, f"{api_prefix} is where the API's documentation lives; pick another api_prefix", key="api_prefix" not in body)
    access = resource_access(ctx, path, body, owner_column)
    return Resource(
        key=key,
        model=model,
        url_prefix=body.get("url_prefix", f"/{key}").rstrip("/") or "/",
        api_prefix=api_prefix,
        html=bool(body.get("html", True)),
        api=bool(body.get("api", True)),
        **_listing(ctx, path, body, model, models),
        form=form,
        access=access,
        owner=owner,
        owner_column=owner_column,
        renamed_from=body.get("renamed_from"),
    )


def _claim_urls(ctx: Ctx, rc: RouteCheck, resource: Resource, extras: Extras) -> None:
    """Report page URLs that a route, an upload or another resource already answers."""
    path: KeyPath = ("resources", resource.key)
    conv = resource.id_converter
    prefix = "" if resource.url_prefix == "/" else resource.url_prefix
    pages = [("index", "/", ("GET",)), ("create", "/", ("POST",)), ("new", "/new", ("GET",)), ("show", f"/<{conv}:id>", ("GET",))]
    if resource.export:
        pages.append(("export", "/export.csv", ("GET",)))
    if resource.html:
        for name, rule_text, methods in pages:
            rule = routing.ProbeRule(prefix + rule_text, endpoint="probe")
            rule.bind(rc.url_map)
            claim_rule(ctx, rc, path, rule, f"{resource.key}.{name}", methods)
            variables = {"id"} if "<" in rule_text else set()
            extras.endpoints[f"{resource.key}.{name}"] = ([variables], path)
    if resource.api:
        rule = routing.ProbeRule(resource.api_prefix + "/", endpoint="probe")
        rule.bind(rc.url_map)
        claim_rule(ctx, rc, path, rule, f"{resource.key}_api.list", ("GET", "POST"))
        item = routing.ProbeRule(f"{resource.api_prefix}/<{conv}:id>", endpoint="probe")
        item.bind(rc.url_map)
        claim_rule(ctx, rc, path, item, f"{resource.key}_api.item", ("GET", "PUT", "PATCH", "DELETE"))


def _key_problem(key: str, raw: dict[str, Any], blueprints: set[str]) -> str | None:
    """Why ``key`` cannot name a resource's package and blueprints, or None."""
    if keyword.iskeyword(key) or key.startswith("__"):
        return "cannot name the resource's Python package"
    owner = key.removesuffix("_api")
    body = raw.get(owner)
    if owner != key and isinstance(body, dict) and body.get("api", True):
        return f"is the name of the API blueprint of resource '{owner}'"
    if raw.get(key, {}).get("api", True) and f"{key}_api" in blueprints:
        return f"would name its API blueprint '{key}_api', the name of a blueprint"
    return None


def normalize_resources(ctx: Ctx, rc: RouteCheck, extras: Extras) -> None:
    """Fill ``extras.resources`` from the spec (models and uploads are normalized already)."""
    raw = ctx.get(("resources",), {}) or {}
    if not isinstance(raw, dict):
        return
    models = {m.name: m for m in extras.models}
    out = []
    taken = set(ctx.get(("blueprints",), {}) or {}) | {u.name for u in extras.uploads} | APP_MODULES
    for key, body in raw.items():
        path: KeyPath = ("resources", key)
        if not ctx.ok(path) or not isinstance(body, dict):
            continue
        if key in taken or key in RESERVED_KEYS:
            ctx.error(path, f"'{key}' already names a blueprint, an upload or a generated module; pick another key", key=True)
            continue
        why = _key_problem(key, raw, taken)
        if why:
            ctx.error(path, f"'{key}' {why}; pick another key", key=True)
            continue
        resource = _resource(ctx, key, body, models)
        if resource is not None:
            _claim_urls(ctx, rc, resource, extras)
            out.append(resource)
    extras.models = tuple(_with_sort_indexes(extras.models, out))
    indexed = {m.name: m for m in extras.models}
    extras.resources = tuple(replace(r, model=indexed[r.model.name]) for r in out)


def _with_sort_indexes(models: tuple[Model, ...], resources: list[Resource]) -> list[Model]:
    """The models with an index on each list's default sort column (the first of
    ``order_by``) where it is not the key and has none: a page of a large table is then
    read in index order instead of sorting every row."""
    wanted = {(r.model.name, r.order_by[0][0]) for r in resources if r.order_by}
    out = []
    for model in models:
        columns = tuple(
            replace(c, index=True)
            if (model.name, c.name) in wanted and not (c.primary_key or c.index or c.unique)
            else c
            for c in model.columns
        )
        out.append(replace(model, columns=columns) if columns != model.columns else model)
    return out
