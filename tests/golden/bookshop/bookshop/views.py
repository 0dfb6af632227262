"""Views of the app itself: their endpoints have no blueprint prefix."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue


def index() -> ResponseReturnValue:
    """GET /"""
    return render_template("index.html")


def register_views(app: Flask) -> None:
    """Attach the views above to their URL rules."""
    app.add_url_rule("/", view_func=index)
