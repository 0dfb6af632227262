"""Views of the app itself: their endpoints have no blueprint prefix."""

from __future__ import annotations

from flask import Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue


def index() -> ResponseReturnValue:
    """GET /"""
    return render_template("index.html")


def login() -> ResponseReturnValue:
    """GET, POST /login"""
    return render_template("login.html")


def logout() -> ResponseReturnValue:
    """GET /logout"""
    return redirect(url_for("index"))


def register_views(app: Flask) -> None:
    """Attach the views above to their URL rules."""
    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    app.add_url_rule("/logout", view_func=logout)
