"""The WSGI middleware wraps the app in the declared order and lets requests through."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from mycrm import middleware

BASE_URL = "http://crm.test"
# Innermost first: the order apply_middleware wraps them in.
CUSTOM = [
    middleware.RequestTimer,
]


@pytest.fixture(scope="module")
def probed(new_app: Callable[[], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    """An app of this module's own, with a route that shows the client address it sees."""
    with new_app() as app:
        app.add_url_rule("/__remote__", "__remote__", lambda: request.remote_addr or "")
        yield app


def test_layers_wrap_the_app_in_order(app: Flask) -> None:
    layer: Any = app.wsgi_app
    assert isinstance(layer, ProxyFix)
    assert layer.x_for == 1
    assert layer.x_proto == 1
    layer = layer.app
    for cls in reversed(CUSTOM):
        assert isinstance(layer, cls)
        layer = layer.app
    assert getattr(layer, "__func__", None) is Flask.wsgi_app


def test_requests_pass_through_every_layer(
    probed: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    for cls in CUSTOM:
        original = cls.__call__

        def spy(
            self: Any,
            environ: Any,
            start_response: Any,
            _cls: type[Any] = cls,
            _call: Callable[..., Iterable[bytes]] = original,
        ) -> Iterable[bytes]:
            seen.append(_cls.__name__)
            return _call(self, environ, start_response)

        monkeypatch.setattr(cls, "__call__", spy)
    response = probed.test_client().get(BASE_URL + "/__remote__")
    assert response.status_code == 200
    assert seen == [cls.__name__ for cls in reversed(CUSTOM)]


def test_proxy_fix_trusts_the_forwarded_client(probed: Flask) -> None:
    forwarded = ", ".join(["203.0.113.7"] + ["10.0.0.1"] * (1 - 1))
    response = probed.test_client().get(
        BASE_URL + "/__remote__", headers={"X-Forwarded-For": forwarded}
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "203.0.113.7"
