"""Error handlers: each page is returned with its own status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from .api import api_error, is_api_request


def forbidden(error: HTTPException) -> ResponseReturnValue:
    """403 Forbidden (the API's URLs answer JSON)."""
    if is_api_request():
        return api_error(error)
    return render_template("errors/403.html", error=error), 403


def not_found(error: HTTPException) -> ResponseReturnValue:
    """404 Not Found (the API's URLs answer JSON)."""
    if is_api_request():
        return api_error(error)
    return render_template("errors/404.html", error=error), 404


def internal_server_error(error: HTTPException) -> ResponseReturnValue:
    """500 Internal Server Error (the API's URLs answer JSON)."""
    if is_api_request():
        return api_error(error)
    return render_template("errors/500.html", error=error), 500


def register_error_handlers(app: Flask) -> None:
    """Register the handlers above on ``app``."""
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, internal_server_error)
