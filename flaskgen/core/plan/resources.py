"""Resources: CRUD pages (a blueprint, a FlaskForm, three templates) and a JSON API
(flask-smorest, marshmallow-sqlalchemy) per ``resources:`` entry, with their tests.

Every identifier, field declaration and sample value is computed here into frozen
view-models, so the templates only loop and substitute.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, replace
from typing import Any

from flaskgen.core.plan.base import Contribution, NoNames, Phase, PlannedFile, TypedView
from flaskgen.core.plan.samples import is_short, numeric_sample, room, text_sample
from flaskgen.core.spec.base import camel, snake
from flaskgen.core.spec.resources import Resource
from flaskgen.core.spec.types import Column, Model, Project, ProjectSpec, Relationship
from flaskgen.core.spec.words import human

# flask-swagger-ui ships Swagger UI 5 (which reads OpenAPI 3.1); the project serves its
# files itself, with a page whose initializer is a static file (see api.py).
DEPENDENCIES = ["flask-smorest>=0.46,<0.48", "marshmallow-sqlalchemy>=1.4", "flask-swagger-ui>=5.21,<6", "WTForms>=3.3"]
PICKER_LIMIT = 200
# column type -> (WTForms field class, extra keyword arguments)
FIELD_CLASSES: dict[str, tuple[str, str]] = {
    "string": ("StringField", ""),
    "text": ("TextAreaField", ""),
    "integer": ("IntegerField", ""),
    "big_integer": ("IntegerField", ""),
    "float": ("FloatField", ""),
    "numeric": ("DecimalField", ""),
    "boolean": ("BooleanField", ""),
    "date": ("DateField", ""),
    "datetime": ("DateTimeLocalField", 'format="%Y-%m-%dT%H:%M"'),
    "time": ("TimeField", ""),
    "enum": ("SelectField", ""),
    "uuid": ("StringField", ""),
}
# column type -> (form value, JSON value) for a sample row; {n} is unique per row
SAMPLES: dict[str, tuple[str, str]] = {
    "integer": ("{n}", "{n}"),
    "big_integer": ("{n}", "{n}"),
    "float": ("{n}.5", "{n}.5"),
    "numeric": ("{n}.25", '"{n}.25"'),
    "date": ("{day}", '"{day}"'),
    "datetime": ("{day}T10:30", '"{day}T10:30:00"'),
    "time": ("{clock}", '"{clock}:00"'),
}


@dataclass(frozen=True)
class FieldCtx:
    """One form field (and API input field)."""

    name: str  # the form field's name: a column, a foreign key column or "<rel>_ids"
    label: str
    declaration: str  # "title = StringField(...)"
    kind: str  # column | many_to_one | many_to_many
    column: Column | None
    related: Model | None  # the picked model
    required: bool
    unique: bool
    populate: str  # a line of populate(): "book.title = self.title.data"
    relationship: str = ""  # the relationship a picker sets
    uses: frozenset[str] = frozenset()  # names the declaration and populate() line use
    help: str = ""  # the text under the field: the column's doc, else what it holds

    @property
    def check(self) -> bool:
        """A checkbox (a boolean column)."""
        return self.column is not None and self.column.type == "boolean" and self.kind == "column"

    @property
    def select(self) -> bool:
        """A select: an enum column or a picker of related rows."""
        return self.related is not None or (self.column is not None and self.column.type == "enum")

    @property
    def is_uuid(self) -> bool:
        """A uuid column: its form field holds the UUID as text."""
        return self.column is not None and self.column.type == "uuid"


@dataclass(frozen=True)
class PickerCtx:
    """A select of related rows."""

    field: str  # form field
    field_json: str  # the API's key
    related: str  # model class
    label: str  # expression of the option's text, or "None" for "#<id>"
    key: str  # expression of the option's value
    blank: str  # the text of a select's empty first choice ("" for a multi-select: none)
    many: bool
    factory: str  # the related model's factory in the generated tests
    label_attr: str  # the related model's label column, or "" for "#<id>"
    rules: tuple[tuple[str, ...], ...] = ()  # read rules of the resources over the related rows: all must pass
    label_value: str = ""  # a literal the tests give the searched row's label when it may be NULL
    room: int | None = None  # how many rows the related model's test factory tells apart, when few
    label_text: str = ""  # the text the tests search for, where str() of the label is not its text in SQL

    @property
    def few(self) -> bool:
        """The tests can make no more rows than the picker lists (no search box)."""
        return self.room is not None and self.room <= PICKER_LIMIT

    @property
    def login_required(self) -> bool:
        """An anonymous visitor does not pass every read rule: the picker offers them nothing."""
        return any("anyone" not in rule for rule in self.rules)


@dataclass(frozen=True)
class ListColumnCtx:
    name: str
    header: str
    cell: str  # Jinja expression of the cell, with ``row`` the row
    link: str | None  # endpoint the cell links to, with ``row.<fk>`` as id
    link_id: str
    link_pk: str
    sort: str  # Python expression of the sort key
    number: bool = False  # right-aligned, as numbers are
    link_check: str = ""  # a Jinja test: link only for visitors who may read the linked row's resource
    sort_alias: tuple[str, str, str] | None = None  # (constant, model, SQL name) of the aliased row a label sort reads
    sort_join: str = ""  # what sorting by a related row's label joins


@dataclass(frozen=True)
class FilterCtx:
    """One of ``list.filters``: its control on the list page, its query arguments (the
    page's and the API's) and the conditions they add to the list's statement."""

    name: str  # the column or many-to-one relationship
    label: str
    kind: str  # choice | boolean | range
    args: tuple[tuple[str, str, str, str], ...]  # (argument, label, ListArgs field, condition on args[argument])
    input_type: str = ""  # a range's inputs: date, datetime-local or number
    step: str = ""  # a number input's step: "1" or "any"
    choices: str = ""  # a select's options (value -> label), as a Python expression of ``args``
    picker: tuple[str, str] | None = None  # (constant, Picker tuple) whose rows a many-to-one select offers
    related: str = ""  # a many-to-one's related model
    related_pk: str = ""  # its key
    factory: str = ""  # its factory in the generated tests
    cases: tuple[tuple[str, str, str, str], ...] = ()  # (test id, wanted value, other value, query): the tests' rows

    @property
    def select(self) -> bool:
        return self.kind == "choice"

    @property
    def boolean(self) -> bool:
        return self.kind == "boolean"

    @property
    def range(self) -> bool:
        return self.kind == "range"

    @property
    def arg(self) -> str:
        """The one argument of a select or a boolean."""
        return self.args[0][0]

    @property
    def arg_from(self) -> str:
        return self.args[0][0]

    @property
    def arg_to(self) -> str:
        return self.args[-1][0]

    @property
    def label_from(self) -> str:
        return self.args[0][1]

    @property
    def label_to(self) -> str:
        return self.args[-1][1]


@dataclass(frozen=True)
class LabelSortCtx:
    """A list column sorted by the label of the row it points at, as the generated
    tests check it: two parents whose labels run against their ids."""

    key: str  # the ?sort= key (the relationship)
    factory: str  # the parent model's factory in the tests
    label_attr: str  # the parent's label column


@dataclass(frozen=True)
class RelatedCtx:
    """A relationship shown on the show page."""

    name: str
    label: str
    many: bool
    endpoint: str | None  # the related resource's show page, if it has one
    label_attr: str | None
    pk: str
    shown: str = ""  # Jinja expression naming the related row (the show page's related variable)
    link_check: str = ""  # a Jinja test: link only for visitors who may read the related resource


@dataclass(frozen=True)
class ShowValueCtx:
    """One column on the show page."""

    label: str
    value: str  # Jinja expression of the shown value (filtered: yes/no, titles, dates)


