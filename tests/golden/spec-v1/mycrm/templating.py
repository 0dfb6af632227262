"""Template filters and globals, registered on the app by ``register_templating``.

Each function has a small working body to start from; edit it freely.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def money(value: Any) -> str:
    """Template filter: ``{{ value | money }}``. The default shows the value as text."""
    return str(value)


def site_name() -> str:
    """Template global: ``{{ site_name() }}``. The default returns the project's name."""
    return "Mini CRM"


def register_templating(app: Flask) -> None:
    """Make the filters and globals above available in every template."""
    app.add_template_filter(money)
    app.add_template_global(site_name)
