"""The books resource: pages (create, show, edit, delete with the CSRF
token, 422 on bad input, pagination, sort, search, 404s) and the JSON API."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, func, select
from test_models import new_author, new_book, new_tag

from bookshop.crud import PICKER_LIMIT
from bookshop.extensions import db
from bookshop.models import Book

_numbers = itertools.count(1000)


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The shared testing app with CSRF protection on, as in production: every POST
    of these tests sends the token the way a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture()
def client(signed_in: FlaskClient) -> FlaskClient:
    """The form picks rows whose own pages need a logged-in user: its tests use one."""
    return signed_in


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Book)) or 0


def _parents() -> dict[str, Any]:
    """Saved rows that a new Book must point at."""
    rows: dict[str, Any] = {
        "author_id": new_author(),
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


def form_data(**changes: str) -> dict[str, str]:
    """A valid form for a new Book; ``changes`` override fields."""
    n = next(_numbers)
    parents = _parents()
    data: dict[str, str] = {
        "title": sample("title{n}", n, parents.get("title")),
        "isbn": sample("isbn{n}", n, parents.get("isbn")),
        "author_id": sample("{parent}", n, parents.get("author_id")),
        "format": sample("ebook", n, parents.get("format")),
        "pages": sample("{n}", n, parents.get("pages")),
        "price": sample("{n}.25", n, parents.get("price")),
        "in_stock": sample("y", n, parents.get("in_stock")),
        "published_at": sample("{day}T10:30", n, parents.get("published_at")),
    }
    return data | changes


def csrf_token(client: FlaskClient) -> str:
    """The token a browser would send: read from the form page, as a person's browser does."""
    page = client.get("/books/new").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form page carries a CSRF token"
    return match.group(1)


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
    assert response.get_data(as_text=True).count('<span class="error">') >= 4
    assert _count() == 0


def test_missing_title_is_422(client: FlaskClient, database: SQLAlchemy) -> None:
    response = create(client, **{"title": ""})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_missing_isbn_is_422(client: FlaskClient, database: SQLAlchemy) -> None:
    response = create(client, **{"isbn": ""})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_missing_author_id_is_422(client: FlaskClient, database: SQLAlchemy) -> None:
    response = create(client, **{"author_id": ""})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_missing_format_is_422(client: FlaskClient, database: SQLAlchemy) -> None:
    response = create(client, **{"format": ""})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_unique_isbn_collision_is_a_field_error(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    taken = form_data()["isbn"]
    assert create(client, isbn=taken).status_code == 302
    response = create(client, isbn=taken)
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert _count() == 1


def test_missing_row_is_404(client: FlaskClient, database: SQLAlchemy) -> None:
    for path in ("/0", "/0/edit"):
        missing = client.get("/books" + path)
        assert (
            missing.status_code == 404 and not missing.is_json
        )  # the API's JSON errors stay in the API
    token = csrf_token(client)
    assert (
        client.post("/books" + "/0/delete", data={"csrf_token": token}).status_code
        == 404
    )


def test_index_paginates_with_a_constant_number_of_statements(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    statements: list[str] = []
    event.listen(
        db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
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
    """The URL of ``row``'s page as the app writes it (url_for quotes the key)."""
    with client.application.test_request_context():
        return url_for("books.show", id=row.id)


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


def test_sorting_by_author_follows_its_name(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    later, earlier = new_author(name="zz-sort"), new_author(name="aa-sort")
    rows = [new_book(author=later), new_book(author=earlier)]
    db.session.add_all(rows)
    db.session.commit()  # "zz-sort" has the smaller id: sorting by the key would put it first
    links = [show_url(client, row) + '"' for row in rows]
    ascending = client.get("/books/?sort=author").get_data(as_text=True)
    descending = client.get("/books/?sort=-author").get_data(as_text=True)
    assert ascending.index(links[1]) < ascending.index(links[0])
    assert descending.index(links[0]) < descending.index(links[1])


def test_a_picker_loads_at_most_the_limit_and_searches_beyond(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    rows = [new_author() for _ in range(PICKER_LIMIT + 1)]
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


def test_the_author_id_picker_shows_no_row_to_anonymous_visitors(
    app: Flask, database: SQLAlchemy
) -> None:
    """Its rows' own pages need a login: so does the picker, whatever page it sits on."""
    db.session.add(new_author())
    db.session.commit()
    anonymous = app.test_client()
    searched = anonymous.get("/books/options/author_id")
    assert searched.status_code == 401
    page = anonymous.get("/books/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="author_id".*?</select>', page, re.S)
    assert select_html is not None
    assert select_html.group(0).count('<option value=""') == select_html.group(0).count(
        "<option"
    )


def test_the_tags_ids_picker_shows_no_row_to_anonymous_visitors(
    app: Flask, database: SQLAlchemy
) -> None:
    """Its rows' own pages need a login: so does the picker, whatever page it sits on."""
    db.session.add(new_tag())
    db.session.commit()
    anonymous = app.test_client()
    searched = anonymous.get("/books/options/tags_ids")
    assert searched.status_code == 401
    page = anonymous.get("/books/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="tags_ids".*?</select>', page, re.S)
    assert select_html is not None
    assert select_html.group(0).count('<option value=""') == select_html.group(0).count(
        "<option"
    )


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
    """A valid API body for a new Book."""
    n = next(_numbers)
    parents = _parents()
    body: dict[str, Any] = {
        "title": json.loads(sample('"title{n}"', n, parents.get("title"))),
        "isbn": json.loads(sample('"isbn{n}"', n, parents.get("isbn"))),
        "author_id": json.loads(sample("{parent}", n, parents.get("author_id"))),
        "format": json.loads(sample('"ebook"', n, parents.get("format"))),
        "pages": json.loads(sample("{n}", n, parents.get("pages"))),
        "price": json.loads(sample('"{n}.25"', n, parents.get("price"))),
        "in_stock": json.loads(sample("true", n, parents.get("in_stock"))),
        "published_at": json.loads(
            sample('"{day}T10:30:00"', n, parents.get("published_at"))
        ),
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
    client: FlaskClient, database: SQLAlchemy
) -> None:
    statements: list[str] = []
    event.listen(
        db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
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
    taken = json_body()["isbn"]
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
