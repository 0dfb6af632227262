"""The tags resource: pages (create, show, edit, delete with the CSRF
token, 422 on bad input, pagination, sort, search, 404s) and the JSON API."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from weakref import WeakKeyDictionary

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from bookshop.auth.tokens import issue_token
from bookshop.crud import PICKER_LIMIT
from bookshop.extensions import db
from bookshop.factories import BookFactory, TagFactory
from bookshop.models import Staff, Tag

_numbers = itertools.count(1000)


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The shared testing app with CSRF protection on, as in production: every POST
    of these tests sends the token the way a browser does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture()
def client(signed_in: FlaskClient) -> FlaskClient:
    """This resource's rules need a logged-in user: its tests use one."""
    return signed_in


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tag)) or 0


def _parents() -> dict[str, Any]:
    """Saved rows that a new Tag must point at."""
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


# Each field's sample: (in the form, in the API's JSON), templates for ``sample``.
SAMPLES = {
    "name": ("name{n}", '"name{n}"'),
}


def form_data(**changes: str) -> dict[str, str]:
    """A valid form for a new Tag (pointing at new saved rows where it must);
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
        page = client.get("/tags/new").get_data(as_text=True)
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
    return client.post("/tags/", data=data)


def test_html_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    assert client.get("/tags/").status_code == 200
    created = create(client)
    assert created.status_code == 302
    show = client.get(created.headers["Location"])
    assert show.status_code == 200
    page = show.get_data(as_text=True)
    assert "Tag created." in page  # the flashed message
    assert "/edit" in page and "/delete" in page
    row = db.session.scalars(select(Tag)).one()
    edit_url = f"/tags/{row.id}/edit"
    assert client.get(edit_url).status_code == 200
    data = form_data()
    data["csrf_token"] = csrf_token(client)
    assert client.post(edit_url, data=data).status_code == 302
    delete_url = f"/tags/{row.id}/delete"
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
    deleted = client.post(f"/tags/{row.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert _count() == 0


def test_post_without_csrf_token_is_refused(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    assert client.post("/tags/", data=form_data()).status_code == 400
    assert _count() == 0


def test_an_empty_form_shows_every_error_and_saves_nothing(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    response = client.post("/tags/", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="invalid-feedback"') >= 1
    assert _count() == 0


@pytest.mark.parametrize("field", ["name"])
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


def test_unique_name_collision_is_a_field_error(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    taken = sample(SAMPLES["name"][0], next(_numbers))
    assert create(client, name=taken).status_code == 302
    response = create(client, name=taken)
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert _count() == 1


def test_missing_row_is_404(client: FlaskClient, database: SQLAlchemy) -> None:
    for page in ("show", "edit", "confirm_delete"):
        missing = client.get(url_of(client, f"tags.{page}", id=0))
        assert (
            missing.status_code == 404 and not missing.is_json
        )  # the API's JSON errors stay in the API
    delete = url_of(client, "tags.delete", id=0)
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
        assert client.get("/tags/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2]
    second = client.get("/tags/?page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.get_data(as_text=True)


def show_url(client: FlaskClient, row: Tag) -> str:
    """The URL of ``row``'s page."""
    return url_of(client, "tags.show", id=row.id)


def test_sort_and_search(client: FlaskClient, database: SQLAlchemy) -> None:
    for _ in range(3):
        assert create(client).status_code == 302
    rows = db.session.scalars(select(Tag).order_by(Tag.name)).all()
    # Rows are found by their links, not by text the page may also show elsewhere.
    first, last = show_url(client, rows[0]) + '"', show_url(client, rows[-1]) + '"'
    ascending = client.get("/tags/?sort=name").get_data(as_text=True)
    descending = client.get("/tags/?sort=-name").get_data(as_text=True)
    assert ascending.index(first) < ascending.index(last)
    assert descending.index(last) < descending.index(first)


