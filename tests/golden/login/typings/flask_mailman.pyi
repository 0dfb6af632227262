"""Type hints for the parts of Flask-Mailman this project uses (it ships none).

Extend them when you use more of it; anything not declared here is typed ``Any``.
"""

from collections.abc import Sequence
from typing import Any

from flask import Flask

class Mail:
    def __init__(self, app: Flask | None = None) -> None: ...
    def init_app(self, app: Flask) -> Any: ...
    def __getattr__(self, name: str) -> Any: ...

class EmailMessage:
    subject: str
    body: str
    from_email: str
    to: list[str]
    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | None = None,
        to: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None: ...
    def send(self, fail_silently: bool = False) -> int: ...
    def message(self) -> Any: ...

class EmailMultiAlternatives(EmailMessage):
    alternatives: list[tuple[str, str]]
    def attach_alternative(self, content: str, mimetype: str) -> None: ...
