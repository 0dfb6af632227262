"""The resources' pages (create, show, edit, delete with the CSRF token, 422 on bad
input, pagination, sort, search, 404s) and their JSON API, and who may do
what.

Each test runs once per resource it applies to: ``RESOURCES`` says what the tests need
to know of each one, and the test ids name it (``test_missing_row_is_404[books]``).
"""

from __future__ import annotations

import contextvars
import csv
import datetime
import html
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from weakref import WeakKeyDictionary

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ColumnElement, func, select
from werkzeug.test import TestResponse

from bookshop import crud
from bookshop.auth.tokens import issue_token
from bookshop.auth.users import grant_role
from bookshop.extensions import db
from bookshop.factories import AuthorFactory, BookFactory, TagFactory
from bookshop.models import Author, Book, Staff, Tag


@dataclass(frozen=True)
class Picker:
    """A select of related rows on a resource's form."""

    field: str
    factory: Callable[..., Any]  # makes the rows it offers
    key: str  # the attribute its options' values hold
    label: str  # the attribute whose text the search finds
    room: int = 0  # the rows the factory tells apart, when fewer than the picker lists
    # A label the searched row gets, where the factory may leave it empty.
    label_value: Any = None
    text: str = ""  # the text to search for, where str() of the label is not its text


@dataclass(frozen=True)
class Resource:
    """A resource of the spec, as its tests see it."""

    key: str  # the blueprint's name: its endpoints are "<key>.show", ...
    model: type[Any]
    factory: Callable[..., Any]  # builds a row without saving it
    pk: str
    missing: Any  # a key no row of the tests has
    title: str = ""
    pages: str = ""  # the pages' URL ("" without pages)
    api: str = ""  # the API's URL ("" without an API)
    per_page: int = 20
    # The key is a form field (it names the row; updates never change it).
    pk_writable: bool = False
    login: bool = False  # the tests log in: some rule or picker needs it
    roles: tuple[str, ...] = ()  # ... holding these roles
    # Leaves out the logged-in user's row, when it is one of these.
    others: ColumnElement[bool] | None = None
    # Each field's sample: (in the form, in the API's JSON), templates for ``sample``.
    samples: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Unique enums: the values their samples take in turn.
    cycles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The required pickers: (the factory of the rows each one lists, their key).
    parents: dict[str, tuple[Callable[..., Any], str]] = field(default_factory=dict)
    required: tuple[str, ...] = ()  # the form's required fields
    unique: str = ""  # a unique text field
    page_rows: tuple[int, ...] = (1, 1)  # rows the paging test adds before each load
    sort: str = ""  # a list column the tests sort by
    sort_rows: int = 3
    search: str = ""  # a searched text column
    # Columns that name another row, sorted by its label: (the factory of those rows, their label).
    label_sorts: dict[str, tuple[Callable[..., Any], str]] = field(default_factory=dict)
    picker: Picker | None = None
    # Pickers of rows whose own pages need a login: the factory of the rows each one lists.
    login_only_pickers: dict[str, Callable[..., Any]] = field(default_factory=dict)
    anonymous_form: bool = True  # anyone may fill in the form
    # Rows that point at one of these and keep it from being deleted: (their factory, the relationship).
    needed_by: dict[str, tuple[Callable[..., Any], str]] = field(default_factory=dict)
    # Values a column cannot store: (field, value); and those only JSON can send.
    refused: dict[str, tuple[str, object]] = field(default_factory=dict)
    json_refused: dict[str, tuple[str, object]] = field(default_factory=dict)
    json_keys: tuple[str, ...] = ()
    varying: bool = True  # two samples of a row differ: a PUT changes the row
    json_required: bool = False  # the API refuses an empty body
    api_batch: int = 5
    login_required: bool = False
    # The filters' cases: (column, the wanted row's value, the other row's value, query).
    filter_cases: dict[str, tuple[str, Any, Any, dict[str, str]]] = field(
        default_factory=dict
    )
    # Filters by another row: (the factory of the rows it offers, the query argument, their key).
    relation_filters: dict[str, tuple[Callable[..., Any], str, str]] = field(
        default_factory=dict
    )
    bad_filter: str = ""  # a filter's argument, for a value that does not parse
    combo_case: str = ""  # the filter case, or ...
    combo_row: str = ""  # ... the filter by a row, that the combined tests apply
    owner: str = ""  # the relationship to the user who made a row
    # Another user: the list tests add a row of theirs.
    owner_factory: Callable[..., Any] | None = None
    combined: bool = False  # filters, search, sort and pages are tested together
    export: bool = False  # ... and the CSV export
    csv_headers: tuple[str, ...] = ()
    search_index: int = 0  # the searched column's place among the export's cells
    self_owned: bool = False  # a row of the users' own table: each is its own owner
    exports: bool = False  # the pages offer a CSV export
    # The permission matrix: each channel and visitor's answers to the actions.
    access: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether the layout links the list, by visitor.
    nav: dict[str, bool] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.key


