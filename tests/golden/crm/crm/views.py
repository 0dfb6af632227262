"""Views of the app itself: their endpoints have no blueprint prefix."""

from __future__ import annotations

from flask import Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue


def index() -> ResponseReturnValue:
    """GET /index/"""
    return render_template("index.html")


def home() -> ResponseReturnValue:
    """GET /"""
    return redirect(url_for("index"))


def register_views(app: Flask) -> None:
    """Attach the views above to their URL rules."""
    app.add_url_rule("/index/", view_func=index)
    app.add_url_rule("/", view_func=home)