def test_a_picker_loads_at_most_the_limit_and_searches_beyond(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    rows = [BookFactory.build() for _ in range(PICKER_LIMIT + 1)]
    db.session.add_all(rows)
    db.session.commit()
    page = client.get("/tags/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*id="books_ids".*?</select>', page, re.S)
    assert select_html and select_html.group(0).count("<option") <= PICKER_LIMIT + 1
    assert 'data-target="books_ids"' in page  # the search box
    last = rows[-1]
    text = str(last.title)
    found = client.get("/tags/options/books_ids", query_string={"q": text})
    assert found.status_code == 200
    assert last.id in [row["id"] for row in found.json or []]
    assert client.get("/tags/options/nope").status_code == 404


# Values a column cannot store: the form answers 422 with the field's error, never a 500.
FORM_REFUSED = {
    "name with a NUL": ("name", "a\x00b"),
}


@pytest.mark.parametrize(("field", "value"), FORM_REFUSED.values(), ids=FORM_REFUSED)
def test_the_form_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = create(client, **{field: str(value)})
    assert response.status_code == 422
    assert _count() == 0


def json_body(**changes: Any) -> dict[str, Any]:
    """A valid API body for a new Tag; ``changes`` override fields."""
    n, parents = next(_numbers), _parents()
    body = {
        name: json.loads(sample(value, n, parents.get(name)))
        for name, (_, value) in SAMPLES.items()
    }
    return body | changes


API = "/api/tags/"


def test_api_roundtrip(client: FlaskClient, database: SQLAlchemy) -> None:
    created = client.post(API, json=json_body())
    assert created.status_code == 201, created.json
    item = created.json
    assert item is not None and set(item) >= set(["id", "name"])
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
    taken = json.loads(sample(SAMPLES["name"][1], next(_numbers)))
    assert client.post(API, json=json_body(name=taken)).status_code == 201
    assert client.post(API, json=json_body(name=taken)).status_code in (409, 422)


# Values a column cannot store (and 0 for a boolean): 422 naming the field, never a 500.
API_REFUSED = {
    "name with a NUL": ("name", "a\x00b"),
}


@pytest.mark.parametrize(("field", "value"), API_REFUSED.values(), ids=API_REFUSED)
def test_the_api_refuses_what_its_column_cannot_store(
    client: FlaskClient, database: SQLAlchemy, field: str, value: object
) -> None:
    response = client.post(API, json=json_body(**{field: value}))
    assert response.status_code == 422
    assert response.json is not None and field in response.json["errors"]["json"]
    assert _count() == 0


def test_anonymous_visitors_are_sent_to_log_in(
    app: Flask, database: SQLAlchemy
) -> None:
    anonymous = app.test_client()
    page = anonymous.get("/tags/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/auth/login?next=")
    listed = anonymous.get("/api/tags/")
    assert listed.status_code == 401
    assert listed.is_json


# The permission matrix: what each visitor gets for each action (the API with a bearer token), from the rules in the
# spec (read: user; create: user; update: user; delete: user).
# "login": sent to log in; "done": the page redirects after the change.
ACCESS = {
    "pages list by anonymous": ("pages", "list", "anonymous", "login"),
    "pages list by user": ("pages", "list", "user", "200"),
    "pages read by anonymous": ("pages", "read", "anonymous", "login"),
    "pages read by user": ("pages", "read", "user", "200"),
    "pages create by anonymous": ("pages", "create", "anonymous", "login"),
    "pages create by user": ("pages", "create", "user", "done"),
    "pages update by anonymous": ("pages", "update", "anonymous", "login"),
    "pages update by user": ("pages", "update", "user", "done"),
    "pages delete by anonymous": ("pages", "delete", "anonymous", "login"),
    "pages delete by user": ("pages", "delete", "user", "done"),
    "api list by anonymous": ("api", "list", "anonymous", "401"),
    "api list by user": ("api", "list", "user", "200"),
    "api read by anonymous": ("api", "read", "anonymous", "401"),
    "api read by user": ("api", "read", "user", "200"),
    "api create by anonymous": ("api", "create", "anonymous", "401"),
    "api create by user": ("api", "create", "user", "201"),
    "api update by anonymous": ("api", "update", "anonymous", "401"),
    "api update by user": ("api", "update", "user", "200"),
    "api delete by anonymous": ("api", "delete", "anonymous", "401"),
    "api delete by user": ("api", "delete", "user", "204"),
}


def _parent_rows() -> dict[str, Any]:
    """Saved rows a new Tag must point at, by relationship."""
    return {}


def _someone(name: str, owner: Staff, make_user: Callable[..., Staff]) -> Staff | None:
    """The user behind a visitor of the matrix (None: anonymous)."""
    if name == "anonymous":
        return None
    if name == "owner":
        return owner
    if name in ("user", "other"):
        return make_user()
    raise AssertionError(name)


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
        pages = "/tags/"
        if action == "list":
            return client.get(pages)
        if action == "read":
            return client.get(pages + key)
        if action == "create":
            return client.post(pages, data=form_data(csrf_token=token))
        if action == "update":
            return client.post(pages + key + "/edit", data=form_data(csrf_token=token))
        return client.post(pages + key + "/delete", data={"csrf_token": token})
    api = "/api/tags/"
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
        row = TagFactory.build(**_parent_rows())
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
NAV = {"anonymous": False, "user": True}


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
    assert ('href="/tags/"' in page) is shown