@dataclass(frozen=True)
class ResourceCtx:
    resource: Resource
    model: Model
    cls: str  # model class name
    var: str  # a row's variable name
    title: str  # "Book"
    plural: str  # "Books"
    form_class: str
    schema_class: str  # unique across resources: OpenAPI names each schema after its class
    patch_schema_class: str
    fields: tuple[FieldCtx, ...]
    columns: tuple[ListColumnCtx, ...]
    related: tuple[RelatedCtx, ...]
    search: tuple[str, ...]  # Python column expressions
    search_labels: tuple[str, ...]  # the searched columns' titles
    filters: tuple[FilterCtx, ...]
    csv_cells: tuple[str, ...]  # Python expressions of ``row``: the export's cells, one per list column
    titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (constant, (value, label)) of the listed or filtered enums
    list_order: tuple[str, ...]  # the list's default order, the primary key last (ties never overlap pages)
    eager: tuple[str, ...]  # loader options of the list and show statements
    orm_imports: tuple[str, ...]  # what views.py takes from sqlalchemy.orm
    pk: str
    pk_annotation: str
    pk_writable: bool  # the key is a field people set (it names the row; updates never change it)
    id_rule: str  # "<int:uid>": the key's converter and name
    label_expr: str  # Jinja expression naming ``row``
    model_imports: tuple[str, ...]
    form_imports: tuple[str, ...]
    validator_imports: tuple[str, ...]
    pickers: tuple[PickerCtx, ...]
    crud_imports: tuple[str, ...]  # what forms.py takes from crud.py
    schema_fields: tuple[str, ...]  # "title = auto_field(required=True)"
    schema_imports: tuple[str, ...]
    samples: tuple[tuple[str, str, str], ...]  # (form name, form value, JSON value): {n}, {day}, ... substituted by tests
    json_keys: tuple[str, ...]
    show_columns: tuple[ShowValueCtx, ...]  # the columns on the show page
    required_fields: tuple[str, ...]
    unique_field: str | None
    sort_key: str | None
    label_sorts: tuple[LabelSortCtx, ...]
    search_field: str | None
    parents: tuple[tuple[str, str, str, str], ...]  # (form field, parent class, factory, its key) for required pickers
    needed_by: tuple[tuple[str, str, str], ...]  # (child class, child factory, fk attribute) rows that block delete
    guarded: bool = False  # the app has auth: every action asks the access module
    access_rows: bool = False  # the access module's checks take the row (some resource has an owner)
    owner_column: str | None = None  # set to the logged-in user's key on create
    owner_scoped: bool = False  # the read rule names owner: lists go through visible()
    user_pk: str = "id"  # the auth model's key attribute
    roles: tuple[str, ...] = ()  # the roles this resource's rules and pickers name
    access_cells: tuple[tuple[str, str, str, str], ...] = ()  # (channel, action, visitor, answer): the permission matrix
    self_owned: bool = False  # over the auth model: a row is its own owner
    auth_model: str = ""  # the auth model's class
    tokens: bool = False  # auth.tokens: the matrix calls the API with bearer tokens
    login_path: str = "/auth/login"

    @property
    def open_actions(self) -> tuple[str, ...]:
        """The actions anyone may take."""
        return tuple(a for a, rule in self.resource.access if "anyone" in rule)

    def _token_optional(self, action: str) -> bool:
        return self.tokens and action in self.open_actions

    @property
    def open_read(self) -> bool:
        """The API documents a token as optional for reading (anyone may)."""
        return self._token_optional("read")

    @property
    def open_create(self) -> bool:
        return self._token_optional("create")

    @property
    def open_update(self) -> bool:
        return self._token_optional("update")

    @property
    def open_delete(self) -> bool:
        return self._token_optional("delete")

    @property
    def anonymous_form(self) -> bool:
        """An anonymous visitor may fill in the form (create or update is open to anyone)."""
        return not self.guarded or any("anyone" in self.resource.rule(a) for a in ("create", "update"))

    @property
    def tester_login(self) -> bool:
        """The CRUD tests log in: some rule (or picker) needs it."""
        return self.guarded and (any("anyone" not in rule for _, rule in self.resource.access) or bool(self.login_only_pickers))

    @property
    def nav_cells(self) -> dict[str, bool]:
        """Visitor -> whether the layout links the list (they pass the read rule, or own rows)."""
        return {v: a == "200" for c, act, v, a in self.access_cells if c == "pages" and act == "list" and v != "other"}

    @property
    def access_visitors(self) -> tuple[str, ...]:
        """The visitors of the permission matrix, in order."""
        return tuple(dict.fromkeys(cell[2] for cell in self.access_cells))
    cycles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, values) of unique enums: a row takes values[n % len]
    row_room: int | None = None  # how many rows the samples tell apart, when that may be fewer than the tests make

    @property
    def page_rows(self) -> tuple[int, ...]:
        """The rows the paging test adds before each of its loads: a full first page and
        one more, or as many as the samples tell apart. Each load follows new rows (a
        commit expires the logged-in user, whom the next request loads again)."""
        per_page = self.resource.per_page
        if self.row_room is None or self.row_room > per_page:
            return (2, per_page - 2, 1) if per_page > 2 else (1, 1, 1)
        return (1, self.row_room - 2, 1) if self.row_room > 2 else (1, 1)

    @property
    def numeric_digits(self) -> bool:
        """Some sample takes n's last digits (``{m[2]}``: a NUMERIC of few digits)."""
        return any("{m[" in form for _, form, _ in self.samples)

    @property
    def second_page(self) -> bool:
        """The paging test's rows fill more than a page."""
        return sum(self.page_rows) > self.resource.per_page

    @property
    def sort_rows(self) -> int:
        """The rows the sort test creates."""
        return min(3, self.row_room or 3)

    @property
    def api_batch(self) -> int:
        """The rows the API list test creates before each of its two loads."""
        return min(5, (self.row_room or 10) // 2)

    @property
    def refused_values(self) -> tuple[tuple[str, str, str, bool], ...]:
        """(test id, field, Python literal, also a form case) of values its column cannot
        store: text with a NUL, a number past the column's digits or integer range, and
        (in JSON only) 0 for a boolean."""
        out = []
        for f in self.fields:
            column = f.column
            if f.kind != "column" or column is None:
                continue
            if column.type in ("string", "text"):
                out.append((f"{f.name} with a NUL", f.name, repr("a\x00b"), True))
            elif column.type == "numeric" and column.precision is not None:
                too_many = 10 ** (column.precision - (column.scale or 0))
                out.append((f"{f.name} past its digits", f.name, str(too_many), True))
            elif column.type in ("integer", "big_integer"):
                past = 2**63 if column.type == "big_integer" else 2**31
                out.append((f"{f.name} past its range", f.name, str(past), True))
            elif column.type == "boolean":
                out.append((f"{f.name} as 0", f.name, "0", False))
        return tuple(out)

    @property
    def login_only_pickers(self) -> tuple[PickerCtx, ...]:
        """The form's pickers of rows whose own pages need a login."""
        return tuple(p for p in self.pickers if p.login_required) if self.resource.html else ()

    @property
    def form_refused_values(self) -> tuple[tuple[str, str, str, bool], ...]:
        """The :attr:`refused_values` a form can send (a checkbox has no 0)."""
        return tuple(case for case in self.refused_values if case[3])

    @property
    def related_var(self) -> str:
        """The show page's name for a related row."""
        return related_var(self.var)

    @property
    def many_to_many_fields(self) -> tuple[FieldCtx, ...]:
        """The fields that pick several rows (forms and the API turn ids into rows)."""
        return tuple(f for f in self.fields if f.kind == "many_to_many")

    @property
    def search_names(self) -> str:
        """What the search box looks in, for its placeholder: "title or isbn"."""
        names = [label.lower() for label in self.search_labels]
        return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1] if names else ""

    @property
    def list_args(self) -> tuple[tuple[str, str], ...]:
        """(argument, marshmallow field) of the list's query string: the search, the sort
        and each filter's, as the pages and the API read them."""
        out = []
        if self.search:
            what = " or ".join(self.search_labels)
            out.append(("q", f"fields.String(validate=TEXT, metadata={{'description': {f'Text that the {what} of a row contains (any case).'!r}}})"))
        if self.columns:
            out.append(("sort", "fields.String(validate=OneOf(SORT_KEYS), metadata={'description': 'A list column; -column sorts it in descending order.'})"))
        out += [(arg, field) for f in self.filters for arg, _, field, _ in f.args]
        return tuple(out)

    @property
    def filter_conditions(self) -> tuple[tuple[str, str], ...]:
        """(argument, condition) of every filter."""
        return tuple((arg, condition) for f in self.filters for arg, _, _, condition in f.args)

    @property
    def filter_labels(self) -> tuple[tuple[str, str], ...]:
        """(argument, label) of the filters, as the applied list names them (the search
        that is applied shows on a line of its own)."""
        return tuple((arg, label) for f in self.filters for arg, label, _, _ in f.args)

    @property
    def filter_pickers(self) -> tuple[tuple[str, str], ...]:
        """(constant, Picker tuple) of the many-to-one filters."""
        return tuple(f.picker for f in self.filters if f.picker)

    @property
    def list_args_class(self) -> str:
        """The name of the list's arguments schema (the OpenAPI document shows it)."""
        return self.schema_class.removesuffix("Schema") + "ListArgs"

    @property
    def list_readers(self) -> str:
        """What runs the list's statement, in words: "the list page, the API's list and the export"."""
        names = [n for n, on in (("the list page", self.resource.html), ("the API's list", self.resource.api), ("the CSV export", self.export)) if on]
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]

    @property
    def own_rows_only(self) -> bool:
        """Each visitor lists only the rows they own, and a row of the auth model is its
        own: the tests' user sees no row the tests make."""
        return self.self_owned and self.owner_scoped

    @property
    def filter_cases(self) -> tuple[tuple[str, str, str, str, str], ...]:
        """(test id, column, wanted value, other value, query) of the generated filter tests."""
        if self.own_rows_only:
            return ()
        return tuple((case, f.name, wanted, other, query) for f in self.filters for case, wanted, other, query in f.cases)

    @property
    def relation_filters(self) -> tuple[FilterCtx, ...]:
        """The many-to-one filters the tests check (they make the related rows); not the
        owner's where visitors list only their own rows."""
        if self.own_rows_only:
            return ()
        return tuple(f for f in self.filters if f.related and not (self.owner_scoped and f.name == self.resource.owner))

    @property
    def uses_decimal(self) -> bool:
        """Some filter test gives a NUMERIC column a Decimal."""
        return any("Decimal(" in wanted for _, _, wanted, _, _ in self.filter_cases)

    @property
    def list_rows(self) -> bool:
        """The list tests can make a page and one more of their own rows, told apart by
        the searched text column (filled with "qz000", "qz001", ...)."""
        if not self.search_field or self.search_field not in self.resource.list_columns or self.own_rows_only:
            return False
        column = self.model.column(self.search_field)
        fits = column is not None and (column.length is None or column.length >= 7)
        return fits and (self.row_room is None or self.row_room > self.resource.per_page + 3)

    @property
    def owner_factory(self) -> str:
        """The auth model's factory, where visitors list only their own rows: the list
        tests add a row of another user's, which no list of theirs may show."""
        return f"{self.auth_model}Factory.build" if self.owner_scoped and not self.self_owned and self.list_rows else ""

    @property
    def combined_test(self) -> bool:
        """The pages' test of filters, search, sort and pages together."""
        return self.resource.html and bool(self.filters) and self.list_rows

    @property
    def export_test(self) -> bool:
        return self.export and self.list_rows

    @property
    def combo(self) -> FilterCtx | None:
        """The filter the combined tests apply (a column's with test cases, else a many-to-one)."""
        cases = {case[1] for case in self.filter_cases}
        owner = self.resource.owner
        return next((f for f in self.filters if f.name in cases), next((f for f in self.relation_filters if f.name != owner), None))

    @property
    def combo_case(self) -> tuple[str, str, str, str, str] | None:
        combo = self.combo
        return next((c for c in self.filter_cases if combo is not None and c[1] == combo.name), None)

    @property
    def url_imports(self) -> tuple[str, ...]:
        """What the generated tests take from urllib.parse."""
        names = {"parse_qs", "urlsplit"} if self.combined_test else set()
        if self.access_cells:
            names |= {"quote", "unquote"} if self.pk_writable else {"quote"}
        return tuple(sorted(names))

    @property
    def show_links(self) -> bool:
        """The tests find rows on the list by the links to their pages."""
        return self.resource.html and bool(self.sort_key or self.label_sorts or self.needed_by or self.filters or self.export_test)

    @property
    def missing_key(self) -> str:
        """A key no row of the tests has, as a Python literal of the key's type."""
        kind = self.resource.model.primary_key.type
        return {"string": '"0"', "uuid": "UUID(int=0)"}.get(kind, "0")

    @property
    def uuid_key(self) -> bool:
        """The key is a UUID: the tests import ``UUID`` for a missing one."""
        return self.resource.model.primary_key.type == "uuid"

    @property
    def search_index(self) -> int:
        """The searched column's place among the export's cells."""
        return self.resource.list_columns.index(self.search_field) if self.search_field in self.resource.list_columns else 0

    @property
    def filters_template(self) -> str:
        """The list page's partial of filter controls."""
        return f"{self.resource.key}/_filters.html"

    @property
    def export(self) -> bool:
        return self.resource.export == "csv"

    @property
    def csv_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def listing_models(self) -> tuple[str, ...]:
        """The model classes listing.py uses: its own, its label sorts' and its filters' related rows."""
        return tuple(sorted({*self.view_models, *(f.related for f in self.filters if f.related)}))

    @property
    def listing_crud_imports(self) -> tuple[str, ...]:
        """What listing.py takes from crud.py."""
        text = " ".join(field for _, field in self.list_args)
        names = {n for n in ("BOUNDED", "INT32", "INT64", "TEXT", "UtcDateTime") if n in text}
        names |= {"list_args", "search", "sort"}
        if self.filter_pickers:
            names |= {"Picker", "picker_options"}
        return tuple(sorted(names, key=lambda n: (not n.isupper(), n[0].islower(), n)))

    @property
    def listing_validators(self) -> tuple[str, ...]:
        """What listing.py takes from marshmallow.validate."""
        return ("OneOf",) if any("OneOf(" in field for _, field in self.list_args) else ()

    @property
    def view_models(self) -> tuple[str, ...]:
        """The model classes views.py uses: its own, and those its label sorts alias."""
        return tuple(sorted({self.cls, *(c.sort_alias[1] for c in self.columns if c.sort_alias)}))

    @property
    def sort_joins(self) -> tuple[tuple[str, str], ...]:
        """(sort key, join) for the list columns sorted by a related row's label."""
        return tuple((c.name, c.sort_join) for c in self.columns if c.sort_join)

    @property
    def has_many_to_many(self) -> bool:
        return bool(self.many_to_many_fields)

    @property
    def pk_form_value(self) -> str:
        """The key an edit form gives, as the model holds it (a UUID field holds text;
        left blank, the row keeps its key)."""
        data = f"form.{self.pk}.data"
        return f"(uuid.UUID({data}) if {data} else {self.var}.{self.pk})" if self.pk_is_uuid else data

    @property
    def pk_is_uuid(self) -> bool:
        """The key's annotation (``uuid.UUID``) needs the uuid module where views take it."""
        return self.pk_annotation.startswith("uuid.")

    @property
    def has_uuid_field(self) -> bool:
        return any(f.column is not None and f.column.type == "uuid" for f in self.fields)

    @property
    def has_enum_field(self) -> bool:
        return any(f.column is not None and f.column.type == "enum" for f in self.fields)

    @property
    def short_samples(self) -> bool:
        """Some sample is a short code (``{k}``: the tests import ``code``)."""
        return any(is_short(form) for _, form, _ in self.samples)

    @property
    def varying_samples(self) -> bool:
        """Two samples of a row differ (a PUT of a new sample changes the row)."""
        return any("{" in json for name, _, json in self.samples if name != self.pk)  # a PUT keeps the key

    @property
    def json_required(self) -> bool:
        """The API refuses an empty body: some input column has no default and no NULL."""
        return any(
            f.required if f.kind == "many_to_one" else f.column is not None and not f.column.nullable and f.column.default_expr is None
            for f in self.fields
        )


