"""Error handlers: each page is returned with its own status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def unauthorized(error: HTTPException) -> ResponseReturnValue:
    """401 Unauthorized."""
    return render_template("errors/401.html", error=error), 401


def forbidden(error: HTTPException) -> ResponseReturnValue:
    """403 Forbidden."""
    return render_template("errors/403.html", error=error), 403


def not_found(error: HTTPException) -> ResponseReturnValue:
    """404 Not Found."""
    return render_template("errors/404.html", error=error), 404


def internal_server_error(error: HTTPException) -> ResponseReturnValue:
    """500 Internal Server Error."""
    return render_template("errors/500.html", error=error), 500


def register_error_handlers(app: Flask) -> None:
    """Register the handlers above on ``app``."""
    app.register_error_handler(401, unauthorized)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, internal_server_error)
