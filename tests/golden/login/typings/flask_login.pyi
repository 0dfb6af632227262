"""Type hints for the parts of Flask-Login this project uses (it ships none).

Extend them when you use more of it; anything not declared here is typed ``Any``.
"""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from _typeshed import Incomplete
from flask import Flask, Response
from flask.testing import FlaskClient

_F = TypeVar("_F", bound=Callable[..., Any])
_Loader = TypeVar("_Loader", bound=Callable[[str], Any])

class UserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str: ...

class AnonymousUserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> None: ...

class LoginManager:
    login_view: str | None
    login_message: str
    login_message_category: str
    session_protection: str | None
    def __init__(
        self, app: Flask | None = None, add_context_processor: bool = True
    ) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _Loader) -> _Loader: ...
    def unauthorized_handler(self, callback: _F) -> _F: ...
    def unauthorized(self) -> Response: ...

class FlaskLoginClient(FlaskClient):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None: ...

# The logged-in user (your user model) or an AnonymousUserMixin: a proxy.
current_user: Any

def login_user(
    user: Any,
    remember: bool = False,
    duration: datetime.timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...
def login_required(func: _F) -> _F: ...
def fresh_login_required(func: _F) -> _F: ...
def __getattr__(name: str) -> Incomplete: ...