def _column_help(column: Column) -> str:
    """The help text of a column's field: its ``doc``, else the limit a person may hit."""
    if column.doc:
        return column.doc
    if column.type == "string" and column.length:
        return f"At most {column.length} characters."
    if column.type == "numeric" and column.scale:
        return f"Up to {column.scale} decimal places."
    if column.type == "datetime":
        return "In UTC."
    return ""


def model_column(model: Model, name: str) -> Column:
    """The column ``name`` of ``model`` (the spec has checked that it exists)."""
    column = model.column(name)
    assert column is not None, name
    return column


def _validator_names(column: Column, required: bool) -> list[str]:
    """The validators of a column's field (WTForms' own, and crud's that keep values
    the database cannot store out of it)."""
    out = ["InputRequired" if required else "Optional"]
    if column.type == "string" and column.length:
        out.append("Length")
    if column.type in ("string", "text"):
        out.append("storable_text")
    if column.type == "numeric" and column.precision is not None:
        out.append("fits_numeric")
    if column.type in ("integer", "big_integer"):
        out.append("fits_integer")
    if column.type == "uuid":
        out.append("UUID")
    return out


def _validator_call(column: Column, name: str) -> str:
    if name == "Length":
        return f"Length(max={column.length})"
    if name == "storable_text":
        return name  # a validator function, not a factory
    if name == "fits_numeric":
        return f"fits_numeric({column.precision}, {column.scale or 0})"
    if name == "fits_integer":
        return "fits_integer(big=True)" if column.type == "big_integer" else "fits_integer()"
    return f"{name}()"


def _validators(column: Column, required: bool) -> list[str]:
    return [_validator_call(column, name) for name in _validator_names(column, required)]


def _column_uses(column: Column, cls: str, required: bool) -> frozenset[str]:
    """The field class, validators and helpers a column's field uses."""
    names = {cls}
    if column.type != "boolean":
        names |= set(_validator_names(column, required))
    if column.type in ("string", "text") and column.nullable:
        names.add("blank_to_none")
    return frozenset(names)


# Names a row's variable may not take in a resource's views, forms and pages: they
# already mean something there (locals, imports, template context, the URL variable).
ROW_VAR_TAKEN = frozenset(
    {
        "abort", "aliased", "bp", "cls", "config", "count", "csrf_token", "current_user", "data", "db",
        "errors", "field", "flash", "form", "g", "get_flashed_messages", "jsonify", "key",
        "login_required", "name", "page", "picker", "q", "redirect", "related", "render_template",
        "request", "row", "row_id", "select", "selectinload", "self", "session", "sort", "status",
        "stmt", "text", "url_for", "value",
    }
)  # fmt: skip


def related_var(var: str) -> str:
    """The show page's name for a related row: never the row's own name (a model
    named ``Item`` is shown as ``item``)."""
    return "related" if var != "related" else "related_row"


def row_var(model: Model, url_variable: str) -> str:
    """A row's variable name: the snake_case model name, unless that already means
    something where rows are handled or is a Python keyword (then with ``_row`` added)."""
    var = snake(model.name)
    return f"{var}_row" if var in ROW_VAR_TAKEN or keyword.iskeyword(var) or var == url_variable else var


