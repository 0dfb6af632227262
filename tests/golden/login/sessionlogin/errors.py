"""Error handlers: each page is returned with its own status code."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def unauthorized(error: HTTPException) -> ResponseReturnValue:
    """401 Unauthorized."""
    return render_template("errors/401.html", error=error), 401


def register_error_handlers(app: Flask) -> None:
    """Register the handlers above on ``app``."""
    app.register_error_handler(401, unauthorized)
