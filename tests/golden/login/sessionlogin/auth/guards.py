"""Guards for views that need a logged-in user.

Pages use Flask-Login's ``login_required``: an anonymous visitor is redirected to the
login page with ``next``. A JSON API uses ``api_login_required`` instead, whose
anonymous answer is 401 with a JSON body (an API client cannot follow a login page).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, jsonify, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def unauthorized() -> Response:
    """The answer to an anonymous API request: 401 with a JSON error in the API's
    documented error shape (code, status, message)."""
    response = jsonify(
        code=401, status="Unauthorized", message="Log in to use this API."
    )
    response.status_code = 401
    return response


def api_login_required(view: F) -> F:
    """Decorate a JSON API view: anonymous requests get :func:`unauthorized`."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if request.method != "OPTIONS" and not current_user.is_authenticated:
            return unauthorized()
        return view(*args, **kwargs)

    return cast(F, guarded)
