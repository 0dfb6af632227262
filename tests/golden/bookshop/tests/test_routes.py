"""Every route answers as the spec declares: status, content type and body; an
undeclared method gets 405, a URL variable of the wrong shape gets 404, and
``url_for`` round-trips every endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, request, url_for
from flask.testing import FlaskClient

NO_JSON = object()


@dataclass(frozen=True)
class Expect:
    status: int
    mimetype: str | None = None
    text: str | None = None
    contains: tuple[str, ...] = ()
    json: Any = NO_JSON
    location: str | None = None


REQUESTS = {
    "index GET": (
        "GET",
        "http://localhost/",
        Expect(200, mimetype="text/html"),
    ),
    "index POST not allowed": (
        "POST",
        "http://localhost/",
        Expect(405),
    ),
}


@pytest.mark.parametrize(("method", "url", "expect"), REQUESTS.values(), ids=REQUESTS)
def test_route_answers_as_declared(
    client: FlaskClient, method: str, url: str, expect: Expect
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == expect.status, response.get_data(as_text=True)
    if expect.mimetype is not None:
        assert response.mimetype == expect.mimetype
    body = response.get_data(as_text=True)
    if method == "HEAD":
        assert body == ""
    if expect.text is not None:
        assert body == expect.text
    for fragment in expect.contains:
        assert fragment in body
    if expect.json is not NO_JSON:
        assert response.get_json() == expect.json
    if expect.location is not None:
        assert response.location is not None
        assert response.location.endswith(expect.location)


URLS = {
    "index": ("index", "GET", {}, "http://localhost/", {}),
}


@pytest.mark.parametrize(
    ("endpoint", "method", "values", "url", "view_args"), URLS.values(), ids=URLS
)
def test_url_for_round_trips(
    app: Flask,
    endpoint: str,
    method: str,
    values: dict[str, Any],
    url: str,
    view_args: dict[str, Any] | None,
) -> None:
    with app.test_request_context():
        assert url_for(endpoint, _external=True, **values) == url
    if view_args is None:  # a rule-level redirect never reaches a view
        return
    with app.test_request_context(url, method=method):
        assert request.endpoint == endpoint
        assert request.view_args == view_args
