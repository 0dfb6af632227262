"""Request hooks and context processors, registered on the app by ``register_hooks``.

Each function has a small working body to start from; edit it freely.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, request, session


def make_session_permanent() -> None:
    """Mark the session permanent, so it lasts PERMANENT_SESSION_LIFETIME instead of
    ending with the browser (``sessions.permanent``)."""
    session.permanent = True


def load_user() -> None:
    """Run before every request (``before_request``).

    Return ``None`` to go on to the view, or a response to answer the request here.
    The default logs the request at DEBUG level.
    """
    current_app.logger.debug("load_user: %s %s", request.method, request.path)


def add_headers(response: Response) -> Response:
    """Run after every request that reached a view or error handler (``after_request``);
    return the response, changed or replaced.

    The default adds basic security headers unless the view has set them.
    """
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def close_resources(error: BaseException | None) -> None:
    """Run when every request ends, even after an unhandled error (``teardown_request``).

    Release what the request opened (connections, files). The default logs the
    request and the error, if any, at DEBUG level.
    """
    current_app.logger.debug(
        "close_resources: %s %s (error: %r)", request.method, request.path, error
    )


def inject_now() -> dict[str, Any]:
    """Values every template sees (``context_processor``): ``{{ now }}``,
    the current time in UTC."""
    return {"now": datetime.now(UTC)}


def register_hooks(app: Flask) -> None:
    """Register the functions above on ``app``, in spec order.

    ``before_request`` functions run in this order, ``after_request`` functions in
    the reverse order; Flask-WTF's CSRF check, registered earlier, runs first.
    """
    app.before_request(make_session_permanent)
    app.before_request(load_user)
    app.after_request(add_headers)
    app.teardown_request(close_resources)
    app.context_processor(inject_now)
