"""Views of the app itself: their endpoints have no blueprint prefix."""

from __future__ import annotations

from flask import Flask, Response
from flask.typing import ResponseReturnValue


def hello_world() -> ResponseReturnValue:
    """GET /"""
    return Response("Hello World!", mimetype="text/plain")


def test_hello() -> ResponseReturnValue:
    """GET /test/"""
    return Response("test hellooooooooo!", mimetype="text/plain")


def register_views(app: Flask) -> None:
    """Attach the views above to their URL rules."""
    app.add_url_rule("/", view_func=hello_world)
    app.add_url_rule("/test/", view_func=test_hello)
