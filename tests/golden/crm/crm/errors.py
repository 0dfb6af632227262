"""Error handlers: each page is returned with its own status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def not_found(error: HTTPException) -> ResponseReturnValue:
    """404 Not Found."""
    return render_template("errors/404.html", error=error), 404


def register_error_handlers(app: Flask) -> None:
    """Register the handlers above on ``app``."""
    app.register_error_handler(404, not_found)