DEFAULTED_TYPES = frozenset({"boolean", "enum", "integer", "big_integer", "string", "text", "float"})


def _column_args(column: Column, required: bool) -> list[str]:
    """The field's arguments after its label: validators, choices, format, default."""
    _, extra = FIELD_CLASSES[column.type]
    args = []
    if column.type != "boolean":
        args.append(f"validators=[{', '.join(_validators(column, required))}]")
    if extra:
        args.append(extra)
    if column.type == "enum":
        args.append(f"choices=[{', '.join(f'SelectChoice({v!r}, {t!r})' for v, t in column.titles)}]")
    if column.type == "numeric" and column.scale is not None:
        args.append(f"places={column.scale}")
    if column.type in ("string", "text") and column.nullable:
        args.append("filters=[blank_to_none]")
    if column.default is not None and column.default_expr and column.type in DEFAULTED_TYPES:
        args.append(f"default={column.default_expr}")
    return args


def _column_field(column: Column, var: str) -> FieldCtx:
    """A column's field: required where ``nullable: false`` without a default (an enum
    that cannot be NULL is always required: its select has no blank option)."""
    cls, _ = FIELD_CLASSES[column.type]
    required = not column.nullable and column.type != "boolean"
    required = required and (column.default_expr is None or column.type == "enum")
    declaration = f"{column.name} = {cls}({', '.join([repr(column.title), *_column_args(column, required)])})"
    data = f"self.{column.name}.data"
    value = f"uuid.UUID({data})" if column.type == "uuid" else data
    populate = f"{var}.{column.name} = {value}" + (f" if {data} else None" if column.type == "uuid" else "")
    if not column.nullable and column.type != "boolean":
        # Left blank, a NOT NULL column keeps its value (or gets the model's default);
        # a required field is never blank, but its type says it may be.
        blank = data if column.type == "uuid" else f"{data} is not None"
        populate = f"if {blank}:\n            {var}.{column.name} = {value}"
    uses = _column_uses(column, cls, required)
    return FieldCtx(
        column.name, column.title, declaration, "column", column, None, required, column.unique, populate, uses=uses,
        help=_column_help(column),
    )


def _relationship_field(rel: Relationship, model: Model, models: dict[str, Model], var: str) -> FieldCtx:
    related = models[rel.model]
    label = repr(human(rel.name))
    if rel.kind == "many_to_many":
        name = f"{rel.name}_ids"
        decl = f"{name} = SelectMultipleField({label}, coerce=int)"
        populate = f"{var}.{rel.name} = rows_by_id({rel.model}, self.{name}.data)"
        uses = frozenset({"SelectMultipleField", "rows_by_id"})
        many = "Pick any number; hold Ctrl (⌘ on a Mac) to pick several."
        return FieldCtx(name, human(rel.name), decl, "many_to_many", None, related, False, False, populate, rel.name, uses, many)
    fk = model.column(rel.fk_column or "")
    assert fk is not None
    required = not fk.nullable
    by_text = related.primary_key.type == "string"  # else an integer key
    # The select starts on an empty choice ("Choose …"), which a required field refuses:
    # a forgotten choice fails validation instead of saving the first row.
    coerce = "blank_to_none" if by_text else "optional_int"
    validator = "InputRequired" if required else "Optional"
    decl = f"{fk.name} = SelectField({label}, coerce={coerce}, validators=[{validator}()])"
    uses = frozenset({"SelectField", coerce, validator})
    return FieldCtx(fk.name, human(rel.name), decl, "many_to_one", fk, related, required, False, f"{var}.{fk.name} = self.{fk.name}.data", rel.name, uses)


def _fields(resource: Resource, models: dict[str, Model], var: str) -> tuple[FieldCtx, ...]:
    model = resource.model
    out = []
    for name in resource.form:
        column = model.column(name)
        if column is not None:
            out.append(_column_field(column, var))
        else:
            rel = model.relationship(name)
            assert rel is not None
            out.append(_relationship_field(rel, model, models, var))
    return tuple(out)


def _label_expr(model: Model, var: str) -> str:
    pk = model.primary_key.name
    return f"{var}.{model.label}" if model.label else f"'#' ~ {var}.{pk}"


def _list_order(resource: Resource) -> tuple[str, ...]:
    """The list's default ``order_by``: the spec's order, then the primary key unless it
    is already in it."""
    cls, pk = resource.model.name, resource.model.primary_key.name
    order = [f"{cls}.{n}.desc()" if desc else f"{cls}.{n}" for n, desc in resource.order_by]
    return tuple(order if any(n == pk for n, _ in resource.order_by) else [*order, f"{cls}.{pk}"])


NUMBER_TYPES = frozenset({"integer", "big_integer", "float", "numeric"})


def shown_value(model: Model, column: Column, var: str) -> str:
    """The Jinja expression that shows ``var``'s value of ``column`` on a page: booleans
    as yes/no badges, enum values by their titles, dates formatted, NULL as nothing
    (the filters of the generated display module)."""
    value = f"{var}.{column.name}"
    if column.type == "boolean":
        return f"{value} | yes_no"
    if column.type == "enum":
        return f"{value} | value_title({f'{model.name}.{column.name}'!r})"
    return f"{value} | shown"


def row_name(model: Model, var: str) -> str:
    """The Jinja expression naming a row of ``model`` on a page: its label column, else
    "<title> #<key>" (never a bare "#2")."""
    if model.label:
        return f"{var}.{model.label}"
    return f"{(model.title + ' #')!r} ~ {var}.{model.primary_key.name}"


def read_check(spec: ProjectSpec, resource: Resource | None) -> str:
    """A Jinja test that the visitor may read ``resource`` (empty without auth)."""
    if spec.auth is None or resource is None:
        return ""
    return f"may({resource.key!r}, 'read')"


def _list_columns(spec: ProjectSpec, resource: Resource, by_model: dict[str, Resource]) -> tuple[ListColumnCtx, ...]:
    model = resource.model
    out = []
    for name in resource.list_columns:
        rel = model.relationship(name)
        if rel is None:
            column = model.column(name)
            assert column is not None
            cell = shown_value(model, column, "row")
            number = column.type in NUMBER_TYPES
            out.append(ListColumnCtx(name, column.title, cell, None, "", "", f"{model.name}.{name}", number))
            continue
        parent = by_model.get(rel.model)
        label = row_name(parent.model, f"row.{name}") if parent else f"row.{rel.fk_column}"
        link = f"{parent.key}.show" if parent and parent.html else None
        linked = ListColumnCtx(
            name, human(name), f"{label} if row.{name} else ''", link, f"row.{rel.fk_column}",
            parent.model.primary_key.name if parent else "", f"{model.name}.{rel.fk_column}",
            link_check=read_check(spec, parent) if link else "",
        )
        out.append(_label_sort(linked, model, rel, parent.model if parent else None))
    return tuple(out)


# A range filter's ListArgs field, input type and step by column type.
RANGE_FIELDS: dict[str, tuple[str, str, str]] = {
    "date": ("fields.Date()", "date", ""),
    "datetime": ("UtcDateTime()", "datetime-local", ""),
    "integer": ("fields.Integer(validate=INT32)", "number", "1"),
    "big_integer": ("fields.Integer(validate=INT64)", "number", "1"),
    "float": ("fields.Float(**BOUNDED)", "number", "any"),
    "numeric": ("fields.Decimal(**BOUNDED)", "number", "any"),
}
# A many-to-one filter's ListArgs field by the type of its foreign key.
KEY_FIELDS = {
    "integer": "fields.Integer(validate=INT32)",
    "big_integer": "fields.Integer(validate=INT64)",
    "string": "fields.String(validate=TEXT)",
    "uuid": "fields.UUID()",
}


def titles_constant(column: Column) -> str:
    """The name of the generated mapping of an enum's values to their labels."""
    return f"{column.name.upper()}_TITLES"


def _filters(spec: ProjectSpec, resource: Resource) -> tuple[FilterCtx, ...]:
    """The list's filters: a select per many-to-one or enum, any/yes/no per boolean, a
    from/to range per date, datetime or number."""
    model, cls = resource.model, resource.model.name
    out = []
    for name in resource.filters:
        rel = model.relationship(name)
        if rel is not None:
            out.append(_relation_filter(spec, resource, rel))
            continue
        column = model_column(model, name)
        target = f"{cls}.{name}"
        if column.type == "enum":
            field = f"fields.String(validate=OneOf({list(column.values)!r}))"
            args = ((name, column.title, field, f"{target} == args[{name!r}]"),)
            out.append(FilterCtx(name, column.title, "choice", args, choices=titles_constant(column), cases=_filter_cases(column)))
        elif column.type == "boolean":
            args = ((name, column.title, "fields.Boolean()", f"{target} == args[{name!r}]"),)
            out.append(FilterCtx(name, column.title, "boolean", args, cases=_filter_cases(column)))
        else:
            field, input_type, step = RANGE_FIELDS[column.type]
            ends = (
                (f"{name}_from", f"{column.title} from", field, f"{target} >= args[{name + '_from'!r}]"),
                (f"{name}_to", f"{column.title} to", field, f"{target} <= args[{name + '_to'!r}]"),
            )
            out.append(FilterCtx(name, column.title, "range", ends, input_type=input_type, step=step, cases=_filter_cases(column)))
    return tuple(out)


