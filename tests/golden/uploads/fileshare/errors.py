"""Error handlers: each page is returned with its own status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def request_entity_too_large(error: HTTPException) -> ResponseReturnValue:
    """413 Request Entity Too Large."""
    return render_template("errors/413.html", error=error), 413


def register_error_handlers(app: Flask) -> None:
    """Register the handlers above on ``app``."""
    app.register_error_handler(413, request_entity_too_large)