RESOURCES = (
    Resource(
        key="authors",
        model=Author,
        factory=AuthorFactory.build,
        pk="id",
        missing=0,
        title="Author",
        pages="/authors/",
        api="/api/authors/",
        login=True,
        samples={
            "name": ("name{n}", '"name{n}"'),
            "email": ("user{n}@example.com", '"user{n}@example.com"'),
            "bio": ("bio{n}", '"bio{n}"'),
            "born": ("{day}", '"{day}"'),
        },
        required=("name", "email"),
        unique="email",
        page_rows=(2, 18, 1),
        sort="name",
        search="name",
        needed_by={
            "Book": (BookFactory.build, "author"),
        },
        refused={
            "name with a NUL": ("name", "a\x00b"),
            "email with a NUL": ("email", "a\x00b"),
            "bio with a NUL": ("bio", "a\x00b"),
        },
        json_keys=("id", "name", "email", "bio", "born"),
        json_required=True,
        login_required=True,
        access={  # list, read, create, update, delete
            "pages by anonymous": ("login", "login", "login", "login", "login"),
            "pages by user": ("200", "200", "done", "done", "done"),
            "api by anonymous": ("401", "401", "401", "401", "401"),
            "api by user": ("200", "200", "201", "200", "204"),
        },
        nav={"anonymous": False, "user": True},
    ),
    Resource(
        key="books",
        model=Book,
        factory=BookFactory.build,
        pk="id",
        missing=0,
        title="Book",
        pages="/books/",
        api="/api/books/",
        login=True,
        roles=("admin", "staff"),
        samples={
            "title": ("title{n}", '"title{n}"'),
            "isbn": ("isbn{n}", '"isbn{n}"'),
            "author_id": ("{parent}", "{parent}"),
            "format": ("ebook", '"ebook"'),
            "pages": ("{n}", "{n}"),
            "price": ("{n}.25", '"{n}.25"'),
            "in_stock": ("y", "true"),
            "published_at": ("{day}T10:30", '"{day}T10:30:00"'),
        },
        parents={
            "author_id": (AuthorFactory.build, "id"),
        },
        required=("title", "isbn", "author_id", "format"),
        unique="isbn",
        page_rows=(2, 18, 1),
        sort="title",
        search="title",
        label_sorts={
            "author": (AuthorFactory.build, "name"),
        },
        picker=Picker("author_id", AuthorFactory.build, "id", "name"),
        login_only_pickers={
            "author_id": AuthorFactory.build,
            "tags_ids": TagFactory.build,
        },
        anonymous_form=False,
        refused={
            "title with a NUL": ("title", "a\x00b"),
            "isbn with a NUL": ("isbn", "a\x00b"),
            "pages past its range": ("pages", 2147483648),
            "price past its digits": ("price", 1000000),
        },
        json_refused={
            "in_stock as 0": ("in_stock", 0),
        },
        json_keys=(
            "id",
            "title",
            "isbn",
            "format",
            "pages",
            "price",
            "in_stock",
            "published_at",
            "created_at",
            "author_id",
        ),
        json_required=True,
        filter_cases={
            "format": ("format", "hardcover", "ebook", {"format": "hardcover"}),
            "in_stock yes": ("in_stock", True, False, {"in_stock": "yes"}),
            "in_stock no": ("in_stock", False, True, {"in_stock": "no"}),
            "price from": ("price", Decimal("9"), Decimal("1"), {"price_from": "5"}),
            "price to": ("price", Decimal("1"), Decimal("9"), {"price_to": "5"}),
            "published_at from": (
                "published_at",
                datetime.datetime(2024, 3, 1, 10, 30),
                datetime.datetime(2024, 1, 1, 10, 30),
                {"published_at_from": "2024-02-01T00:00"},
            ),
            "published_at to": (
                "published_at",
                datetime.datetime(2024, 1, 1, 10, 30),
                datetime.datetime(2024, 3, 1, 10, 30),
                {"published_at_to": "2024-02-01T00:00"},
            ),
        },
        relation_filters={
            "author": (AuthorFactory.build, "author", "id"),
        },
        bad_filter="author",
        combo_case="format",
        combined=True,
        export=True,
        csv_headers=("Title", "Author", "Format", "Price", "In stock"),
        search_index=0,
        exports=True,
        access={  # list, export (the pages only), read, create, update, delete
            "pages by anonymous": ("200", "200", "200", "login", "login", "login"),
            "pages by user": ("200", "200", "200", "403", "403", "403"),
            "pages by admin": ("200", "200", "200", "done", "done", "done"),
            "pages by staff": ("200", "200", "200", "done", "done", "403"),
            "api by anonymous": ("200", "200", "401", "401", "401"),
            "api by user": ("200", "200", "403", "403", "403"),
            "api by admin": ("200", "200", "201", "200", "204"),
            "api by staff": ("200", "200", "201", "200", "403"),
        },
        nav={"anonymous": True, "user": True, "admin": True, "staff": True},
    ),
    Resource(
        key="tags",
        model=Tag,
        factory=TagFactory.build,
        pk="id",
        missing=0,
        title="Tag",
        pages="/tags/",
        api="/api/tags/",
        login=True,
        samples={
            "name": ("name{n}", '"name{n}"'),
        },
        required=("name",),
        unique="name",
        page_rows=(2, 18, 1),
        sort="name",
        picker=Picker("books_ids", BookFactory.build, "id", "title"),
        refused={
            "name with a NUL": ("name", "a\x00b"),
        },
        json_keys=("id", "name"),
        json_required=True,
        login_required=True,
        access={  # list, read, create, update, delete
            "pages by anonymous": ("login", "login", "login", "login", "login"),
            "pages by user": ("200", "200", "done", "done", "done"),
            "api by anonymous": ("401", "401", "401", "401", "401"),
            "api by user": ("200", "200", "201", "200", "204"),
        },
        nav={"anonymous": False, "user": True},
    ),
)

_numbers = itertools.count(1000)  # the ``n`` of new rows' samples


def resources(wanted: Callable[[Resource], object]) -> list[Any]:
    """The resources a test applies to, as its parameters."""
    return [pytest.param(r, id=r.key) for r in RESOURCES if wanted(r)]


