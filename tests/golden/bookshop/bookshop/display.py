"""How the pages show values: Jinja filters for the lists and show pages.

``shown`` leaves NULL empty and formats dates and times; ``yes_no`` shows a boolean
as a badge; ``value_title`` shows an enum value by its title (``ENUM_TITLES``; the
stored values never change). Edit the titles or the formats here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from markupsafe import Markup

DATETIME_FORMAT = "%Y-%m-%d %H:%M"  # stored in UTC
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
# "Model.column" -> stored value -> the title pages show.
ENUM_TITLES: dict[str, dict[str, str]] = {
    "Book.format": {
        "hardcover": "Hardcover",
        "paperback": "Paperback",
        "ebook": "E-book",
    },
}


def shown(value: Any) -> str:
    """``value`` as a page shows it: nothing for NULL, dates and times formatted."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, dt.time):
        return value.strftime(TIME_FORMAT)
    return str(value)


def yes_no(value: bool | None) -> Markup:
    """A boolean as a yes/no badge; nothing for NULL."""
    if value is None:
        return Markup("")
    if value:
        return Markup('<span class="badge text-bg-success">yes</span>')
    return Markup('<span class="badge text-bg-secondary">no</span>')


def value_title(value: str | None, column: str) -> str:
    """The title of an enum ``column``'s (``"Model.column"``) stored ``value``."""
    if value is None:
        return ""
    return ENUM_TITLES.get(column, {}).get(value, value)


def register_display(app: Flask) -> None:
    """Make the filters above available to every template."""
    app.add_template_filter(shown)
    app.add_template_filter(yes_no)
    app.add_template_filter(value_title)
