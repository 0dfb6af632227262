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
        "http://crm.test/",
        Expect(200, mimetype="text/html", template="index.html", context={}),
    ),
    "index POST not allowed": (
        "POST",
        "http://crm.test/",
        Expect(405),
    ),
    "hello[0] GET": (
        "GET",
        "http://crm.test/hello/",
        Expect(
            200, mimetype="text/html", template="hello.html", context={"name": None}
        ),
    ),
    "hello[0] POST not allowed": (
        "POST",
        "http://crm.test/hello/",
        Expect(405),
    ),
    "hello[1] GET": (
        "GET",
        "http://crm.test/hello/alice",
        Expect(
            200, mimetype="text/html", template="hello.html", context={"name": "alice"}
        ),
    ),
    "hello[1] POST not allowed": (
        "POST",
        "http://crm.test/hello/alice",
        Expect(405),
    ),
    "show_user GET": (
        "GET",
        "http://crm.test/user/alice",
        Expect(200, mimetype="text/plain", text="User alice"),
    ),
    "show_user POST not allowed": (
        "POST",
        "http://crm.test/user/alice",
        Expect(405),
    ),
    "show_post GET": (
        "GET",
        "http://crm.test/post/1",
        Expect(200, mimetype="text/html", text="<h1>Post 1</h1>"),
    ),
    "show_post POST not allowed": (
        "POST",
        "http://crm.test/post/1",
        Expect(405),
    ),
    "show_post <post_id> mismatch": (
        "GET",
        "http://crm.test/post/not-a-number",
        Expect(404),
    ),
    "by_slug GET": (
        "GET",
        "http://crm.test/tag/alice",
        Expect(200, mimetype="application/json"),
    ),
    "by_slug POST not allowed": (
        "POST",
        "http://crm.test/tag/alice",
        Expect(405),
    ),
    "by_slug <tag> mismatch": (
        "GET",
        "http://crm.test/tag/~",
        Expect(404),
    ),
    "number GET": (
        "GET",
        "http://crm.test/n/42",
        Expect(200, mimetype="application/json"),
    ),
    "number POST not allowed": (
        "POST",
        "http://crm.test/n/42",
        Expect(405),
    ),
    "number <nid> mismatch": (
        "GET",
        "http://crm.test/n/not-a-number",
        Expect(404),
    ),
    "legacy GET": (
        "GET",
        "http://crm.test/index/1",
        Expect(308, location="/home/1"),
    ),
    "home GET": (
        "GET",
        "http://crm.test/home/1",
        Expect(200, mimetype="application/json", json={"page": "home"}),
    ),
    "home POST not allowed": (
        "POST",
        "http://crm.test/home/1",
        Expect(405),
    ),
    "home <nid> mismatch": (
        "GET",
        "http://crm.test/home/not-a-number",
        Expect(404),
    ),
    "status GET": (
        "GET",
        "http://crm.test/status",
        Expect(200, mimetype="application/json", json={"ok": True}),
    ),
    "status HEAD": (
        "HEAD",
        "http://crm.test/status",
        Expect(200, mimetype="application/json"),
    ),
    "status POST not allowed": (
        "POST",
        "http://crm.test/status",
        Expect(405),
    ),
    "go_login GET": (
        "GET",
        "http://crm.test/go",
        Expect(302, location="/account/login"),
    ),
    "go_login POST not allowed": (
        "POST",
        "http://crm.test/go",
        Expect(405),
    ),
    "secret GET": (
        "GET",
        "http://crm.test/secret",
        Expect(401),
    ),
    "secret POST not allowed": (
        "POST",
        "http://crm.test/secret",
        Expect(405),
    ),
    "docs GET": (
        "GET",
        "http://crm.test/docs",
        Expect(200, mimetype="text/plain", text="docs"),
    ),
    "docs POST not allowed": (
        "POST",
        "http://crm.test/docs",
        Expect(405),
    ),
    "page GET": (
        "GET",
        "http://crm.test/page/about",
        Expect(200, mimetype="text/plain", text="about"),
    ),
    "page POST not allowed": (
        "POST",
        "http://crm.test/page/about",
        Expect(405),
    ),
    "page <name> mismatch": (
        "GET",
        "http://crm.test/page/not-a-number",
        Expect(404),
    ),
    "feed[0] GET": (
        "GET",
        "http://crm.test/feed/",
        Expect(200, mimetype="application/json"),
    ),
    "feed[0] POST not allowed": (
        "POST",
        "http://crm.test/feed/",
        Expect(405),
    ),
    "feed[1] GET": (
        "GET",
        "http://crm.test/feed/2",
        Expect(200, mimetype="application/json"),
    ),
    "feed[1] POST not allowed": (
        "POST",
        "http://crm.test/feed/2",
        Expect(405),
    ),
    "feed[1] <page> mismatch": (
        "GET",
        "http://crm.test/feed/not-a-number",
        Expect(404),
    ),
    "user_site GET": (
        "GET",
        "http://alice.crm.test/site",
        Expect(200, mimetype="text/plain", text="alice.crm.test"),
    ),
    "user_site POST not allowed": (
        "POST",
        "http://alice.crm.test/site",
        Expect(405),
    ),
    "account.login GET": (
        "GET",
        "http://crm.test/account/login",
        Expect(200, mimetype="text/html", template="account/login.html", context={}),
    ),
    "account.login POST": (
        "POST",
        "http://crm.test/account/login",
        Expect(
            200,
            mimetype="text/html",
            template="account/login.html",
            context={},
            token=True,
        ),
    ),
    "account.login PUT not allowed": (
        "PUT",
        "http://crm.test/account/login",
        Expect(405),
    ),
    "account.logout GET": (
        "GET",
        "http://crm.test/account/logout",
        Expect(302, location="/"),
    ),
    "account.logout POST not allowed": (
        "POST",
        "http://crm.test/account/logout",
        Expect(405),
    ),
    "order.detail GET": (
        "GET",
        "http://crm.test/orders/1",
        Expect(200, mimetype="application/json"),
    ),
    "order.detail POST not allowed": (
        "POST",
        "http://crm.test/orders/1",
        Expect(405),
    ),
    "order.detail <order_id> mismatch": (
        "GET",
        "http://crm.test/orders/not-a-number",
        Expect(404),
    ),
    "order.update PUT": (
        "PUT",
        "http://crm.test/orders/1",
        Expect(200, mimetype="application/json", token=True),
    ),
    "order.update PATCH": (
        "PATCH",
        "http://crm.test/orders/1",
        Expect(200, mimetype="application/json", token=True),
    ),
    "order.update DELETE": (
        "DELETE",
        "http://crm.test/orders/1",
        Expect(200, mimetype="application/json", token=True),
    ),
    "order.update POST not allowed": (
        "POST",
        "http://crm.test/orders/1",
        Expect(405),
    ),
    "order.update <order_id> mismatch": (
        "PUT",
        "http://crm.test/orders/not-a-number",
        Expect(404),
    ),
    "order.remove POST": (
        "POST",
        "http://crm.test/orders/1/remove",
        Expect(204, mimetype="text/plain", text="", token=True),
    ),
    "order.remove GET not allowed": (
        "GET",
        "http://crm.test/orders/1/remove",
        Expect(405),
    ),
    "order.remove <order_id> mismatch": (
        "POST",
        "http://crm.test/orders/not-a-number/remove",
        Expect(404),
    ),
    "admin.dashboard GET": (
        "GET",
        "http://admin.crm.test/",
        Expect(200, mimetype="text/plain", text="admin", login=True),
    ),
    "admin.dashboard POST not allowed": (
        "POST",
        "http://admin.crm.test/",
        Expect(405),
    ),
    "webhooks.payment POST": (
        "POST",
        "http://crm.test/hooks/payment",
        Expect(200, mimetype="application/json", json={"received": True}),
    ),
    "webhooks.payment GET not allowed": (
        "GET",
        "http://crm.test/hooks/payment",
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
    "index": ("index", "GET", {}, "http://crm.test/", {}),
    "hello[0]": ("hello", "GET", {}, "http://crm.test/hello/", {}),
    "hello[1]": (
        "hello",
        "GET",
        {"name": "alice"},
        "http://crm.test/hello/alice",
        {"name": "alice"},
    ),
    "show_user": (
        "show_user",
        "GET",
        {"username": "alice"},
        "http://crm.test/user/alice",
        {"username": "alice"},
    ),
    "show_post": (
        "show_post",
        "GET",
        {"post_id": 1},
        "http://crm.test/post/1",
        {"post_id": 1},
    ),
    "by_slug": (
        "by_slug",
        "GET",
        {"tag": "alice"},
        "http://crm.test/tag/alice",
        {"tag": "alice"},
    ),
    "number": ("number", "GET", {"nid": 42}, "http://crm.test/n/42", {"nid": 42}),
    "legacy": ("legacy", "GET", {"nid": 1}, "http://crm.test/index/1", None),
    "home": ("home", "GET", {"nid": 1}, "http://crm.test/home/1", {"nid": 1}),
    "status": ("status", "GET", {}, "http://crm.test/status", {}),
    "go_login": ("go_login", "GET", {}, "http://crm.test/go", {}),
    "secret": ("secret", "GET", {}, "http://crm.test/secret", {}),
    "docs": ("docs", "GET", {}, "http://crm.test/docs", {}),
    "page": (
        "page",
        "GET",
        {"name": "about"},
        "http://crm.test/page/about",
        {"name": "about"},
    ),
    "feed[0]": ("feed", "GET", {}, "http://crm.test/feed/", {"page": 1}),
    "feed[1]": ("feed", "GET", {"page": 2}, "http://crm.test/feed/2", {"page": 2}),
    "user_site": (
        "user_site",
        "GET",
        {"user": "alice"},
        "http://alice.crm.test/site",
        {"user": "alice"},
    ),
    "account.login": ("account.login", "GET", {}, "http://crm.test/account/login", {}),
    "account.logout": (
        "account.logout",
        "GET",
        {},
        "http://crm.test/account/logout",
        {},
    ),
    "order.detail": (
        "order.detail",
        "GET",
        {"order_id": 1},
        "http://crm.test/orders/1",
        {"order_id": 1},
    ),
    "order.update": (
        "order.update",
        "PUT",
        {"order_id": 1},
        "http://crm.test/orders/1",
        {"order_id": 1},
    ),
    "order.remove": (
        "order.remove",
        "POST",
        {"order_id": 1},
        "http://crm.test/orders/1/remove",
        {"order_id": 1},
    ),
    "admin.dashboard": ("admin.dashboard", "GET", {}, "http://admin.crm.test/", {}),
    "webhooks.payment": (
        "webhooks.payment",
        "POST",
        {},
        "http://crm.test/hooks/payment",
        {},
    ),
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
