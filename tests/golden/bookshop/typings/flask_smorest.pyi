"""Type hints for the parts of flask-smorest this project uses (it ships none).

Extend them when you use more of it; anything not declared here is typed ``Any``.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from _typeshed import Incomplete
from flask import Blueprint as FlaskBlueprint
from flask import Flask
from webargs.flaskparser import abort as abort

_T = TypeVar("_T")

class Blueprint(FlaskBlueprint):
    description: str
    def route(
        self,
        rule: str,
        *,
        parameters: list[Any] | None = None,
        tags: list[str] | None = None,
        **options: Any,
    ) -> Callable[[_T], _T]: ...
    def arguments(
        self,
        schema: Any,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[_T], _T]: ...
    def response(
        self,
        status_code: int | str,
        schema: Any = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
    ) -> Callable[[_T], _T]: ...
    def alt_response(
        self,
        status_code: int | str,
        response: Any = None,
        *,
        schema: Any = None,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[_T], _T]: ...
    def paginate(
        self,
        pager: type[Page] | None = None,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_page_size: int | None = None,
    ) -> Callable[[_T], _T]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_T], _T]: ...

class PaginationParameters:
    page: int
    page_size: int
    item_count: int | None
    def __init__(self, page: int, page_size: int) -> None: ...
    @property
    def first_item(self) -> int: ...
    @property
    def last_item(self) -> int: ...

class Page:
    collection: Any
    page_params: PaginationParameters
    def __init__(self, collection: Any, page_params: PaginationParameters) -> None: ...
    @property
    def items(self) -> list[Any]: ...
    @property
    def item_count(self) -> int: ...

class Api:
    spec: Incomplete
    config_prefix: str
    def __init__(
        self,
        app: Flask | None = None,
        *,
        spec_kwargs: dict[str, Any] | None = None,
        config_prefix: str = "",
    ) -> None: ...
    def init_app(
        self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None
    ) -> None: ...
    def register_blueprint(
        self, blp: Blueprint, *, parameters: list[Any] | None = None, **options: Any
    ) -> None: ...
    def _register_error_handlers(self) -> None: ...
    def _register_pagination_header(self) -> None: ...

def __getattr__(name: str) -> Incomplete: ...
