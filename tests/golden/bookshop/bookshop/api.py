"""The JSON API: flask-smorest's ``Api`` with every resource's blueprint, the OpenAPI
document at ``/api/openapi.json`` and Swagger UI at ``/api/docs`` (Swagger UI 5, which
reads OpenAPI 3.1, served from the flask-swagger-ui package, so it works offline)."""

from __future__ import annotations

from http import HTTPStatus
from importlib.resources import files

from flask import (
    Flask,
    Response,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from .authors.api import blp as authors_api
from .books.api import blp as books_api
from .extensions import csrf
from .tags.api import blp as tags_api

DOCS_ASSETS = "/api/docs/assets/"
# Every URL under these answers errors as JSON, whatever raised them (an unknown URL,
# a method not allowed, an id the route does not match, a limit).
API_PREFIXES = ("/api/", "/api/authors/", "/api/books/", "/api/tags/")
# Headers of an error that a JSON answer keeps (Allow for 405, Retry-After for 429, ...).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
# Swagger UI's own build (scripts and styles) as flask-swagger-ui ships it.
SWAGGER_UI = str(files("flask_swagger_ui") / "dist")


class ResourceApi(Api):
    """An ``Api`` that leaves the app's error pages alone: its JSON errors are
    registered on the API blueprints only (see ``crud.api_blueprint``)."""

    def _register_error_handlers(self) -> None:
        """flask-smorest would turn every error of the app, HTML pages included, into JSON."""

    def _register_pagination_header(self) -> None:
        """X-Pagination holds JSON text: documented as JSON content, so clients parse it
        as JSON (a plain schema would mean comma-separated "simple" header values)."""
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON",
                # flask-smorest's schema, by its marshmallow registry name
                "content": {"application/json": {"schema": "PaginationMetadataSchema"}},
            },
            lazy=True,
        )


api = ResourceApi()


def is_api_request() -> bool:
    """True for a request to one of the API's URLs."""
    return request.path.startswith(API_PREFIXES)


def api_error(error: HTTPException) -> Response:
    """``error`` as the API's documented JSON error: code, status and message."""
    code = error.code or 500
    response = jsonify(
        code=code, status=HTTPStatus(code).phrase, message=error.description
    )
    response.status_code = code
    for name, value in error.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    return response


def json_errors_under_the_api(error: HTTPException) -> Response | HTTPException:
    """The app's fallback for HTTP errors: JSON under the API's URLs, else the error
    as it is (Flask renders its page, or a handler of your own does)."""
    return api_error(error) if is_api_request() else error


def docs_page() -> str:
    """Swagger UI for the OpenAPI document. The page has no inline script: it is
    started by ``static/api-docs.js``, which reads the document's URL from the page."""
    return render_template(
        "api/docs.html", title=api.spec.title, spec_url=url_for("api-docs.openapi_json")
    )


def docs_asset(filename: str) -> Response:
    """Swagger UI's scripts and styles, from the installed flask-swagger-ui."""
    return send_from_directory(SWAGGER_UI, filename)


def register_api(app: Flask) -> None:
    """Configure and bind the API, then register every resource's API blueprint."""
    app.config.setdefault("API_TITLE", "Bookshop")
    app.config.setdefault("API_VERSION", "0.1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # Every operation takes a bearer token (auth.tokens; the docs page can send one) or,
    # from a browser, the session cookie of a login.
    app.config.setdefault(
        "API_SPEC_OPTIONS", {"security": [{"bearerAuth": []}, {"cookieAuth": []}]}
    )
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
    cookie = app.config.get("SESSION_COOKIE_NAME", "session")
    api.spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": cookie}
    )
    app.register_error_handler(HTTPException, json_errors_under_the_api)
    app.add_url_rule("/api/docs", "api_docs", docs_page)
    app.add_url_rule(f"{DOCS_ASSETS}<path:filename>", "api_docs_assets", docs_asset)
    for blp in (
        authors_api,
        books_api,
        tags_api,
    ):
        csrf.exempt(blp)  # JSON only: a cross-site form cannot send it
        api.register_blueprint(blp)
