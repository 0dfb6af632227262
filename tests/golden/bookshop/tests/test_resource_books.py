"""The books resource: pages (create, show, edit, delete with the CSRF
token, 422 on bad input, pagination, sort, search, 404s) and the JSON API."""

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
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from weakref import WeakKeyDictionary

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from bookshop import crud
from bookshop.auth.tokens import issue_token
from bookshop.auth.users import grant_role
from bookshop.crud import PICKER_LIMIT
from bookshop.extensions import db
from bookshop.factories import AuthorFactory, BookFactory, TagFactory
from bookshop.models import Book, Staff

_numbers = itertools.count(1000)


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The shared testing app with CSRF protection on, as in production: every POST
    of these tests sends the token the way a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture()
def client(signed_in: FlaskClient, user: Staff) -> FlaskClient:
    """This resource's rules need a logged-in user holding admin, staff: its tests use one."""
    for role in ("admin", "staff"):
        grant_role(user, role)
    db.session.commit()
    return signed_in


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Book)) or 0


def _parents() -> dict[str, Any]:
    """Saved rows that a new Book must point at."""
    rows: dict[str, Any] = {
        "author_id": AuthorFactory.build(),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return {
        "author_id": rows["author_id"].id,
    }


def sample(template: str, n: int, parent: Any = None) -> str:
    """A field's sample value: ``{n}`` a number unique per row, ``{d}`` a digit, ``{day}``
    and ``{clock}`` a date and a time of day unique per row (for a day's 1440 rows),
    ``{uuid}`` a UUID, ``{parent}`` the id of the row it points at."""
    uuid = f"00000000-0000-4000-8000-{n:012d}"
    day = (datetime.date(2024, 1, 1) + datetime.timedelta(days=n)).isoformat()
    clock = f"{n // 60 % 24:02d}:{n % 60:02d}"
    return template.format(
        n=n, d=n % 9 + 1, day=day, clock=clock, uuid=uuid, parent=parent
    )


# Each field's sample: (in the form, in the API's JSON), templates for ``sample``.
SAMPLES = {
    "title": ("title{n}", '"title{n}"'),
    "isbn": ("isbn{n}", '"isbn{n}"'),
    "author_id": ("{parent}", "{parent}"),
    "format": ("ebook", '"ebook"'),
    "pages": ("{n}", "{n}"),
    "price": ("{n}.25", '"{n}.25"'),
    "in_stock": ("y", "true"),
    "published_at": ("{day}T10:30", '"{day}T10:30:00"'),
}


def form_data(**changes: str) -> dict[str, str]:
    """A valid form for a new Book (pointing at new saved rows where it must);
    ``changes`` override fields."""
    n, parents = next(_numbers), _parents()
    data = {
        name: sample(form, n, parents.get(name)) for name, (form, _) in SAMPLES.items()
    }
    return data | changes


# Each client's CSRF token: its session keeps one for all its forms.
_tokens: WeakKeyDictionary[FlaskClient, str] = WeakKeyDictionary()


def csrf_token(client: FlaskClient) -> str:
    """The token a browser would send: read from the form page (once per client), as a
    person's browser does."""
    if client not in _tokens:
        page = client.get("/books/new").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, "the form page carries a CSRF token"
        _tokens[client] = match.group(1)
    return _tokens[client]


def url_of(client: FlaskClient, endpoint: str, **values: Any) -> str:
    """The URL of ``endpoint`` as the app writes it (url_for quotes the values)."""
    with client.application.test_request_context():
        return url_for(endpoint, **values)


def create(client: FlaskClient, **changes: str) -> Any:
    data = form_data(**changes)
    data["csrf_token"] = csrf_token(client)
    return client.post("/books/", data=data)


def test_html_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    assert client.get("/books/").status_code == 200
    created = create(client)
    assert created.status_code == 302
    show = client.get(created.headers["Location"])
    assert show.status_code == 200
    page = show.get_data(as_text=True)
    assert "Book created." in page  # the flashed message
    assert "/edit" in page and "/delete" in page
    row = db.session.scalars(select(Book)).one()
    edit_url = f"/books/{row.id}/edit"
    assert client.get(edit_url).status_code == 200
    data = form_data()
    data["csrf_token"] = csrf_token(client)
    assert client.post(edit_url, data=data).status_code == 302
    delete_url = f"/books/{row.id}/delete"
    confirm = client.get(
        delete_url
    )  # the show page's Delete asks first, without a script
    assert confirm.status_code == 200
    assert re.search(
        r'<form method="post" action="[^"]*/delete"[^>]*confirm-delete',
        confirm.get_data(as_text=True),
    )
    assert _count() == 1  # asking deleted nothing
    token = csrf_token(client)
    deleted = client.post(f"/books/{row.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert _count() == 0


def test_post_without_csrf_token_is_refused(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    assert client.post("/books/", data=form_data()).status_code == 400
    assert _count() == 0


def test_an_empty_form_shows_every_error_and_saves_nothing(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    response = client.post("/books/", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="invalid-feedback"') >= 4
    assert _count() == 0


@pytest.mark.parametrize("field", ["title", "isbn", "author_id", "format"])
def test_a_required_field_left_empty_is_422(
    client: FlaskClient, database: SQLAlchemy, field: str
) -> None:
    response = create(client, **{field: ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field}"[^>]*>', page)
    assert control is not None
    assert 'aria-invalid="true"' in control.group(0) and "is-invalid" in control.group(
        0
    )
    assert f"{field}-errors" in control.group(
        0
    )  # aria-describedby: the errors belong to it
    assert f'id="{field}-errors" class="invalid-feedback"' in page
    assert _count() == 0


# The required pickers: the factory of the rows each one lists.
PICKED = {
    "author_id": AuthorFactory.build,
}


@pytest.mark.parametrize(("field", "factory"), PICKED.items(), ids=list(PICKED))
def test_a_required_select_starts_on_an_empty_choice(
    client: FlaskClient, database: SQLAlchemy, field: str, factory: Callable[[], Any]
) -> None:
    """It never preselects a row: a forgotten choice fails validation instead of saving the first one."""
    db.session.add(factory())
    db.session.commit()
    page = client.get("/books/new").get_data(as_text=True)
    select_html = re.search(rf'<select[^>]*id="{field}".*?</select>', page, re.S)
    assert select_html is not None
    first = re.search(r"<option[^>]*>([^<]*)</option>", select_html.group(0))
    assert first is not None and first.group(1) == "Choose …"
    assert 'value=""' in first.group(0) and "selected" in first.group(0)


def test_unique_isbn_collision_is_a_field_error(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    taken = sample(SAMPLES["isbn"][0], next(_numbers))
    assert create(client, isbn=taken).status_code == 302
    response = create(client, isbn=taken)
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert _count() == 1


def test_missing_row_is_404(client: FlaskClient, database: SQLAlchemy) -> None:
    for page in ("show", "edit", "confirm_delete"):
        missing = client.get(url_of(client, f"books.{page}", id=0))
        assert (
            missing.status_code == 404 and not missing.is_json
        )  # the API's JSON errors stay in the API
    delete = url_of(client, "books.delete", id=0)
    assert (
        client.post(delete, data={"csrf_token": csrf_token(client)}).status_code == 404
    )


def test_index_paginates_with_a_constant_number_of_statements(
    client: FlaskClient, statements: list[str]
) -> None:
    counts = []
    for rows in (2, 18, 1):  # then a full first page, then a second page
        for _ in range(rows):
            assert create(client).status_code == 302
        statements.clear()
        assert client.get("/books/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2]
    second = client.get("/books/?page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True)


def show_url(client: FlaskClient, row: Book) -> str:
    """The URL of ``row``'s page."""
    return url_of(client, "books.show", id=row.id)


def test_sort_and_search(client: FlaskClient, database: SQLAlchemy) -> None:
    for _ in range(3):
        assert create(client).status_code == 302
    rows = db.session.scalars(select(Book).order_by(Book.title)).all()
    # Rows are found by their links, not by text the page may also show elsewhere.
    first, last = show_url(client, rows[0]) + '"', show_url(client, rows[-1]) + '"'
    ascending = client.get("/books/?sort=title").get_data(as_text=True)
    descending = client.get("/books/?sort=-title").get_data(as_text=True)
    assert ascending.index(first) < ascending.index(last)
    assert descending.index(last) < descending.index(first)
    found = client.get("/books/", query_string={"q": str(rows[0].title).upper()})
    text = found.get_data(as_text=True)
    assert first in text and last not in text


# Columns that name another row: the list sorts them by that row's label.
# (the column, the factory of the rows it names, their label)
LABEL_SORTS = {
    "author": (AuthorFactory.build, "name"),
}


@pytest.mark.parametrize(
    ("key", "factory", "label"),
    [(k, *v) for k, v in LABEL_SORTS.items()],
    ids=list(LABEL_SORTS),
)
def test_sorting_by_a_row_follows_its_label(
    client: FlaskClient,
    database: SQLAlchemy,
    key: str,
    factory: Callable[..., Any],
    label: str,
) -> None:
    later, earlier = factory(**{label: "zz-sort"}), factory(**{label: "aa-sort"})
    rows = [BookFactory.build(**{key: named}) for named in (later, earlier)]
    db.session.add_all(rows)
    db.session.commit()  # "zz-sort" has the smaller id: sorting by the key would put it first
    links = [show_url(client, row) + '"' for row in rows]
    ascending = client.get("/books/", query_string={"sort": key}).get_data(as_text=True)
    descending = client.get("/books/", query_string={"sort": f"-{key}"}).get_data(
        as_text=True
    )
    assert ascending.index(links[1]) < ascending.index(links[0])
    assert descending.index(links[0]) < descending.index(links[1])


def test_a_picker_loads_at_most_the_limit_and_searches_beyond(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    rows = [AuthorFactory.build() for _ in range(PICKER_LIMIT + 1)]
    db.session.add_all(rows)
    db.session.commit()
    page = client.get("/books/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="author_id".*?</select>', page, re.S)
    assert select_html and select_html.group(0).count("<option") <= PICKER_LIMIT + 1
    assert 'data-target="author_id"' in page  # the search box
    last = rows[-1]
    text = str(last.name)
    found = client.get("/books/options/author_id", query_string={"q": text})
    assert found.status_code == 200
    assert last.id in [row["id"] for row in found.json or []]
    assert client.get("/books/options/nope").status_code == 404


# Pickers of rows whose own pages need a login: the factory of the rows each one lists.
LOGIN_ONLY_PICKERS = {
    "author_id": AuthorFactory.build,
    "tags_ids": TagFactory.build,
}


@pytest.mark.parametrize(
    ("field", "factory"), LOGIN_ONLY_PICKERS.items(), ids=list(LOGIN_ONLY_PICKERS)
)
def test_a_picker_shows_no_row_to_anonymous_visitors(
    app: Flask, database: SQLAlchemy, field: str, factory: Callable[[], Any]
) -> None:
    """Its rows' own pages need a login: so does the picker, whatever page it sits on."""
    db.session.add(factory())
    db.session.commit()
    anonymous = app.test_client()
    searched = anonymous.get("/books/options/" + field)
    assert (
        searched.status_code == 302
    )  # only the form's own visitors search: anonymous ones log in first


# Values a column cannot store: the form answers 422 with the field's error, never a 500.
FORM_REFUSED = {
    "title with a NUL": ("title", "a\x00b"),
    "isbn with a NUL": ("isbn", "a\x00b"),
    "pages past its range": ("pages", 2147483648),
    "price past its digits": ("price", 1000000),
}


@pytest.mark.parametrize(("field", "value"), FORM_REFUSED.values(), ids=FORM_REFUSED)
def test_the_form_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = create(client, **{field: str(value)})
    assert response.status_code == 422
    assert _count() == 0


def json_body(**changes: Any) -> dict[str, Any]:
    """A valid API body for a new Book; ``changes`` override fields."""
    n, parents = next(_numbers), _parents()
    body = {
        name: json.loads(sample(value, n, parents.get(name)))
        for name, (_, value) in SAMPLES.items()
    }
    return body | changes


API = "/api/books/"


def test_api_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    created = client.post(API, json=json_body())
    assert created.status_code == 201, created.json
    item = created.json
    assert item is not None and set(item) >= set(
        [
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
        ]
    )
    url = f"{API}{item['id']}"
    read = client.get(url)
    assert read.status_code == 200 and read.headers["ETag"]
    etag = read.headers["ETag"]
    assert client.patch(url, json={}, headers={"If-Match": etag}).status_code == 200
    assert client.put(url, json=json_body()).status_code == 200  # no If-Match: accepted
    # The PUT changed the row: the ETag read before it is stale.
    assert client.patch(url, json={}, headers={"If-Match": etag}).status_code == 412
    listed = client.get(API, query_string={"page_size": 1})
    assert listed.status_code == 200 and len(listed.json or []) == 1
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(url).is_json


def test_api_list_runs_a_constant_number_of_statements(
    client: FlaskClient, statements: list[str]
) -> None:
    counts = []
    for _ in range(2):
        for _ in range(5):
            assert client.post(API, json=json_body()).status_code == 201
        statements.clear()
        listed = client.get(API, query_string={"page_size": 100})
        assert listed.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and len(listed.json or []) == 10


def test_api_errors(client: FlaskClient, database: SQLAlchemy) -> None:
    assert (
        client.post(
            API, data="x=1", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    invalid = client.post(API, json={})
    assert (
        invalid.status_code == 422
        and invalid.json is not None
        and invalid.json["errors"]["json"]
    )
    assert client.get(f"{API}0").status_code == 404
    assert client.patch(f"{API}0", json={}).status_code == 404
    taken = json.loads(sample(SAMPLES["isbn"][1], next(_numbers)))
    assert client.post(API, json=json_body(isbn=taken)).status_code == 201
    assert client.post(API, json=json_body(isbn=taken)).status_code in (409, 422)


# Values a column cannot store (and 0 for a boolean): 422 naming the field, never a 500.
API_REFUSED = {
    "title with a NUL": ("title", "a\x00b"),
    "isbn with a NUL": ("isbn", "a\x00b"),
    "pages past its range": ("pages", 2147483648),
    "price past its digits": ("price", 1000000),
    "in_stock as 0": ("in_stock", 0),
}


@pytest.mark.parametrize(("field", "value"), API_REFUSED.values(), ids=API_REFUSED)
def test_the_api_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = client.post(API, json=json_body(**{field: value}))
    assert response.status_code == 422
    assert response.json is not None and field in response.json["errors"]["json"]
    assert _count() == 0


# The filters' cases: (column, the wanted row's value, the other row's value, query).
FILTER_CASES: dict[str, tuple[str, Any, Any, dict[str, str]]] = {
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
}


def _listed(client: FlaskClient, query: dict[str, str], rows: list[Book]) -> list[bool]:
    """Which of ``rows`` the list page shows for ``query``."""
    page = client.get("/books/", query_string=query).get_data(as_text=True)
    return [show_url(client, row) + '"' in page for row in rows]


def _api_listed(
    client: FlaskClient, query: dict[str, str], rows: list[Book]
) -> list[bool]:
    """Which of ``rows`` the API's list gives for ``query``."""
    response = client.get("/api/books/", query_string={**query, "page_size": "100"})
    assert response.status_code == 200, response.get_json()
    keys = {str(item["id"]) for item in response.get_json()}
    return [str(row.id) in keys for row in rows]


@pytest.mark.parametrize(
    ("column", "wanted", "other", "query"), FILTER_CASES.values(), ids=FILTER_CASES
)
def test_the_list_filters(
    client: FlaskClient,
    database: SQLAlchemy,
    column: str,
    wanted: Any,
    other: Any,
    query: dict[str, str],
) -> None:
    rows = [BookFactory.build(**{column: wanted}), BookFactory.build(**{column: other})]
    db.session.add_all(rows)
    db.session.commit()
    assert _listed(client, query, rows) == [True, False]
    assert _listed(client, {}, rows) == [True, True]
    assert _api_listed(client, query, rows) == [True, False]  # the API filters alike


# Filters by another row: (the factory of the rows it offers, the query argument, their key).
RELATION_FILTERS = {
    "author": (AuthorFactory.build, "author", "id"),
}


@pytest.mark.parametrize(
    ("name", "factory", "argument", "key"),
    [(name, *case) for name, case in RELATION_FILTERS.items()],
    ids=list(RELATION_FILTERS),
)
def test_the_list_filters_by_a_row(
    client: FlaskClient,
    database: SQLAlchemy,
    name: str,
    factory: Callable[[], Any],
    argument: str,
    key: str,
) -> None:
    wanted, other = factory(), factory()
    rows = [BookFactory.build(**{name: row}) for row in (wanted, other)]
    db.session.add_all([wanted, other, *rows])
    db.session.commit()
    query = {argument: str(getattr(wanted, key))}
    assert _listed(client, query, rows) == [True, False]
    assert _api_listed(client, query, rows) == [True, False]


def test_a_filter_value_that_does_not_parse(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    bad = {"author": "\x00 not a value"}
    assert (
        client.get("/books/", query_string=bad).status_code == 200
    )  # the page leaves it out
    response = client.get("/api/books/", query_string=bad)
    assert (
        response.status_code == 422
        and "author" in response.get_json()["errors"]["query"]
    )


def _combined_rows(prefix: str = "") -> tuple[list[Book], dict[str, str]]:
    """A page and one more of rows the filter and search keep (title "qz000", "qz001", ...), then
    one the filter drops and one the search drops; and the query that keeps the first ones."""
    column, wanted, other, query = FILTER_CASES["format"]
    kept, dropped = {column: wanted}, {column: other}
    rows = [BookFactory.build(**kept, title=f"{prefix}qz{i:03d}") for i in range(21)]
    rows.append(
        BookFactory.build(**{**kept, **dropped}, title=f"{prefix}qz-other")
    )  # the filter drops it
    rows.append(BookFactory.build(**kept))  # the search drops it
    db.session.add_all(rows)
    db.session.commit()
    return rows, query


def test_filters_search_sort_and_pages_combine(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    rows, query = _combined_rows()
    query = {**query, "q": "QZ", "sort": "-title"}
    first = client.get("/books/", query_string=query).get_data(as_text=True)
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
    wanted = sorted(rows[:21], key=lambda row: str(row.title), reverse=True)
    links = [show_url(client, row) + '"' for row in wanted]
    places = [first.find(link) for link in links[:-1]]
    assert -1 not in places and places == sorted(places)  # the first page, in order
    assert (
        links[-1] not in first and links[-1] in second
    )  # and the last row on the second
    for row in rows[21:]:
        assert show_url(client, row) + '"' not in first + second


def test_the_export_holds_the_filtered_sorted_rows_of_every_page(
    client: FlaskClient, database: SQLAlchemy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        crud, "EXPORT_BATCH", 2
    )  # read in batches while it streams, as a large table is
    _, query = _combined_rows(prefix="=")  # text a spreadsheet would run as a formula
    query = {**query, "q": "QZ", "sort": "-title"}

    def download() -> tuple[Any, bool]:
        response = client.get("/books/export.csv", query_string=query)
        streamed = response.is_streamed
        response.get_data()  # read to its end
        return response, streamed

    # Outside the tests' app context, as a server runs the app: the view's context and its
    # database session end before the first line streams.
    response, streamed = contextvars.Context().run(download)
    assert response.status_code == 200 and response.mimetype == "text/csv" and streamed
    assert response.mimetype_params["charset"] == "utf-8"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(lines[0]) == (
        "Title",
        "Author",
        "Format",
        "Price",
        "In stock",
    )  # the list's headings
    cells = [line[0] for line in lines[1:]]
    assert cells == [
        f"'=qz{i:03d}" for i in reversed(range(21))
    ]  # every page, sorted, neutralised


# The permission matrix: what each visitor gets for each action (the API with a bearer token), from the rules in the
# spec (read: anyone; create: staff or admin; update: staff or admin; delete: admin).
# "login": sent to log in; "done": the page redirects after the change.
ACCESS = {
    "pages list by anonymous": ("pages", "list", "anonymous", "200"),
    "pages list by user": ("pages", "list", "user", "200"),
    "pages list by admin": ("pages", "list", "admin", "200"),
    "pages list by staff": ("pages", "list", "staff", "200"),
    "pages export by anonymous": ("pages", "export", "anonymous", "200"),
    "pages export by user": ("pages", "export", "user", "200"),
    "pages export by admin": ("pages", "export", "admin", "200"),
    "pages export by staff": ("pages", "export", "staff", "200"),
    "pages read by anonymous": ("pages", "read", "anonymous", "200"),
    "pages read by user": ("pages", "read", "user", "200"),
    "pages read by admin": ("pages", "read", "admin", "200"),
    "pages read by staff": ("pages", "read", "staff", "200"),
    "pages create by anonymous": ("pages", "create", "anonymous", "login"),
    "pages create by user": ("pages", "create", "user", "403"),
    "pages create by admin": ("pages", "create", "admin", "done"),
    "pages create by staff": ("pages", "create", "staff", "done"),
    "pages update by anonymous": ("pages", "update", "anonymous", "login"),
    "pages update by user": ("pages", "update", "user", "403"),
    "pages update by admin": ("pages", "update", "admin", "done"),
    "pages update by staff": ("pages", "update", "staff", "done"),
    "pages delete by anonymous": ("pages", "delete", "anonymous", "login"),
    "pages delete by user": ("pages", "delete", "user", "403"),
    "pages delete by admin": ("pages", "delete", "admin", "done"),
    "pages delete by staff": ("pages", "delete", "staff", "403"),
    "api list by anonymous": ("api", "list", "anonymous", "200"),
    "api list by user": ("api", "list", "user", "200"),
    "api list by admin": ("api", "list", "admin", "200"),
    "api list by staff": ("api", "list", "staff", "200"),
    "api read by anonymous": ("api", "read", "anonymous", "200"),
    "api read by user": ("api", "read", "user", "200"),
    "api read by admin": ("api", "read", "admin", "200"),
    "api read by staff": ("api", "read", "staff", "200"),
    "api create by anonymous": ("api", "create", "anonymous", "401"),
    "api create by user": ("api", "create", "user", "403"),
    "api create by admin": ("api", "create", "admin", "201"),
    "api create by staff": ("api", "create", "staff", "201"),
    "api update by anonymous": ("api", "update", "anonymous", "401"),
    "api update by user": ("api", "update", "user", "403"),
    "api update by admin": ("api", "update", "admin", "200"),
    "api update by staff": ("api", "update", "staff", "200"),
    "api delete by anonymous": ("api", "delete", "anonymous", "401"),
    "api delete by user": ("api", "delete", "user", "403"),
    "api delete by admin": ("api", "delete", "admin", "204"),
    "api delete by staff": ("api", "delete", "staff", "403"),
}


def _parent_rows() -> dict[str, Any]:
    """Saved rows a new Book must point at, by relationship."""
    rows: dict[str, Any] = {
        "author_id": AuthorFactory.build(),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def _someone(name: str, owner: Staff, make_user: Callable[..., Staff]) -> Staff | None:
    """The user behind a visitor of the matrix (None: anonymous)."""
    if name == "anonymous":
        return None
    if name == "owner":
        return owner
    if name in ("user", "other"):
        return make_user()
    return make_user(name)  # a role


def _act(
    client: FlaskClient,
    channel: str,
    action: str,
    key: str,
    token: str,
    headers: dict[str, str],
) -> TestResponse:
    """Take ``action`` through ``channel`` as a browser or an API client would (pages
    send the CSRF token the layout carries, the API a bearer token)."""
    if channel == "pages":
        pages = "/books/"
        if action == "list":
            return client.get(pages)
        if action == "export":
            return client.get(pages + "export.csv")
        if action == "read":
            return client.get(pages + key)
        if action == "create":
            return client.post(pages, data=form_data(csrf_token=token))
        if action == "update":
            return client.post(pages + key + "/edit", data=form_data(csrf_token=token))
        return client.post(pages + key + "/delete", data={"csrf_token": token})
    api = "/api/books/"
    if action == "list":
        return client.get(api, headers=headers)
    if action == "read":
        return client.get(api + key, headers=headers)
    if action == "create":
        return client.post(api, json=json_body(), headers=headers)
    if action == "update":
        return client.patch(api + key, json={}, headers=headers)
    return client.delete(api + key, headers=headers)


def _answer(response: TestResponse) -> str:
    if response.status_code == 302:
        return (
            "login"
            if response.headers["Location"].startswith("/auth/login")
            else "done"
        )
    return str(response.status_code)


@pytest.mark.parametrize(
    ("channel", "action", "visitor", "expected"), ACCESS.values(), ids=ACCESS
)
def test_the_rules_answer_each_visitor(
    app: Flask,
    database: SQLAlchemy,
    make_user: Callable[..., Staff],
    login_as: Callable[[Staff], FlaskClient],
    token_for: Callable[[FlaskClient], str],
    channel: str,
    action: str,
    visitor: str,
    expected: str,
) -> None:
    owner = make_user()
    key = ""
    if action in (
        "read",
        "update",
        "delete",
    ):  # a row to act on (a new one is made by create)
        row = BookFactory.build(**_parent_rows())
        db.session.add(row)
        db.session.commit()
        key = quote(str(row.id), safe="")
    someone = _someone(visitor, owner, make_user)
    headers: dict[str, str] = {}
    if channel == "api":  # a script's call: a bearer token, no session
        client = app.test_client()
        if someone is not None:
            headers["Authorization"] = f"Bearer {issue_token(someone, 'tests')}"
    else:
        client = login_as(someone) if someone else app.test_client()
    response = _act(
        client,
        channel,
        action,
        key,
        token_for(client) if channel == "pages" else "",
        headers,
    )
    assert _answer(response) == expected
    if channel == "api" and expected == "401":
        assert response.headers["WWW-Authenticate"] == "Bearer"


# Whether the layout's navigation links the list, by visitor: only for those who may read it.
NAV = {"anonymous": True, "user": True, "admin": True, "staff": True}


@pytest.mark.parametrize(("visitor", "shown"), NAV.items(), ids=NAV)
def test_the_layout_links_the_list_only_for_those_who_may_read_it(
    app: Flask,
    database: SQLAlchemy,
    make_user: Callable[..., Staff],
    login_as: Callable[[Staff], FlaskClient],
    visitor: str,
    shown: bool,
) -> None:
    someone = _someone(visitor, make_user(), make_user)
    client = login_as(someone) if someone else app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)  # any page with the layout
    assert ('href="/books/"' in page) is shown