def cases(table: Callable[[Resource], Any], spread: bool = True) -> list[Any]:
    """``(resource, name, *case)`` for each case of each resource's ``table`` (a case
    that is a tuple is spread into its values, unless ``spread`` is false)."""
    out = []
    for r in RESOURCES:
        for name, case in dict(table(r)).items():
            values = case if spread and isinstance(case, tuple) else (case,)
            out.append(pytest.param(r, name, *values, id=f"{r.key}-{name}"))
    return out


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The shared testing app with CSRF protection on, as in production: every POST
    of these tests sends the token the way a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture()
def visitor(r: Resource, request: pytest.FixtureRequest) -> Staff | None:
    """The user the tests of ``r`` log in as, holding the roles its rules name (None: they
    need no login). Where ``r``'s table holds the users, it is conftest's ``user``: the
    row ``r.others`` leaves out."""
    if not r.login:
        return None
    if r.others is None:
        made: Staff = request.getfixturevalue("make_user")(*r.roles)
        return made
    user: Staff = request.getfixturevalue("user")
    for role in r.roles:
        grant_role(user, role)
    db.session.commit()
    return user


@pytest.fixture()
def client(
    app: Flask, visitor: Staff | None, request: pytest.FixtureRequest
) -> FlaskClient:
    """A visitor of the resource: logged in where its rules ask."""
    if visitor is not None:
        signed_in: FlaskClient = request.getfixturevalue("login_as")(visitor)
        return signed_in
    return app.test_client()


@pytest.fixture()
def mine() -> dict[str, Any]:
    """What makes a new row the logged-in user's, where the resource's rows have an owner."""
    return {}


def count(r: Resource) -> int:
    """How many rows the tests made (the logged-in user's own row left out)."""
    statement = select(func.count()).select_from(r.model)
    if r.others is not None:
        statement = statement.where(r.others)
    return db.session.scalar(statement) or 0


def save(*rows: Any) -> None:
    db.session.add_all(rows)
    db.session.commit()


def parent_rows(r: Resource) -> dict[str, Any]:
    """Saved rows that a new row of ``r`` must point at, by field."""
    rows = {name: factory() for name, (factory, _) in r.parents.items()}
    save(*rows.values())
    return rows


def sample(r: Resource, template: str, n: int, parent: Any = None) -> str:
    """A field's sample value from its template: ``{n}`` a number unique per row,
    ``{d}`` a digit, ``{m[2]}`` n's last two digits, ``{day}`` and ``{clock}`` a date and a
    time of day unique per row (for a day's 1440 rows), ``{uuid}`` a UUID, ``{e[name]}`` a
    unique enum's value, ``{parent}`` the key of the row it points at."""
    return template.format(
        n=n,
        d=n % 9 + 1,
        m=[n % 10**digits for digits in range(5)],
        day=(datetime.date(2024, 1, 1) + datetime.timedelta(days=n)).isoformat(),
        clock=f"{n // 60 % 24:02d}:{n % 60:02d}",
        uuid=f"00000000-0000-4000-8000-{n:012d}",
        e={name: values[n % len(values)] for name, values in r.cycles.items()},
        parent=parent,
    )


def parent_keys(r: Resource) -> dict[str, Any]:
    """The keys of new saved rows that a new row of ``r`` must point at, by field."""
    return {
        name: getattr(row, r.parents[name][1]) for name, row in parent_rows(r).items()
    }


def form_data(
    r: Resource, keys: dict[str, Any] | None = None, /, **changes: str
) -> dict[str, str]:
    """A valid form for a new row of ``r``, pointing at the rows of ``keys`` (new saved
    rows by default) where it must; ``changes`` override fields."""
    n, keys = next(_numbers), parent_keys(r) if keys is None else keys
    data = {
        name: sample(r, form, n, keys.get(name))
        for name, (form, _) in r.samples.items()
    }
    return data | changes


def json_body(
    r: Resource, keys: dict[str, Any] | None = None, /, **changes: Any
) -> dict[str, Any]:
    """A valid API body for a new row of ``r`` (``keys`` as for ``form_data``);
    ``changes`` override fields."""
    n, keys = next(_numbers), parent_keys(r) if keys is None else keys
    body = {
        name: json.loads(sample(r, value, n, keys.get(name)))
        for name, (_, value) in r.samples.items()
    }
    return body | changes


# Each client's CSRF token: its session keeps one for all its forms.
_tokens: WeakKeyDictionary[FlaskClient, str] = WeakKeyDictionary()


def csrf_token(client: FlaskClient, r: Resource) -> str:
    """The token a browser would send: read from a form page (once per client), as a
    person's browser does."""
    if client not in _tokens:
        page = client.get(r.pages + "new").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, "the form page carries a CSRF token"
        _tokens[client] = match.group(1)
    return _tokens[client]


def url_of(client: FlaskClient, endpoint: str, **values: Any) -> str:
    """The URL of ``endpoint`` as the app writes it (url_for quotes the values)."""
    with client.application.test_request_context():
        return url_for(endpoint, **values)


def show_url(client: FlaskClient, r: Resource, row: Any) -> str:
    """The URL of ``row``'s page."""
    return url_of(client, f"{r.key}.show", **{r.pk: getattr(row, r.pk)})


def create(client: FlaskClient, r: Resource, **changes: str) -> Any:
    data = form_data(r, **changes)
    data["csrf_token"] = csrf_token(client, r)
    return client.post(r.pages, data=data)


