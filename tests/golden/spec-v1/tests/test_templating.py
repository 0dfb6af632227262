"""Template filters and globals are registered and usable from templates."""

from __future__ import annotations

from flask import Flask, render_template_string

from mycrm import templating


def test_filter_money(app: Flask) -> None:
    assert app.jinja_env.filters["money"] is templating.money
    with app.test_request_context():
        assert render_template_string("{{ 42 | money }}") == "42"


def test_global_site_name(app: Flask) -> None:
    assert app.jinja_env.globals["site_name"] is templating.site_name
    with app.test_request_context():
        rendered = render_template_string("{{ site_name() }}")
    assert rendered == "Mini CRM"