# The values the generated tests give two rows, low and high, by column type (Python
# literals), and the query-string value between them.
RANGE_SAMPLES: dict[str, tuple[str, str, str]] = {
    "date": ("datetime.date(2024, 1, 1)", "datetime.date(2024, 3, 1)", "2024-02-01"),
    "datetime": ("datetime.datetime(2024, 1, 1, 10, 30)", "datetime.datetime(2024, 3, 1, 10, 30)", "2024-02-01T00:00"),
    "integer": ("1", "9", "5"),
    "big_integer": ("1", "9", "5"),
    "float": ("1.5", "9.5", "5"),
}


def _filter_cases(column: Column) -> tuple[tuple[str, str, str, str], ...]:
    """(test id, wanted row's value, other row's value, query) for the generated tests."""
    name = column.name
    if column.primary_key:
        return ()  # the tests' rows keep the keys the database gives them
    if column.type == "enum":
        if len(column.values) < 2:
            return ()
        first, last = column.values[0], column.values[-1]
        return ((name, repr(first), repr(last), repr({name: first})),)
    if column.type == "boolean":
        return ((f"{name} yes", "True", "False", repr({name: "yes"})), (f"{name} no", "False", "True", repr({name: "no"})))
    if column.type == "numeric":
        whole = (column.precision or 10) - (column.scale or 0) >= 1
        low, high, middle = ('Decimal("1")', 'Decimal("9")', "5") if whole else ('Decimal("0.1")', 'Decimal("0.9")', "0.5")
    else:
        low, high, middle = RANGE_SAMPLES[column.type]
    return (
        (f"{name} from", high, low, repr({f"{name}_from": middle})),
        (f"{name} to", low, high, repr({f"{name}_to": middle})),
    )


def _relation_filter(spec: ProjectSpec, resource: Resource, rel: Relationship) -> FilterCtx:
    """A many-to-one's filter: a select of the related rows (those a picker offers)."""
    related = next(m for m in spec.models if m.name == rel.model)
    fk = model_column(resource.model, rel.fk_column or "")
    label = f"{related.name}.{related.label}" if related.label else "None"
    key = f"{related.name}.{related.primary_key.name}"
    constant = f"{rel.name.upper()}_FILTER"
    picker = f"({label}, {key}, '', {read_rules(spec, related)!r})"
    condition = f"{resource.model.name}.{fk.name} == args[{rel.name!r}]"
    arg = (rel.name, human(rel.name), KEY_FIELDS[fk.type], condition)
    return FilterCtx(rel.name, human(rel.name), "choice", (arg,), choices=f"picker_options({constant}, args.get({rel.name!r}))", picker=(constant, picker), related=related.name, related_pk=related.primary_key.name, factory=f"{related.name}Factory.build")


def _csv_cell(resource: Resource, name: str, by_model: dict[str, Resource]) -> str:
    """The export's cell of one list column, as a Python expression of ``row``: a
    related row by its label, an enum value by its title."""
    model = resource.model
    rel = model.relationship(name)
    if rel is None:
        column = model_column(model, name)
        if column.type == "enum":
            titles = titles_constant(column)
            value = f"row.{name}"
            return f"{value} and {titles}.get({value}, {value})" if column.nullable else f"{titles}.get({value}, {value})"
        return f"row.{name}"
    parent = by_model.get(rel.model)
    related_label = parent.model.label if parent else None
    if related_label:
        return f"row.{name}.{related_label} if row.{name} is not None else None"
    return f"row.{rel.fk_column}"


def _titles(resource: Resource) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(constant, (value, label)) of the enums the list shows or filters by."""
    names = [*resource.list_columns, *resource.filters]
    columns = [c for c in resource.model.columns if c.type == "enum" and c.name in names]
    return tuple((titles_constant(c), c.titles) for c in columns)


def _label_sort(cell: ListColumnCtx, model: Model, rel: Relationship, parent: Model | None) -> ListColumnCtx:
    """A many-to-one cell shown by the parent's label sorts by that label (through an
    aliased join, so a model pointing at itself works too); otherwise by the key."""
    if parent is None or not parent.label:
        return cell
    alias = f"{rel.name.upper()}_SORT"
    return replace(
        cell,
        sort=f"{alias}.{parent.label}",
        sort_alias=(alias, parent.name, f"{rel.name}_sort"),
        sort_join=f"{model.name}.{rel.name}.of_type({alias})",
    )


def _related(
    spec: ProjectSpec, resource: Resource, models: dict[str, Model], by_model: dict[str, Resource], var: str
) -> tuple[RelatedCtx, ...]:
    out = []
    for rel in resource.model.relationships:
        other = models[rel.model]
        page = by_model.get(rel.model)
        endpoint = f"{page.key}.show" if page and page.html else None
        check = read_check(spec, page) if endpoint else ""
        out.append(RelatedCtx(rel.name, human(rel.name), rel.many, endpoint, other.label, other.primary_key.name, row_name(other, var), check))
    return tuple(out)


def _sample(field: FieldCtx) -> tuple[str, str, str] | None:
    """(form name, form value, JSON value) templates; None for fields tests leave empty."""
    column = field.column
    if field.kind == "many_to_many":
        return None
    if field.kind == "many_to_one":
        quoted = '"{parent}"' if field.related is not None and field.related.primary_key.type == "string" else "{parent}"
        return (field.name, "{parent}", quoted) if field.required else None
    assert column is not None
    if column.nullable and (column.foreign_key or (column.unique and column.type == "boolean") or room(column)):
        # Left empty: a key of no row would break the foreign key, and a unique column
        # of a few values cannot give every test row its own.
        return None
    if column.type in ("string", "text"):
        text = text_sample(column.name, column.length)
        return (field.name, text, f'"{text}"')
    if column.type == "boolean":
        return (field.name, "y", "true")
    if column.type == "enum" and column.unique:  # a value of its own per row: CYCLES in the tests
        return (field.name, f"{{e[{field.name}]}}", f'"{{e[{field.name}]}}"')
    if column.type == "enum":
        return (field.name, column.values[-1], f'"{column.values[-1]}"')
    if column.type == "numeric":
        text = numeric_sample(column.precision, column.scale)
        return (field.name, text, f'"{text}"')
    if column.type == "uuid":
        return (field.name, "{uuid}", '"{uuid}"')
    form, json = SAMPLES[column.type]
    return (field.name, form, json)


@dataclass(frozen=True)
class SchemaField:
    """One declaration of a resource's marshmallow schema and the names it uses."""

    line: str  # "title = auto_field(required=True)"
    uses: frozenset[str]


def _schema_field(column: Column, field: FieldCtx | None) -> SchemaField:
    """One column's schema field: read-only unless the form sets it; enums checked
    against their values, integers against their column's range."""
    if field is None:
        if column.type == "datetime":
            return SchemaField(f"{column.name} = UtcDateTime(dump_only=True)", frozenset({"UtcDateTime"}))
        if column.type == "numeric":
            places = f", places={column.scale}" if column.scale is not None else ""
            return SchemaField(f"{column.name} = JsonDecimal(dump_only=True{places})", frozenset({"JsonDecimal"}))
        return SchemaField(f"{column.name} = auto_field(dump_only=True)", frozenset({"auto_field"}))
    # Unlike a form (a blank checkbox is False), JSON can leave out only what has a default.
    args = ["required=True"] if not column.nullable and column.default_expr is None else []
    if column.type == "enum":
        if column.nullable:
            args.append("allow_none=True")
        args.append(f"validate=OneOf({list(column.values)!r})")
        return SchemaField(f"{column.name} = fields.String({', '.join(args)})", frozenset({"fields", "OneOf"}))
    own_class = {"boolean": "StrictBoolean", "datetime": "UtcDateTime", "numeric": "JsonDecimal"}.get(column.type)
    if own_class is not None:
        # Fields marshmallow-sqlalchemy would pick too loosely: declared with their options.
        if column.nullable:
            args.append("allow_none=True")
        if column.type == "numeric" and column.scale is not None:
            args.append(f"places={column.scale}")
        if column.type == "numeric" and column.precision is not None:
            args.append(f"**numeric({column.precision}, {column.scale or 0})")
        uses = {own_class, "numeric"} if column.type == "numeric" and column.precision is not None else {own_class}
        return SchemaField(f"{column.name} = {own_class}({', '.join(args)})", frozenset(uses))
    uses = {"auto_field"}
    if column.type in ("integer", "big_integer"):
        bound = "INT64" if column.type == "big_integer" else "INT32"
        args += ["strict=True", f"validate=[{bound}]"]  # 12, not "12" or 12.0
        uses.add(bound)
    if column.type in ("string", "text"):
        # Given validators replace marshmallow-sqlalchemy's own, so the length is named too.
        length = [f"Length(max={column.length})"] if column.type == "string" and column.length else []
        args.append(f"validate=[{', '.join([*length, '*TEXT'])}]")
        uses |= {"TEXT", "Length"} if length else {"TEXT"}
    return SchemaField(f"{column.name} = auto_field({', '.join(args)})", frozenset(uses))


