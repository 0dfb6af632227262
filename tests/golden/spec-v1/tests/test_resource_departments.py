"""The departments resource: pages (create, show, edit, delete with the CSRF
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

from mycrm.extensions import db
from mycrm.models import Department

_numbers = itertools.count(1000)


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The shared testing app with CSRF protection on, as in production: every POST
    of these tests sends the token the way a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Department)) or 0


def _parents() -> dict[str, Any]:
    """Saved rows that a new Department must point at."""
    return {}


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
    """A valid form for a new Department; ``changes`` override fields."""
    n = next(_numbers)
    parents = _parents()
    data: dict[str, str] = {
        "title": sample("title{n}", n, parents.get("title")),
    }
    return data | changes


def csrf_token(client: FlaskClient) -> str:
    """The token a browser would send: read from the form page, as a person's browser does."""
    page = client.get("/departments/new").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form page carries a CSRF token"
    return match.group(1)


def create(client: FlaskClient, **changes: str) -> Any:
    data = form_data(**changes)
    data["csrf_token"] = csrf_token(client)
    return client.post("/departments/", data=data)


def test_html_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    assert client.get("/departments/").status_code == 200
    created = create(client)
    assert created.status_code == 302
    show = client.get(created.headers["Location"])
    assert show.status_code == 200
    page = show.get_data(as_text=True)
    assert "Department created." in page  # the flashed message
    assert "/edit" in page and "/delete" in page
    row = db.session.scalars(select(Department)).one()
    edit_url = f"/departments/{row.id}/edit"
    assert client.get(edit_url).status_code == 200
    data = form_data()
    data["csrf_token"] = csrf_token(client)
    assert client.post(edit_url, data=data).status_code == 302
    token = csrf_token(client)
    deleted = client.post(f"/departments/{row.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert _count() == 0


def test_post_without_csrf_token_is_refused(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    assert client.post("/departments/", data=form_data()).status_code == 400
    assert _count() == 0


def test_an_empty_form_shows_every_error_and_saves_nothing(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    response = client.post("/departments/", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('<span class="error">') >= 1
    assert _count() == 0


def test_missing_title_is_422(client: FlaskClient, database: SQLAlchemy) -> None:
    response = create(client, **{"title": ""})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_unique_title_collision_is_a_field_error(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    taken = form_data()["title"]
    assert create(client, title=taken).status_code == 302
    response = create(client, title=taken)
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert _count() == 1


def test_missing_row_is_404(client: FlaskClient, database: SQLAlchemy) -> None:
    for path in ("/0", "/0/edit"):
        missing = client.get("/departments" + path)
        assert (
            missing.status_code == 404 and not missing.is_json
        )  # the API's JSON errors stay in the API
    token = csrf_token(client)
    assert (
        client.post(
            "/departments" + "/0/delete", data={"csrf_token": token}
        ).status_code
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
        assert client.get("/departments/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2]
    second = client.get("/departments/?page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True)


def show_url(client: FlaskClient, row: Department) -> str:
    """The URL of ``row``'s page as the app writes it (url_for quotes the key)."""
    with client.application.test_request_context():
        return url_for("departments.show", id=row.id)


def test_sort_and_search(client: FlaskClient, database: SQLAlchemy) -> None:
    for _ in range(3):
        assert create(client).status_code == 302
    rows = db.session.scalars(select(Department).order_by(Department.title)).all()
    # Rows are found by their links, not by text the page may also show elsewhere.
    first, last = show_url(client, rows[0]) + '"', show_url(client, rows[-1]) + '"'
    ascending = client.get("/departments/?sort=title").get_data(as_text=True)
    descending = client.get("/departments/?sort=-title").get_data(as_text=True)
    assert ascending.index(first) < ascending.index(last)
    assert descending.index(last) < descending.index(first)


# Values a column cannot store: the form answers 422 with the field's error, never a 500.
FORM_REFUSED = {
    "title with a NUL": ("title", "a\x00b"),
}


@pytest.mark.parametrize(("field", "value"), FORM_REFUSED.values(), ids=FORM_REFUSED)
def test_the_form_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = create(client, **{field: str(value)})
    assert response.status_code == 422
    assert _count() == 0


def json_body(**changes: Any) -> dict[str, Any]:
    """A valid API body for a new Department."""
    n = next(_numbers)
    parents = _parents()
    body: dict[str, Any] = {
        "title": json.loads(sample('"title{n}"', n, parents.get("title"))),
    }
    return body | changes


API = "/api/departments/"


def test_api_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    created = client.post(API, json=json_body())
    assert created.status_code == 201, created.json
    item = created.json
    assert item is not None and set(item) >= set(["id", "title"])
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
    taken = json_body()["title"]
    assert client.post(API, json=json_body(title=taken)).status_code == 201
    assert client.post(API, json=json_body(title=taken)).status_code in (409, 422)


# Values a column cannot store (and 0 for a boolean): 422 naming the field, never a 500.
API_REFUSED = {
    "title with a NUL": ("title", "a\x00b"),
}


@pytest.mark.parametrize(("field", "value"), API_REFUSED.values(), ids=API_REFUSED)
def test_the_api_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = client.post(API, json=json_body(**{field: value}))
    assert response.status_code == 422
    assert response.json is not None and field in response.json["errors"]["json"]
    assert _count() == 0
