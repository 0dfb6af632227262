"""Request hooks and context processors, registered on the app by ``register_hooks``.

Each function has a small working body to start from; edit it freely.
"""

from __future__ import annotations

from flask import Flask, Response, session


def make_session_permanent() -> None:
    """Mark the session permanent, so it lasts PERMANENT_SESSION_LIFETIME instead of
    ending with the browser (``sessions.permanent``)."""
    session.permanent = True


def add_security_headers(response: Response) -> Response:
    """Run after every request that reached a view or error handler (``after_request``);
    return the response, changed or replaced.

    The default adds basic security headers unless the view has set them.
    """
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def register_hooks(app: Flask) -> None:
    """Register the functions above on ``app``, in spec order.

    ``before_request`` functions run in this order, ``after_request`` functions in
    the reverse order; Flask-WTF's CSRF check, registered earlier, runs first.
    """
    app.before_request(make_session_permanent)
    app.after_request(add_security_headers)