def _schema_fields(resource: Resource, fields: tuple[FieldCtx, ...]) -> tuple[SchemaField, ...]:
    """The schema's explicit field declarations: every column, then many-to-many ids."""
    inputs = {f.name: f for f in fields}
    out = [_schema_field(c, inputs.get(c.name)) for c in resource.model.columns if c.type != "binary"]
    for field in fields:
        if field.kind == "many_to_many":
            rel = field.relationship
            line = f'{rel} = fields.Method("dump_{rel}", deserialize="load_ids", metadata=ID_LIST)'
            out.append(SchemaField(line, frozenset({"fields", "ID_LIST"})))
    return tuple(out)


def schema_imports(declared: tuple[SchemaField, ...]) -> tuple[str, ...]:
    """The import lines ``schemas.py`` needs for these field declarations."""
    uses = {name for field in declared for name in field.uses}
    out = ["from marshmallow import fields"] if "fields" in uses else []
    validators = [name for name in ("Length", "OneOf") if name in uses]
    if validators:
        out.append(f"from marshmallow.validate import {', '.join(validators)}")
    if "auto_field" in uses:
        out.append("from marshmallow_sqlalchemy import auto_field")
    # isort's order, as ruff keeps it: constants, classes, then functions.
    constants = [n for n in ("ID_LIST", "INT32", "INT64", "TEXT") if n in uses]
    classes = sorted({"ResourceSchema", *(n for n in ("JsonDecimal", "StrictBoolean", "UtcDateTime") if n in uses)})
    functions = [n for n in ("numeric",) if n in uses]
    out.append(f"from ..crud import {', '.join([*constants, *classes, *functions])}")
    return tuple(out)


VALIDATORS = ("InputRequired", "Optional", "Length", "UUID")
CRUD_HELPERS = ("blank_to_none", "fits_integer", "fits_numeric", "optional_int", "rows_by_id", "storable_text")