def select_html(page: str, field: str) -> str:
    """The ``<select>`` of ``field`` on ``page``."""
    found = re.search(rf'<select[^>]*id="{field}".*?</select>', page, re.S)
    assert found is not None, f"the page has a {field} select"
    return found.group(0)


@pytest.mark.parametrize("r", resources(lambda r: r.pages))
def test_html_roundtrip(client: FlaskClient, database: SQLAlchemy, r: Resource) -> None:
    assert client.get(r.pages).status_code == 200
    created = create(client, r)
    assert created.status_code == 302
    show = client.get(created.headers["Location"])
    assert show.status_code == 200
    page = show.get_data(as_text=True)
    assert f"{r.title} created." in page  # the flashed message
    assert "/edit" in page and "/delete" in page
    statement = select(r.model) if r.others is None else select(r.model).where(r.others)
    key = getattr(db.session.scalars(statement).one(), r.pk)
    edit_url = f"{r.pages}{key}/edit"
    assert client.get(edit_url).status_code == 200
    data = form_data(r)
    if r.pk_writable:
        data["csrf_token"] = csrf_token(client, r)
        refused = client.post(edit_url, data=data)
        assert refused.status_code == 422 and "cannot change" in refused.get_data(
            as_text=True
        )
        data = form_data(r, **{r.pk: str(key)})
    data["csrf_token"] = csrf_token(client, r)
    assert client.post(edit_url, data=data).status_code == 302
    delete_url = f"{r.pages}{key}/delete"
    confirm = client.get(
        delete_url
    )  # the show page's Delete asks first, without a script
    assert confirm.status_code == 200
    assert re.search(
        r'<form method="post" action="[^"]*/delete"[^>]*confirm-delete',
        confirm.get_data(as_text=True),
    )
    assert count(r) == 1  # asking deleted nothing
    deleted = client.post(delete_url, data={"csrf_token": csrf_token(client, r)})
    assert deleted.status_code == 302
    assert count(r) == 0


