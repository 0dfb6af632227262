"""The layout every page extends shows flashed messages with their categories."""

from __future__ import annotations

from flask import Flask, flash, render_template_string


def test_layout_shows_flashed_messages(app: Flask) -> None:
    with app.test_request_context():
        flash("Saved <it>.", "success")
        flash("Try again.", "error")
        page = render_template_string('{% extends "base.html" %}')
    assert '<li class="flash flash-success">Saved &lt;it&gt;.</li>' in page
    assert '<li class="flash flash-error">Try again.</li>' in page