def _imports(fields: tuple[FieldCtx, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(field classes, validators) the form module imports."""
    uses = {name for f in fields for name in f.uses}
    classes = {name for name in uses if name.endswith("Field")}
    return tuple(sorted(classes)), tuple(sorted(uses & set(VALIDATORS)))


def _picker(field: FieldCtx, rules: tuple[tuple[str, ...], ...], models: dict[str, Model]) -> PickerCtx:
    related = field.related
    assert related is not None
    many = field.kind == "many_to_many"
    return PickerCtx(
        field=field.name,
        field_json=field.relationship if many else field.name,
        related=related.name,
        label=f"{related.name}.{related.label}" if related.label else "None",
        key=f"{related.name}.{related.primary_key.name}",
        blank="" if many else ("Choose …" if field.required else "—"),
        many=many,
        factory=f"{related.name}Factory.build",
        label_attr=related.label or "",
        rules=rules,
        label_value=_label_value(related),
        room=factory_room(related, models),
        label_text="picked" if _label_value(related) == JSON_LABEL else "",
    )


def read_rules(spec: ProjectSpec, model: Model | None) -> tuple[tuple[str, ...], ...]:
    """The read rules of every resource over ``model`` (with auth): a picker of its rows
    follows them (all of them), not the page it sits on."""
    if spec.auth is None or model is None:
        return ()
    return tuple(dict.fromkeys(r.rule("read") for r in spec.resources if r.model.name == model.name))


def factory_room(model: Model, models: dict[str, Model]) -> int | None:
    """How many rows of ``model`` the test factory tells apart (a unique enum or NUMERIC
    of few digits it fills, its own or a required parent's), or None when plenty. It
    fills every column but the keys, nullable ones and those with a default too."""
    rooms = [room(c) for c in model.columns if not c.foreign_key and not c.primary_key]
    for rel in model.relationships:
        column = model.column(rel.fk_column or "") if rel.kind == "many_to_one" else None
        if column is not None and not column.nullable and column.default_expr is None and rel.model != model.name:
            rooms.append(factory_room(models[rel.model], models))
    return min((n for n in rooms if n), default=None)


JSON_LABEL = '{"picked": 1}'


def _label_value(model: Model) -> str:
    """A literal for the label of a row the picker test searches for, where the
    model's test factory may leave it NULL or the same in every row (a nullable label
    column or one with a default)."""
    column = model.column(model.label or "")
    if column is None:
        return ""
    if column.type == "json":
        return JSON_LABEL  # str() of a dict is not its JSON text: the tests search for "picked"
    numbered = column.type in ("string", "text", "integer", "big_integer", "float", "numeric")
    if not column.nullable and column.default_expr is None and (numbered or column.foreign_key):
        return ""  # the factory numbers it (or it names another row)
    if column.type in ("string", "text"):
        return repr("picked"[: column.length or 6])
    if column.type in ("integer", "big_integer", "float"):
        # a digit the other rows' default does not show (the search finds text in text)
        return next(d for d in "789" if d not in (column.default_expr or ""))
    return ""


def _crud_imports(fields: tuple[FieldCtx, ...]) -> tuple[str, ...]:
    uses = {name for f in fields for name in f.uses}
    names = [n for n in CRUD_HELPERS if n in uses]
    if any(f.related for f in fields):
        names += ["Picker", "picker_choices"]
    return tuple(sorted(names))


def _parents(fields: tuple[FieldCtx, ...]) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(
        (f.name, f.related.name, f"{f.related.name}Factory.build", f.related.primary_key.name)
        for f in fields
        if f.kind == "many_to_one" and f.required and f.related
    )


def _needed_by(resource: Resource, models: dict[str, Model]) -> tuple[tuple[str, str, str], ...]:
    """Children whose non-nullable foreign key points at this model without ON DELETE."""
    out = []
    for rel in resource.model.relationships:
        if rel.kind not in ("one_to_many", "one_to_one") or rel.passive_deletes:
            continue
        child = models[rel.model]
        fk = child.column(rel.fk_column or "")
        back = child.relationship(rel.back_populates or "")
        if fk is not None and not fk.nullable and back is not None:
            out.append((child.name, f"{child.name}Factory.build", back.name))
    return tuple(out)


def _orm_imports(eager: tuple[str, ...], columns: tuple[ListColumnCtx, ...]) -> tuple[str, ...]:
    """What views.py takes from sqlalchemy.orm."""
    names = {"selectinload"} if eager else set()
    if any(c.sort_alias for c in columns):
        names.add("aliased")
    if not columns:
        names.add("InstrumentedAttribute")  # the type of an empty SORTS
    return tuple(sorted(names))


def resource_ctx(spec: ProjectSpec, resource: Resource) -> ResourceCtx:
    """Everything the templates of one resource need."""
    models = {m.name: m for m in spec.models}
    by_model = {r.model.name: r for r in spec.resources}
    model = resource.model
    var = row_var(model, resource.pk.name)
    fields = _fields(resource, models, var)
    classes, validators = _imports(fields)
    eager = tuple(
        f"selectinload({model.name}.{r.name})" for r in model.relationships if r.kind in ("many_to_one", "many_to_many")
    )
    pk = model.primary_key
    columns = _list_columns(spec, resource, by_model)
    related_models = sorted({model.name, *(f.related.name for f in fields if f.related)})
    return ResourceCtx(
        resource=resource,
        model=model,
        cls=model.name,
        var=var,
        title=model.title,
        plural=model.plural,
        form_class=f"{model.name}Form",
        schema_class=f"{_schema_name(spec, resource)}Schema",
        patch_schema_class=f"{_schema_name(spec, resource)}PatchSchema",
        fields=fields,
        columns=columns,
        related=_related(spec, resource, models, by_model, related_var(var)),
        **_list_values(spec, resource, by_model),
        eager=eager,
        orm_imports=_orm_imports(eager, columns),
        pk=pk.name,
        pk_annotation=pk.python_type,
        pk_writable=any(f.name == pk.name for f in fields),
        id_rule=f"<{resource.id_converter}:{resource.pk.name}>",
        label_expr=_label_expr(model, var),
        model_imports=tuple(related_models),
        form_imports=classes,
        validator_imports=validators,
        pickers=tuple(_picker(f, read_rules(spec, f.related), models) for f in fields if f.related),
        crud_imports=_crud_imports(fields),
        schema_fields=tuple(f.line for f in _schema_fields(resource, fields)),
        schema_imports=schema_imports(_schema_fields(resource, fields)),
        json_keys=tuple(c.name for c in model.columns if c.type != "binary"),
        show_columns=tuple(ShowValueCtx(c.title, shown_value(model, c, var)) for c in model.columns if c.type != "binary"),
        label_sorts=_label_sorts(resource, models, columns),
        **_test_values(resource, fields, models),
        **_access_values(spec, resource),
    )


def _list_values(spec: ProjectSpec, resource: Resource, by_model: dict[str, Resource]) -> dict[str, Any]:
    """What the list's statement, filters and export need."""
    model = resource.model
    return {
        "search": tuple(f"{model.name}.{name}" for name in resource.search),
        "search_labels": tuple(model_column(model, name).title for name in resource.search),
        "filters": _filters(spec, resource),
        "csv_cells": tuple(_csv_cell(resource, name, by_model) for name in resource.list_columns),
        "titles": _titles(resource),
        "list_order": _list_order(resource),
    }


def _access_values(spec: ProjectSpec, resource: Resource) -> dict[str, Any]:
    """What the resource's views and tests need of the access rules."""
    return {
        "guarded": spec.auth is not None,
        "access_rows": spec.auth is not None and any(r.owner_column for r in spec.resources),
        "owner_column": resource.owner_column if resource.owner else None,
        "owner_scoped": spec.auth is not None and "owner" in resource.rule("read"),
        "user_pk": _user_pk(spec),
        "roles": _roles(spec, resource),
        "access_cells": access_cells(spec, resource),
        "self_owned": spec.auth is not None and spec.auth.model == resource.model.name,
        "auth_model": spec.auth.model if spec.auth else "",
        "tokens": bool(spec.auth and spec.auth.tokens),
    }


def _roles(spec: ProjectSpec, resource: Resource) -> tuple[str, ...]:
    if spec.auth is None:
        return ()
    named = {n for _, rule in resource.access for n in rule}
    for f in resource.form:
        rel = next((r for r in resource.model.relationships if r.name == f), None)
        related = next((m for m in spec.models if rel is not None and m.name == rel.model), None)
        named |= {n for rule in read_rules(spec, related) for n in rule}
    return tuple(r for r in spec.auth.roles if r in named)


MATRIX_ACTIONS = ("list", "read", "create", "update", "delete")
ALLOWED = {
    ("pages", "list"): "200", ("pages", "export"): "200", ("pages", "read"): "200", ("pages", "create"): "done",
    ("pages", "update"): "done", ("pages", "delete"): "done",
    ("api", "list"): "200", ("api", "read"): "200", ("api", "create"): "201",
    ("api", "update"): "200", ("api", "delete"): "204",
}  # fmt: skip


def _passes(rule: tuple[str, ...], visitor: str, on_row: bool) -> bool:
    """Whether ``visitor`` (anonymous, user, owner, other or a role) passes ``rule``;
    ``owner`` passes for anyone logged in until there is a row."""
    if "anyone" in rule:
        return True
    if visitor == "anonymous":
        return False
    if "user" in rule or visitor in rule:
        return True
    return "owner" in rule and (visitor == "owner" or not on_row)


def access_cells(spec: ProjectSpec, resource: Resource) -> tuple[tuple[str, str, str, str], ...]:
    """The permission matrix: every action x visitor x channel with its answer, from
    the same rules the access module applies."""
    if spec.auth is None:
        return ()
    named = {n for _, rule in resource.access for n in rule}
    visitors = ["anonymous", "user", *(r for r in spec.auth.roles if r in named)]
    if "owner" in named:
        visitors += ["owner", "other"]
    channels = [c for c, on in (("pages", resource.html), ("api", resource.api)) if on]
    out = []
    for channel in channels:
        actions = ("list", "export", *MATRIX_ACTIONS[1:]) if channel == "pages" and resource.export else MATRIX_ACTIONS
        for action in actions:
            rule = resource.rule("read" if action in ("list", "export") else action)
            on_row = action in ("read", "update", "delete")
            for visitor in visitors:
                if _passes(rule, visitor, on_row):
                    answer = ALLOWED[(channel, action)]
                elif visitor == "anonymous":
                    answer = "login" if channel == "pages" else "401"
                elif on_row and _passes(rule, visitor, False) and not _passes(resource.rule("read"), visitor, True):
                    answer = "404"  # they may not even see the row
                else:
                    answer = "403"
                out.append((channel, action, visitor, answer))
    return tuple(out)


def _user_pk(spec: ProjectSpec) -> str:
    if spec.auth is None:
        return "id"
    return next(m for m in spec.models if m.name == spec.auth.model).primary_key.name


def _schema_name(spec: ProjectSpec, resource: Resource) -> str:
    """The schemas' name: the model's, and for the second resource over a model and
    after, with the resource's key added (the OpenAPI document names schemas by class)."""
    first = next(r for r in spec.resources if r.model.name == resource.model.name)
    return resource.model.name if first.key == resource.key else f"{resource.model.name}{camel(resource.key)}"


def _label_sorts(resource: Resource, models: dict[str, Model], columns: tuple[ListColumnCtx, ...]) -> tuple[LabelSortCtx, ...]:
    """The label sorts the generated tests check: a text label with room for their
    values ("aa-sort", "zz-sort") on a page that holds both rows (and a signed-in one)."""
    if not resource.html or resource.per_page < 3:
        return ()
    out = []
    for c in columns:
        rel = resource.model.relationship(c.name)
        if c.sort_alias is None or rel is None or c.name == resource.owner:
            continue  # (a list of one's own rows has one owner)
        parent = models[rel.model]
        label = parent.column(parent.label or "")
        if label is not None and label.type in ("string", "text") and (label.length is None or label.length >= 7):
            out.append(LabelSortCtx(c.name, f"{parent.name}Factory.build", label.name))
    return tuple(out)


def _test_values(resource: Resource, fields: tuple[FieldCtx, ...], models: dict[str, Model]) -> dict[str, Any]:
    """What the generated tests of a resource need: samples and the fields to probe."""
    model = resource.model
    text_fields = [
        f.name
        for f in fields
        if f.column is not None and f.column.type in ("string", "text") and f.required
        and not is_short(text_sample(f.column.name, f.column.length))  # one character finds too much
    ]
    # A sort is seen only on values that differ from row to row: those the tests number.
    numbered = {
        name for name, form, _ in (s for s in (_sample(f) for f in fields) if s) if any(p in form for p in ("{n}", "{k}", "{c}"))
    }
    sortable = [c.name for c in model.columns if c.name in resource.list_columns and c.type in ("string", "integer") and c.name in numbered]
    unique = [f.name for f in fields if f.unique and f.column is not None and f.column.type in ("string", "text")]
    return {
        "samples": tuple(s for s in (_sample(f) for f in fields) if s),
        "required_fields": tuple(f.name for f in fields if f.required),
        "unique_field": unique[0] if unique else None,
        "sort_key": sortable[0] if sortable else None,
        "search_field": next((n for n in resource.search if n in text_fields), None),
        "parents": _parents(fields),
        "needed_by": _needed_by(resource, models),
        "cycles": tuple(
            (f.name, f.column.values) for f in fields if f.column is not None and f.column.type == "enum" and f.column.unique and _sample(f)
        ),
        "row_room": min(
            (
                n
                for n in (
                    *(room(f.column) for f in fields if f.column is not None and _sample(f)),
                    *(factory_room(models[cls], models) for _, cls, _, _ in _parents(fields)),
                    factory_room(model, models),  # the paging test makes its rows with the factory
                )
                if n
            ),
            default=None,
        ),
    }


@dataclass(frozen=True)
class ResourceView(TypedView):
    """A resource's package files and its pages."""

    r: ResourceCtx
    crud_imports: tuple[str, ...]


@dataclass(frozen=True)
class TestedResource:
    """A resource's entry in the tests' table of resources."""

    r: ResourceCtx
    signed_in: tuple[str, str] | None  # (identity column, value) when the tests' user is a row here
    access: tuple[tuple[str, tuple[str, ...]], ...]  # ("pages by user", answers): the matrix by row
    actions: str  # the actions the matrix's rows answer, in order

    @property
    def json_refused(self) -> tuple[tuple[str, str, str, bool], ...]:
        """The values a column cannot store that only JSON sends (0 for a boolean)."""
        return tuple(case for case in self.r.refused_values if not case[3])


@dataclass(frozen=True)
class TestsHas:
    """Which of the resource tests some resource needs (the others are left out)."""

    pages: bool
    api: bool
    login: bool  # some resource's tests log in
    roles: bool  # ... holding roles
    owner: bool  # some resource's rows have an owner
    signed_in: bool  # some resource's table holds the logged-in user
    codes: bool  # some sample is a short code
    decimal: bool
    uuid: bool
    required: bool
    parents: bool
    unique: bool
    sort: bool
    label_sorts: bool
    few_pickers: bool
    many_pickers: bool
    login_only_pickers: bool
    needed_by: bool
    form_refused: bool
    api_refused: bool
    login_required: bool
    filters: bool
    filter_cases: bool
    relation_filters: bool
    combined: bool
    export: bool
    access: bool
    nav: bool
    tokens: bool


@dataclass(frozen=True)
class ResourceTestsView(TypedView):
    """tests/test_resources.py: every resource's tests, parametrised over a table of them."""

    project: Project
    tables: tuple[TestedResource, ...]
    has: TestsHas
    factories: tuple[str, ...]  # what the tests take from factories.py
    models: tuple[str, ...]
    url_imports: tuple[str, ...]
    auth_model: str
    login_path: str


@dataclass(frozen=True)
class CrudView(TypedView):
    """<package>/crud.py."""

    has_api: bool
    picker_limit: int
    login: bool  # the app has auth: pickers may need a logged-in visitor


@dataclass(frozen=True)
class ApiView(TypedView):
    """<package>/api.py: the JSON API's registration."""

    project: Project
    api_resources: list[ResourceCtx]
    api_prefixes: tuple[str, ...]  # URL prefixes whose errors are JSON
    tokens: bool = False  # auth.tokens: the document declares the bearer scheme


def api_prefixes(spec: ProjectSpec) -> tuple[str, ...]:
    """The URL prefixes of the JSON API: /api/ and each resource's own api_prefix."""
    return tuple(sorted({"/api/", *(r.api_prefix.rstrip("/") + "/" for r in spec.resources if r.api)}))


def _matrix_rows(r: ResourceCtx) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The permission matrix by (channel, visitor): each one's answer to every action, in order."""
    rows: dict[str, list[str]] = {}
    for channel, _, visitor, answer in r.access_cells:
        rows.setdefault(f"{channel} by {visitor}", []).append(answer)
    return tuple((row, tuple(answers)) for row, answers in rows.items())


def _matrix_actions(r: ResourceCtx) -> str:
    """The actions of a matrix row, in order, for the table's comment."""
    channels = {channel for channel, _, _, _ in r.access_cells}
    export = ("export (the pages only)" if "api" in channels else "export",) if "pages" in channels and r.export else ()
    return ", ".join(("list", *export, *MATRIX_ACTIONS[1:]))


def _tests_has(rs: list[ResourceCtx], spec: ProjectSpec, signed: list[tuple[str, str] | None]) -> TestsHas:
    pages = [r for r in rs if r.resource.html]
    return TestsHas(
        pages=bool(pages),
        api=any(r.resource.api for r in rs),
        login=any(r.tester_login or r.login_only_pickers for r in rs),
        roles=any(r.roles for r in rs),
        owner=any(r.owner_column for r in rs),
        signed_in=any(signed),
        codes=any(r.short_samples for r in rs),
        decimal=any(r.uses_decimal for r in rs),
        uuid=any(r.uuid_key for r in rs),  # every resource's entry names a missing key
        required=any(r.required_fields for r in pages),
        parents=any(r.parents for r in pages),
        unique=any(r.unique_field for r in pages),
        sort=any(r.sort_key for r in pages),
        label_sorts=any(r.label_sorts for r in rs),
        few_pickers=any(r.pickers and r.pickers[0].few for r in pages),
        many_pickers=any(r.pickers and not r.pickers[0].few for r in pages),
        login_only_pickers=any(r.login_only_pickers for r in rs),
        needed_by=any(r.needed_by for r in pages),
        form_refused=any(r.form_refused_values for r in pages),
        api_refused=any(r.refused_values for r in rs if r.resource.api),
        login_required=any(r.resource.login_required for r in rs),
        filters=any(r.filters for r in rs),
        filter_cases=any(r.filter_cases for r in rs),
        relation_filters=any(r.relation_filters for r in rs),
        combined=any(r.combined_test for r in rs),
        export=any(r.export_test for r in rs),
        access=any(r.access_cells for r in rs),
        nav=any(r.access_cells for r in pages),
        tokens=bool(spec.auth and spec.auth.tokens) and any(r.access_cells for r in rs),
    )


def _tests_view(spec: ProjectSpec, rs: list[ResourceCtx]) -> ResourceTestsView:
    signed = [_signed_in_row(spec, r) for r in rs]
    has = _tests_has(rs, spec, signed)
    factories: set[str] = set()
    for r in rs:
        factories |= {f"{r.cls}Factory"} | {f for _, _, f, _ in r.parents} | {f for _, f, _ in r.needed_by} | {s.factory for s in r.label_sorts}
        factories |= {p.factory for p in (*r.pickers[:1], *r.login_only_pickers)} | {f.factory for f in r.relation_filters}
        factories |= {r.owner_factory} if r.owner_factory else set()
    names = {f.split(".")[0] for f in factories} | ({"code", "letter"} if has.codes else set())
    auth_model = spec.auth.model if spec.auth else ""
    models = {r.cls for r in rs} | ({auth_model} if has.access else set())
    url_imports = ({"parse_qs", "urlsplit"} if has.combined else set()) | ({"quote", "unquote"} if has.access else set())
    tables = tuple(TestedResource(r, s, _matrix_rows(r), _matrix_actions(r)) for r, s in zip(rs, signed, strict=True))
    login_path = rs[0].login_path
    return ResourceTestsView(spec.project, tables, has, tuple(sorted(names)), tuple(sorted(models)), tuple(sorted(url_imports)), auth_model, login_path)


def _signed_in_row(spec: ProjectSpec, r: ResourceCtx) -> tuple[str, str] | None:
    """(identity column, value) of the user the tests log in as, when that user is a row
    of this resource's own table (the tests then leave that row out of their counts)."""
    if spec.auth is None or not r.tester_login or spec.auth.model != r.cls:
        return None
    from flaskgen.core.plan.auth import auth_ctx

    return spec.auth.identity, auth_ctx(spec).test_identity


def contribute(spec: ProjectSpec) -> Contribution:
    """Files and set-up for ``resources``."""
    out = Contribution()
    if not spec.resources:
        return out
    pkg = spec.project.package
    ctxs = [resource_ctx(spec, r) for r in spec.resources]
    api_resources = [c for c in ctxs if c.resource.api]
    out.dependencies += DEPENDENCIES
    out.files.append(PlannedFile(f"{pkg}/crud.py", "project/package/crud.py.jinja", CrudView(bool(api_resources), PICKER_LIMIT, spec.auth is not None), python=True))
    if api_resources:
        out.files.append(PlannedFile(f"{pkg}/api.py", "project/package/api.py.jinja", ApiView(spec.project, api_resources, api_prefixes(spec), bool(spec.auth and spec.auth.tokens)), python=True))
        out.files.append(PlannedFile(f"{pkg}/templates/api/docs.html", "project/package/templates/api/docs.html.jinja", NoNames()))
        out.files.append(PlannedFile(f"{pkg}/static/api-docs.js", "project/package/static/api-docs.js.jinja", NoNames()))
        out.files.append(PlannedFile("tests/test_api_docs.py", "project/tests/test_api_docs.py.jinja", NoNames(), python=True))
        out.app_imports.append("from .api import register_api")
        out.setup.append((Phase.API, "register_api(app)"))
    if any(c.resource.html for c in ctxs):
        out.files += _page_helper_files(spec)
        out.app_imports.append("from .display import register_display")
        out.setup.append((Phase.TEMPLATING, "register_display(app)"))
    for c in ctxs:
        out.files += _resource_files(pkg, c, spec)
        if c.resource.html:
            out.app_imports.append(f"from .{c.resource.key} import bp as {c.resource.key}_bp")
            out.setup.append((Phase.BLUEPRINTS, f"app.register_blueprint({c.resource.key}_bp)"))
    out.files.append(PlannedFile("tests/test_resources.py", "project/tests/test_resources.py.jinja", _tests_view(spec, ctxs), python=True))
    return out


@dataclass(frozen=True)
class DisplayView(TypedView):
    """<package>/display.py and its tests: how pages show values."""

    project: Project
    enum_titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # ("Model.column", ((value, title), ...))


def _page_helper_files(spec: ProjectSpec) -> list[PlannedFile]:
    """What every resource's pages share: the display filters, the list helper and the list macros."""
    pkg = spec.project.package
    titles = tuple((f"{m.name}.{c.name}", c.titles) for m in spec.models for c in m.columns if c.type == "enum")
    display = DisplayView(spec.project, titles)
    return [
        PlannedFile(f"{pkg}/display.py", "project/package/display.py.jinja", display, python=True),
        PlannedFile(f"{pkg}/listing.py", "project/package/listing.py.jinja", NoNames(), python=True),
        PlannedFile(f"{pkg}/templates/_list.html", "project/package/templates/_list.html.jinja", NoNames()),
        PlannedFile("tests/test_display.py", "project/tests/test_display.py.jinja", display, python=True),
    ]


def _resource_files(pkg: str, c: ResourceCtx, spec: ProjectSpec) -> list[PlannedFile]:
    key = c.resource.key
    ctx = ResourceView(c, c.crud_imports)
    code = [("__init__.py", True), ("listing.py", True), ("forms.py", c.resource.html), ("views.py", c.resource.html)]
    code += [("schemas.py", c.resource.api), ("api.py", c.resource.api)]
    files = [
        PlannedFile(f"{pkg}/{key}/{name}", f"project/package/resource/{name}.jinja", ctx, python=True)
        for name, wanted in code
        if wanted
    ]
    if c.resource.html:
        files += [
            PlannedFile(f"{pkg}/templates/{key}/{page}", f"project/package/resource/{page}.jinja", ctx)
            for page in ("index.html", "show.html", "form.html", "delete.html")
        ]
        if c.filters:
            files.append(PlannedFile(f"{pkg}/templates/{c.filters_template}", "project/package/resource/_filters.html.jinja", ctx))
    return files
