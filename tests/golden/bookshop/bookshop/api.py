"""The JSON API: flask-smorest's ``Api`` with every resource's blueprint, the OpenAPI
document at ``/api/openapi.json`` and Swagger UI at ``/api/docs`` (served from the
swagger-ui-bundle package, so it works offline)."""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from .authors.api import blp as authors_api
from .books.api import blp as books_api
from .extensions import csrf
from .tags.api import blp as tags_api

DOCS_ASSETS = "/api/docs/assets/"


class ResourceApi(Api):
    """An ``Api`` that leaves the app's error pages alone: its JSON errors are
    registered on the API blueprints only (see ``crud.api_blueprint``)."""

    def _register_error_handlers(self) -> None:
        """flask-smorest would turn every error of the app, HTML pages included, into JSON."""


api = ResourceApi()


def docs_asset(filename: str) -> Response:
    """Swagger UI's scripts and styles, from the installed swagger-ui-bundle."""
    return send_from_directory(str(swagger_ui_path), filename)


def register_api(app: Flask) -> None:
    """Configure and bind the API, then register every resource's API blueprint."""
    app.config.setdefault("API_TITLE", "Bookshop")
    app.config.setdefault("API_VERSION", "0.1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", DOCS_ASSETS)
    api.init_app(app)
    app.add_url_rule(f"{DOCS_ASSETS}<path:filename>", "api_docs_assets", docs_asset)
    for blp in (
        authors_api,
        books_api,
        tags_api,
    ):
        csrf.exempt(blp)  # JSON only: a cross-site form cannot send it
        api.register_blueprint(blp)
