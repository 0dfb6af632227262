"""Request hooks and context processors are registered and have their effect."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import pytest
from flask import Flask

from sessionlogin import hooks

PROBE = "/__hooks__"


@pytest.fixture(scope="module")
def probed(new_app: Callable[[], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    """An app of this module's own, with one plain route to request."""
    with new_app() as app:
        app.add_url_rule(PROBE, "__hooks__", lambda: "ok")
        yield app


def get(app: Flask) -> str:
    response = app.test_client().get(PROBE, base_url="http://localhost")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_add_security_headers_runs_after_each_request(probed: Flask) -> None:
    assert hooks.add_security_headers in probed.after_request_funcs[None]
    response = probed.test_client().get(PROBE, base_url="http://localhost")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_sessions_are_permanent(probed: Flask) -> None:
    assert hooks.make_session_permanent in probed.before_request_funcs[None]
    client = probed.test_client()
    response = client.get(PROBE, base_url="http://localhost")
    assert response.status_code == 200
    cookie = client.get_cookie(probed.config["SESSION_COOKIE_NAME"], domain="localhost")
    assert cookie is not None and cookie.expires is not None
    expected = datetime.now(UTC) + probed.permanent_session_lifetime
    assert abs((cookie.expires - expected).total_seconds()) < 60
