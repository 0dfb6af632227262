"""WSGI middleware around the app, applied by ``apply_middleware``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class RequestTimer:
    """WSGI middleware wrapping the app (``middleware.custom``).

    Passes every request through unchanged: act on ``environ`` before calling
    ``self.app``, or wrap ``start_response`` and the returned body to act on the
    response.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        return self.app(environ, start_response)


def apply_middleware(app: Flask) -> None:
    """Wrap ``app.wsgi_app`` in the middleware above.

    Custom middleware wraps in spec order, so the last one listed sees each request
    first.
    ProxyFix goes outside everything: every layer and the app see the client's
    address and scheme as the trusted proxy reported them. Only use it behind a
    proxy that sets these headers, with the counts matching the proxies in front.
    """
    app.wsgi_app = RequestTimer(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
