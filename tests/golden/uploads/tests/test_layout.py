"""The layout every page extends: Bootstrap served by the app itself (no other host),
a navigation bar that collapses, and flashed messages as alerts of their category."""

from __future__ import annotations

import re

from flask import Flask, flash, render_template_string
from flask.testing import FlaskClient

LAYOUT = '{% extends "base.html" %}'


def test_layout_shows_flashed_messages_as_alerts(app: Flask) -> None:
    with app.test_request_context():
        flash("Saved <it>.", "success")
        flash("Try again.", "error")
        page = render_template_string(LAYOUT)
    assert (
        '<div class="alert alert-success flash flash-success" role="alert">Saved &lt;it&gt;.</div>'
        in page
    )
    assert (
        '<div class="alert alert-danger flash flash-error" role="alert">Try again.</div>'
        in page
    )


def test_layout_loads_bootstrap_from_the_app(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        page = render_template_string(LAYOUT)
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and all(
        link.startswith("/") and not link.startswith("//") for link in links
    )
    assert 'data-bs-toggle="collapse"' in page  # the menu collapses on a narrow screen
    for asset in (
        "/bootstrap/static/css/bootstrap.min.css",
        "/bootstrap/static/js/bootstrap.min.js",
    ):
        assert asset in links
        response = client.get(asset)
        assert response.status_code == 200
        response.close()  # a static file is streamed from disk
