"""Template filters and globals are registered and usable from templates."""

from __future__ import annotations

from flask import Flask, render_template_string

from sessionlogin import templating


def test_global_site_name(app: Flask) -> None:
    assert app.jinja_env.globals["site_name"] is templating.site_name
    with app.test_request_context():
        rendered = render_template_string("{{ site_name() }}")
    assert rendered == "Session login"