@pytest.mark.parametrize("r", resources(lambda r: r.pages))
def test_post_without_csrf_token_is_refused(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    assert client.post(r.pages, data=form_data(r)).status_code == 400
    assert count(r) == 0


@pytest.mark.parametrize("r", resources(lambda r: r.required))
def test_an_empty_form_marks_every_required_field_and_saves_nothing(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    response = client.post(r.pages, data={"csrf_token": csrf_token(client, r)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for name in r.required:
        control = re.search(
            rf'<(?:input|select|textarea)[^>]*\bid="{name}"[^>]*>', page
        )
        assert control is not None, name
        assert 'aria-invalid="true"' in control.group(
            0
        ) and "is-invalid" in control.group(0), name
        assert f"{name}-errors" in control.group(
            0
        )  # aria-describedby: the errors belong to it
        assert f'id="{name}-errors" class="invalid-feedback"' in page
    assert count(r) == 0


@pytest.mark.parametrize(
    ("r", "field", "factory", "key"), cases(lambda r: r.parents if r.pages else {})
)
def test_a_required_select_starts_on_an_empty_choice(
    client: FlaskClient,
    database: SQLAlchemy,
    r: Resource,
    field: str,
    factory: Callable[[], Any],
    key: str,
) -> None:
    """It never preselects a row: a forgotten choice fails validation instead of saving the first one."""
    save(factory())
    options = select_html(client.get(r.pages + "new").get_data(as_text=True), field)
    first = re.search(r"<option[^>]*>([^<]*)</option>", options)
    assert first is not None and first.group(1) == "Choose …"
    assert 'value=""' in first.group(0) and "selected" in first.group(0)


@pytest.mark.parametrize("r", resources(lambda r: r.pages and r.unique))
def test_a_unique_value_taken_is_a_field_error(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    taken = sample(r, r.samples[r.unique][0], next(_numbers))
    assert create(client, r, **{r.unique: taken}).status_code == 302
    response = create(client, r, **{r.unique: taken})
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert count(r) == 1


@pytest.mark.parametrize("r", resources(lambda r: r.pages))
def test_missing_row_is_404(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    for page in ("show", "edit", "confirm_delete"):
        missing = client.get(url_of(client, f"{r.key}.{page}", **{r.pk: r.missing}))
        assert (
            missing.status_code == 404 and not missing.is_json
        )  # the API's JSON errors stay in the API
    delete = url_of(client, f"{r.key}.delete", **{r.pk: r.missing})
    assert (
        client.post(delete, data={"csrf_token": csrf_token(client, r)}).status_code
        == 404
    )


@pytest.mark.parametrize("r", resources(lambda r: r.pages))
def test_index_paginates_with_a_constant_number_of_statements(
    client: FlaskClient, statements: list[str], mine: dict[str, Any], r: Resource
) -> None:
    assert (
        client.get(r.pages).status_code == 200
    )  # a first request looks up the logged-in user
    counts = []
    for rows in (
        r.page_rows
    ):  # a few rows, then a full first page, then a second page (as the samples allow)
        save(*(r.factory(**mine) for _ in range(rows)))
        statements.clear()
        assert client.get(r.pages).status_code == 200
        counts.append(len(statements))
    assert len(set(counts)) == 1, counts
    if sum(r.page_rows) > r.per_page:
        second = client.get(r.pages, query_string={"page": 2})
        assert second.status_code == 200 and 'rel="prev"' in second.get_data(
            as_text=True
        )


@pytest.mark.parametrize("r", resources(lambda r: r.pages and r.sort))
def test_sort_and_search(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    for _ in range(r.sort_rows):
        assert create(client, r).status_code == 302
    rows = db.session.scalars(select(r.model).order_by(getattr(r.model, r.sort))).all()
    # Rows are found by their links, not by text the page may also show elsewhere.
    first, last = (
        show_url(client, r, rows[0]) + '"',
        show_url(client, r, rows[-1]) + '"',
    )
    ascending = client.get(r.pages, query_string={"sort": r.sort}).get_data(
        as_text=True
    )
    descending = client.get(r.pages, query_string={"sort": f"-{r.sort}"}).get_data(
        as_text=True
    )
    if r.per_page >= r.sort_rows:
        assert ascending.index(first) < ascending.index(last)
        assert descending.index(last) < descending.index(first)
    else:  # each order's first page shows its own end
        assert first in ascending and last not in ascending
        assert last in descending and first not in descending
    if r.search:
        found = client.get(
            r.pages, query_string={"q": str(getattr(rows[0], r.search)).upper()}
        )
        text = found.get_data(as_text=True)
        assert first in text and last not in text


@pytest.mark.parametrize(
    ("r", "key", "factory", "label"), cases(lambda r: r.label_sorts)
)
def test_sorting_by_a_row_follows_its_label(
    client: FlaskClient,
    database: SQLAlchemy,
    mine: dict[str, Any],
    r: Resource,
    key: str,
    factory: Callable[..., Any],
    label: str,
) -> None:
    later, earlier = factory(**{label: "zz-sort"}), factory(**{label: "aa-sort"})
    rows = [r.factory(**{key: named}, **mine) for named in (later, earlier)]
    save(*rows)  # "zz-sort" has the smaller id: sorting by the key would put it first
    links = [show_url(client, r, row) + '"' for row in rows]
    ascending = client.get(r.pages, query_string={"sort": key}).get_data(as_text=True)
    descending = client.get(r.pages, query_string={"sort": f"-{key}"}).get_data(
        as_text=True
    )
    assert ascending.index(links[1]) < ascending.index(links[0])
    assert descending.index(links[0]) < descending.index(links[1])


@pytest.mark.parametrize("r", resources(lambda r: r.picker and not r.picker.room))
def test_a_picker_loads_at_most_the_limit_and_searches_beyond(
    client: FlaskClient,
    database: SQLAlchemy,
    monkeypatch: pytest.MonkeyPatch,
    r: Resource,
) -> None:
    monkeypatch.setattr(crud, "PICKER_LIMIT", 5)  # as for a larger table, on a few rows
    picker = r.picker
    assert picker is not None
    rows = [picker.factory() for _ in range(crud.PICKER_LIMIT + 1)]
    last = rows[-1]
    if (
        picker.label_value is not None
    ):  # the label may be empty or alike in all rows; this row's is its own
        setattr(last, picker.label, picker.label_value)
    save(*rows)
    page = client.get(r.pages + "new").get_data(as_text=True)
    assert select_html(page, picker.field).count("<option") <= crud.PICKER_LIMIT + 1
    assert f'data-target="{picker.field}"' in page  # the search box
    found = client.get(
        f"{r.pages}options/{picker.field}",
        query_string={"q": picker.text or str(getattr(last, picker.label))},
    )
    assert found.status_code == 200
    assert getattr(last, picker.key) in [row["id"] for row in found.json or []]
    assert client.get(f"{r.pages}options/nope").status_code == 404


@pytest.mark.parametrize(
    ("r", "field", "factory"), cases(lambda r: r.login_only_pickers)
)
def test_a_picker_shows_no_row_to_anonymous_visitors(
    app: Flask,
    database: SQLAlchemy,
    r: Resource,
    field: str,
    factory: Callable[[], Any],
) -> None:
    """Its rows' own pages need a login: so does the picker, whatever page it sits on."""
    save(factory())
    anonymous = app.test_client()
    searched = anonymous.get(f"{r.pages}options/{field}")
    if not r.anonymous_form:
        assert (
            searched.status_code == 302
        )  # only the form's own visitors search: anonymous ones log in first
        return
    assert searched.status_code == 401
    options = select_html(anonymous.get(r.pages + "new").get_data(as_text=True), field)
    assert options.count('<option value=""') == options.count("<option")


@pytest.mark.parametrize(
    ("r", "child", "factory", "parent"), cases(lambda r: r.needed_by)
)
def test_a_row_still_needed_is_not_deleted(
    client: FlaskClient,
    database: SQLAlchemy,
    r: Resource,
    child: str,
    factory: Callable[[], Any],
    parent: str,
) -> None:
    made = factory()
    save(made)
    needed = getattr(made, parent)
    key = getattr(needed, r.pk)
    response = client.post(
        url_of(client, f"{r.key}.delete", **{r.pk: key}),
        data={"csrf_token": csrf_token(client, r)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        show_url(client, r, needed)
    )
    assert db.session.get(r.model, key) is not None


@pytest.mark.parametrize(
    ("r", "case", "field", "value"), cases(lambda r: r.refused if r.pages else {})
)
def test_the_form_refuses_what_its_column_cannot_store(
    client: FlaskClient,
    database: SQLAlchemy,
    r: Resource,
    case: str,
    field: str,
    value: object,
) -> None:
    response = create(client, r, **{field: str(value)})
    assert response.status_code == 422
    assert count(r) == 0


@pytest.mark.parametrize("r", resources(lambda r: r.api))
def test_api_roundtrip(client: FlaskClient, database: SQLAlchemy, r: Resource) -> None:
    created = client.post(r.api, json=json_body(r))
    assert created.status_code == 201, created.json
    item = created.json
    assert item is not None and set(item) >= set(r.json_keys)
    url = f"{r.api}{item[r.pk]}"
    read = client.get(url)
    assert read.status_code == 200 and read.headers["ETag"]
    etag = read.headers["ETag"]
    assert client.patch(url, json={}, headers={"If-Match": etag}).status_code == 200
    if r.pk_writable:
        changed_key = client.put(url, json=json_body(r))
        assert changed_key.status_code == 422 and r.pk in changed_key.get_data(
            as_text=True
        )
    same_key = {r.pk: item[r.pk]} if r.pk_writable else {}
    assert (
        client.put(url, json=json_body(r, **same_key)).status_code == 200
    )  # no If-Match: accepted
    # A PUT that changed the row makes the ETag read before it stale; where every body
    # is the same, the row and its ETag are too.
    assert client.patch(url, json={}, headers={"If-Match": etag}).status_code == (
        412 if r.varying else 200
    )
    listed = client.get(r.api, query_string={"page_size": 1})
    assert listed.status_code == 200 and len(listed.json or []) == 1
    own = 0 if r.others is None else 1  # the logged-in user's row
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1 + own
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(url).is_json


@pytest.mark.parametrize("r", resources(lambda r: r.api))
def test_api_list_runs_a_constant_number_of_statements(
    client: FlaskClient, statements: list[str], mine: dict[str, Any], r: Resource
) -> None:
    assert (
        client.get(r.api).status_code == 200
    )  # a first request looks up the logged-in user
    counts = []
    for _ in range(2):
        save(*(r.factory(**mine) for _ in range(r.api_batch)))
        statements.clear()
        listed = client.get(r.api, query_string={"page_size": 100})
        assert listed.status_code == 200
        counts.append(len(statements))
    own = 0 if r.others is None else 1  # the logged-in user's row
    assert counts[0] == counts[1] and len(listed.json or []) == 2 * r.api_batch + own


@pytest.mark.parametrize("r", resources(lambda r: r.api))
def test_api_errors(client: FlaskClient, database: SQLAlchemy, r: Resource) -> None:
    assert (
        client.post(
            r.api, data="x=1", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    empty = client.post(r.api, json={})
    if r.json_required:
        assert (
            empty.status_code == 422
            and empty.json is not None
            and empty.json["errors"]["json"]
        )
    else:
        assert empty.status_code == 201  # nothing is required
    assert client.get(f"{r.api}0").status_code == 404
    assert client.patch(f"{r.api}0", json={}).status_code == 404
    if r.unique:
        taken = json.loads(sample(r, r.samples[r.unique][1], next(_numbers)))
        assert (
            client.post(r.api, json=json_body(r, **{r.unique: taken})).status_code
            == 201
        )
        assert client.post(
            r.api, json=json_body(r, **{r.unique: taken})
        ).status_code in (409, 422)


@pytest.mark.parametrize(
    ("r", "case", "field", "value"),
    cases(lambda r: r.refused | r.json_refused if r.api else {}),
)
def test_the_api_refuses_what_its_column_cannot_store(
    client: FlaskClient,
    database: SQLAlchemy,
    r: Resource,
    case: str,
    field: str,
    value: object,
) -> None:
    response = client.post(r.api, json=json_body(r, **{field: value}))
    assert response.status_code == 422
    assert response.json is not None and field in response.json["errors"]["json"]
    assert count(r) == 0


@pytest.mark.parametrize("r", resources(lambda r: r.login_required))
def test_anonymous_visitors_are_sent_to_log_in(
    app: Flask, database: SQLAlchemy, r: Resource
) -> None:
    anonymous = app.test_client()
    if r.pages:
        page = anonymous.get(r.pages)
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/auth/login?next=")
    if r.api:
        listed = anonymous.get(r.api)
        assert listed.status_code == 401
        assert listed.is_json


def listed(
    client: FlaskClient, r: Resource, query: dict[str, str], rows: list[Any]
) -> list[bool]:
    """Which of ``rows`` the list page shows for ``query``."""
    page = client.get(r.pages, query_string=query).get_data(as_text=True)
    return [show_url(client, r, row) + '"' in page for row in rows]


def api_listed(
    client: FlaskClient, r: Resource, query: dict[str, str], rows: list[Any]
) -> list[bool]:
    """Which of ``rows`` the API's list gives for ``query``."""
    response = client.get(r.api, query_string={**query, "page_size": "100"})
    assert response.status_code == 200, response.get_json()
    keys = {str(item[r.pk]) for item in response.get_json()}
    return [str(getattr(row, r.pk)) in keys for row in rows]


def check_filter(
    client: FlaskClient, r: Resource, query: dict[str, str], rows: list[Any]
) -> None:
    """The list page and the API give the first of ``rows`` for ``query``, not the second."""
    if r.pages:
        assert listed(client, r, query, rows) == [True, False]
        if r.per_page >= 2:
            assert listed(client, r, {}, rows) == [True, True]
    if r.api:
        assert api_listed(client, r, query, rows) == [True, False]


@pytest.mark.parametrize(
    ("r", "case", "column", "wanted", "other", "query"), cases(lambda r: r.filter_cases)
)
def test_the_list_filters(
    client: FlaskClient,
    database: SQLAlchemy,
    mine: dict[str, Any],
    r: Resource,
    case: str,
    column: str,
    wanted: Any,
    other: Any,
    query: dict[str, str],
) -> None:
    rows = [r.factory(**{column: wanted}, **mine), r.factory(**{column: other}, **mine)]
    save(*rows)
    check_filter(client, r, query, rows)


@pytest.mark.parametrize(
    ("r", "name", "factory", "argument", "key"), cases(lambda r: r.relation_filters)
)
def test_the_list_filters_by_a_row(
    client: FlaskClient,
    database: SQLAlchemy,
    mine: dict[str, Any],
    r: Resource,
    name: str,
    factory: Callable[[], Any],
    argument: str,
    key: str,
) -> None:
    wanted, other = factory(), factory()
    owned = {} if name in mine else mine
    rows = [r.factory(**{name: row}, **owned) for row in (wanted, other)]
    save(wanted, other, *rows)
    check_filter(client, r, {argument: str(getattr(wanted, key))}, rows)


@pytest.mark.parametrize("r", resources(lambda r: r.bad_filter))
def test_a_filter_value_that_does_not_parse(
    client: FlaskClient, database: SQLAlchemy, r: Resource
) -> None:
    bad = {r.bad_filter: "\x00 not a value"}
    if r.pages:
        assert (
            client.get(r.pages, query_string=bad).status_code == 200
        )  # the page leaves it out
    if r.api:
        response = client.get(r.api, query_string=bad)
        assert (
            response.status_code == 422
            and r.bad_filter in response.get_json()["errors"]["query"]
        )


def combined_rows(
    r: Resource, mine: dict[str, Any], prefix: str = ""
) -> tuple[list[Any], dict[str, str]]:
    """A page and one more of rows the filter and search keep (their searched column
    "qz000", "qz001", ...), then one the filter drops, one the search drops and another
    user's; and the query that keeps the first ones."""
    kept: dict[str, Any] = dict(mine)
    dropped: dict[str, Any] = {}
    query: dict[str, str] = {}
    if r.combo_case:
        column, wanted, other, query = r.filter_cases[r.combo_case]
        kept[column], dropped[column] = wanted, other
    elif r.combo_row:
        factory, argument, key = r.relation_filters[r.combo_row]
        kept[r.combo_row], dropped[r.combo_row] = factory(), factory()
        save(kept[r.combo_row], dropped[r.combo_row])
        query = {argument: str(getattr(kept[r.combo_row], key))}
    rows = [
        r.factory(**kept, **{r.search: f"{prefix}qz{i:03d}"})
        for i in range(r.per_page + 1)
    ]
    if dropped:
        rows.append(
            r.factory(**(kept | dropped), **{r.search: f"{prefix}qz-other"})
        )  # the filter drops it
    rows.append(r.factory(**kept))  # the search drops it
    if r.owner_factory is not None:
        rows.append(
            r.factory(
                **(kept | {r.owner: r.owner_factory()}),
                **{r.search: f"{prefix}qz-theirs"},
            )
        )  # another's row
    save(*rows)
    return rows, query


@pytest.mark.parametrize("r", resources(lambda r: r.combined))
def test_filters_search_sort_and_pages_combine(
    client: FlaskClient, database: SQLAlchemy, mine: dict[str, Any], r: Resource
) -> None:
    rows, query = combined_rows(r, mine)
    query = {**query, "q": "QZ", "sort": f"-{r.search}"}
    first = client.get(r.pages, query_string=query).get_data(as_text=True)
    tag = re.search(r'<a\b[^>]*\brel="next"[^>]*>', first)
    assert tag, "a second page"
    href = re.search(r'href="([^"]+)"', tag.group(0))
    assert href
    link = html.unescape(href.group(1))
    assert parse_qs(urlsplit(link).query) == {
        **{k: [v] for k, v in query.items()},
        "page": ["2"],
    }  # every argument kept
    second = client.get(link).get_data(as_text=True)
    wanted = sorted(
        rows[: r.per_page + 1],
        key=lambda row: str(getattr(row, r.search)),
        reverse=True,
    )
    links = [show_url(client, r, row) + '"' for row in wanted]
    places = [first.find(link) for link in links[:-1]]
    assert -1 not in places and places == sorted(places)  # the first page, in order
    assert (
        links[-1] not in first and links[-1] in second
    )  # and the last row on the second
    for row in rows[r.per_page + 1 :]:
        assert show_url(client, r, row) + '"' not in first + second


@pytest.mark.parametrize("r", resources(lambda r: r.export))
def test_the_export_holds_the_filtered_sorted_rows_of_every_page(
    client: FlaskClient,
    database: SQLAlchemy,
    monkeypatch: pytest.MonkeyPatch,
    mine: dict[str, Any],
    r: Resource,
) -> None:
    monkeypatch.setattr(
        crud, "EXPORT_BATCH", 2
    )  # read in batches while it streams, as a large table is
    _, query = combined_rows(
        r, mine, prefix="="
    )  # text a spreadsheet would run as a formula
    query = {**query, "q": "QZ", "sort": f"-{r.search}"}

    def download() -> tuple[Any, bool]:
        response = client.get(r.pages + "export.csv", query_string=query)
        streamed = response.is_streamed
        response.get_data()  # read to its end
        return response, streamed

    # Outside the tests' app context, as a server runs the app: the view's context and its
    # database session end before the first line streams.
    response, streamed = contextvars.Context().run(download)
    assert response.status_code == 200 and response.mimetype == "text/csv" and streamed
    assert response.mimetype_params["charset"] == "utf-8"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(lines[0]) == r.csv_headers  # the list's headings
    cells = [line[r.search_index] for line in lines[1:]]
    assert cells == [
        f"'=qz{i:03d}" for i in reversed(range(r.per_page + 1))
    ]  # every page, sorted, neutralised


# What an allowed action answers ("done": the page redirects after the change); a
# refused one answers "login" (sent to log in), 401, 403, or 404 (not even seen).
ALLOWED = {
    "pages": {
        "list": "200",
        "export": "200",
        "read": "200",
        "create": "done",
        "update": "done",
        "delete": "done",
    },
    "api": {
        "list": "200",
        "read": "200",
        "create": "201",
        "update": "200",
        "delete": "204",
    },
}


def actions(r: Resource, channel: str) -> tuple[str, ...]:
    """The actions of the matrix, in the order of its answers."""
    if channel == "api":
        return ("list", "read", "create", "update", "delete")
    return (
        ("list", "export", "read", "create", "update", "delete")
        if r.exports
        else ("list", "read", "create", "update", "delete")
    )


def someone(name: str, owner: Staff, make_user: Callable[..., Staff]) -> Staff | None:
    """The user behind a visitor of the matrix (None: anonymous)."""
    if name == "anonymous":
        return None
    if name == "owner":
        return owner
    if name in ("user", "other"):
        return make_user()
    return make_user(name)  # a role


@dataclass(frozen=True)
class Visit:
    """How a visitor of the matrix takes actions."""

    client: FlaskClient
    channel: str
    token: str = ""  # the CSRF token the pages send
    headers: dict[str, str] = field(default_factory=dict)  # what the API sends
    keys: dict[str, Any] = field(default_factory=dict)  # the rows new ones point at


def act(visit: Visit, r: Resource, action: str, key: str) -> TestResponse:
    """Take ``action`` on the row of ``key`` as a browser or an API client would (pages
    send the CSRF token their forms carry, the API a bearer token)."""
    client, headers, keys = visit.client, visit.headers, visit.keys
    if visit.channel == "pages":
        if action == "list":
            return client.get(r.pages)
        if action == "export":
            return client.get(r.pages + "export.csv")
        if action == "read":
            return client.get(r.pages + key)
        if action == "create":
            return client.post(r.pages, data=form_data(r, keys, csrf_token=visit.token))
        if action == "update":
            same_key = {r.pk: unquote(key)} if r.pk_writable else {}
            return client.post(
                r.pages + key + "/edit",
                data=form_data(r, keys, csrf_token=visit.token, **same_key),
            )
        return client.post(r.pages + key + "/delete", data={"csrf_token": visit.token})
    if action == "list":
        return client.get(r.api, headers=headers)
    if action == "read":
        return client.get(r.api + key, headers=headers)
    if action == "create":
        return client.post(r.api, json=json_body(r, keys), headers=headers)
    if action == "update":
        return client.patch(r.api + key, json={}, headers=headers)
    return client.delete(r.api + key, headers=headers)


def remove(r: Resource, key: Any) -> None:
    """Delete the row of ``key``, if it is still there."""
    row = db.session.scalars(
        select(r.model).where(getattr(r.model, r.pk) == key)
    ).first()
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def answer(response: TestResponse) -> str:
    if response.status_code == 302:
        return (
            "login"
            if response.headers["Location"].startswith("/auth/login")
            else "done"
        )
    return str(response.status_code)


@pytest.mark.parametrize(
    ("r", "row", "expected"), cases(lambda r: r.access, spread=False)
)
def test_the_rules_answer_each_visitor(
    app: Flask,
    database: SQLAlchemy,
    make_user: Callable[..., Staff],
    login_as: Callable[[Staff], FlaskClient],
    token_for: Callable[[FlaskClient], str],
    r: Resource,
    row: str,
    expected: tuple[str, ...],
) -> None:
    """One row of the matrix: a visitor takes every action through one channel, on a row
    someone else made (the owner, where there is one), and the new rows point at the
    same rows that one does (a table may have room for few)."""
    channel, visitor = row.split(" by ")
    owner = make_user()
    user = someone(visitor, owner, make_user)
    if channel == "api":  # a script's call: a bearer token, no session
        bearer = (
            {"Authorization": f"Bearer {issue_token(user, 'tests')}"} if user else {}
        )
        visit = Visit(app.test_client(), channel, headers=bearer)
    else:
        visit = Visit(login_as(user) if user else app.test_client(), channel)
    if channel == "pages":  # the layout's token, for visitors who may not see the form
        visit = replace(visit, token=token_for(visit.client))
    parents = parent_rows(r)
    visit = replace(
        visit,
        keys={name: getattr(row, r.parents[name][1]) for name, row in parents.items()},
    )
    made = (
        owner
        if r.self_owned
        else r.factory(**({r.owner: owner} if r.owner else {}), **parents)
    )
    save(made)  # (an account is its own owner)
    key = getattr(made, r.pk)
    on_row = [action for action in actions(r, channel) if action != "create"]
    # An account may delete itself: it creates first. Another row goes before a new one
    # is created, for a unique column of few values.
    answers = {}
    for action in ["create", *on_row] if r.self_owned else [*on_row, "create"]:
        if action == "create" and not r.self_owned:
            remove(r, key)
        response = act(visit, r, action, quote(str(key), safe=""))
        answers[action] = answer(response)
        if channel == "api" and answers[action] == "401":
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert answers == dict(zip(actions(r, channel), expected, strict=True))


@pytest.mark.parametrize(("r", "visitor", "shown"), cases(lambda r: r.nav))
def test_the_layout_links_the_list_only_for_those_who_may_read_it(
    app: Flask,
    database: SQLAlchemy,
    make_user: Callable[..., Staff],
    login_as: Callable[[Staff], FlaskClient],
    r: Resource,
    visitor: str,
    shown: bool,
) -> None:
    user = someone(visitor, make_user(), make_user)
    client = login_as(user) if user else app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)  # any page with the layout
    assert (f'href="{r.pages}"' in page) is shown
