"""Every route answers as the spec declares: status, content type, the literal bodies,
redirects and the template a view renders (with its URL values; the page itself is
yours to write); an undeclared method gets 405, a URL variable of the wrong shape
gets 404, and ``url_for`` round-trips every endpoint. Requests that change
state send the CSRF token, as a browser does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, request, template_rendered, url_for
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from jinja2 import Template

NO_JSON = object()


@dataclass(frozen=True)
class Expect:
    status: int
    mimetype: str | None = None
    text: str | None = None
    json: Any = NO_JSON
    location: str | None = None
    template: str | None = None
    context: dict[str, Any] | None = None
    token: bool = False  # send the CSRF token
    login: bool = False  # the route needs a logged-in user


# id -> (method, URL, what the response must be)
REQUESTS: dict[str, tuple[str, str, Expect]] = {
    "index GET": (
        "GET",
        "http://localhost/",
        Expect(200, mimetype="text/html", template="index.html", context={}),
    ),
    "index POST not allowed": (
        "POST",
        "http://localhost/",
        Expect(405),
    ),
}


@contextmanager
def rendered_templates(app: Flask) -> Iterator[list[tuple[str | None, dict[str, Any]]]]:
    """The (name, context) of every template ``app`` renders inside the block."""
    rendered: list[tuple[str | None, dict[str, Any]]] = []

    def record(
        sender: Flask, template: Template, context: dict[str, Any], **extra: Any
    ) -> None:
        rendered.append((template.name, context))

    with template_rendered.connected_to(record, app):
        yield rendered


@pytest.mark.parametrize(("method", "url", "expect"), REQUESTS.values(), ids=REQUESTS)
def test_route_answers_as_declared(
    app: Flask,
    clients: Callable[[bool], FlaskClient],
    token_for: Callable[[FlaskClient], str],
    database: SQLAlchemy,
    method: str,
    url: str,
    expect: Expect,
) -> None:
    client = clients(expect.login)
    headers = {"X-CSRFToken": token_for(client)} if expect.token else {}
    with rendered_templates(app) as rendered:
        response = client.open(url, method=method, headers=headers)
    assert response.status_code == expect.status, response.get_data(as_text=True)
    if expect.mimetype is not None:
        assert response.mimetype == expect.mimetype
    body = response.get_data(as_text=True)
    if method == "HEAD":
        assert body == ""
    if expect.text is not None:
        assert body == expect.text
    if expect.json is not NO_JSON:
        assert response.get_json() == expect.json
    if expect.location is not None:
        assert response.location is not None
        assert response.location.endswith(expect.location)
    if expect.template is not None:
        assert expect.context is not None
        contexts = [context for name, context in rendered if name == expect.template]
        assert contexts, f"{expect.template} was not rendered"
        assert {key: contexts[0].get(key) for key in expect.context} == expect.context


# id -> (endpoint, method, URL values, the URL, the view's arguments or None)
URLS: dict[str, tuple[str, str, dict[str, Any], str, dict[str, Any] | None]] = {
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
