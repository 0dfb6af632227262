"""Template filters and globals, registered on the app by ``register_templating``.

Each function has a small working body to start from; edit it freely.
"""

from __future__ import annotations

from flask import Flask


def site_name() -> str:
    """Template global: ``{{ site_name() }}``. The default returns the project's name."""
    return "Session login"


def register_templating(app: Flask) -> None:
    """Make the filters and globals above available in every template."""
    app.add_template_global(site_name)
