"""Who may do what: the one place that answers it, for pages, the API, pickers and templates.

A rule is a tuple of names, any one of which lets the visitor in: ``anyone``, ``user``
(logged in). No role is implicitly all-powerful: a rule lists who may.

Refusals: an anonymous visitor is asked to log in (pages: 302 to the login page with
``next``; the API: 401 with ``WWW-Authenticate: Bearer``); a logged-in one gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar, cast

from flask import Flask, Response, abort, jsonify
from flask_login import current_user

from .extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])
Rule = tuple[str, ...]

ANYONE = "anyone"
USER = "user"

# resource -> action (read, create, update, delete) -> rule
RESOURCES: dict[str, dict[str, Rule]] = {}


def allows(rule: Rule) -> bool:
    """Whether the current visitor passes ``rule``."""
    if ANYONE in rule:
        return True
    if not current_user.is_authenticated:
        return False
    if USER in rule:
        return True
    return False


def may(resource: str, action: str) -> bool:
    """Whether the current visitor may take ``action`` on ``resource``;
    templates call it to show only the links and buttons the visitor may use."""
    return allows(RESOURCES[resource][action])


def deny(api: bool = False) -> NoReturn:
    """Refuse the request: ask an anonymous visitor to log in, answer 403 to a logged-in one."""
    if current_user.is_authenticated:
        abort(403)
    if not api:
        abort(login_manager.unauthorized())  # 302 to the login page with next
    abort(refuse_token("Log in to use this API."))


def refuse_token(message: str = "The bearer token is unknown or revoked.") -> Response:
    """The API's 401: a JSON error with ``WWW-Authenticate: Bearer``."""
    response = jsonify(code=401, status="Unauthorized", message=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def require(resource: str, action: str, *, api: bool = False) -> None:
    """Go on only if the visitor may take ``action``."""
    if not may(resource, action):
        deny(api)


def allow(*rule: str, api: bool = False) -> Callable[[F], F]:
    """Decorate a view (or a ``before_request`` function): only visitors who pass ``rule`` get in."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allows(rule):
                deny(api)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def register_access(app: Flask) -> None:
    """Let templates ask ``may(resource, action)`` and ``allows(rule)``."""
    app.add_template_global(may)
    app.add_template_global(allows)
