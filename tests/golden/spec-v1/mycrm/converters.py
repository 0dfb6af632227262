"""Custom URL converters, registered on the app's URL map by name."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, Map


class SlugConverter(BaseConverter):
    """Matches [a-z0-9]+(?:-[a-z0-9]+)*."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


class DigitsConverter(BaseConverter):
    """Matches \\d+."""

    regex = r"\d+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return super().to_url(str(value))


class RegexConverter(BaseConverter):
    """Matches the pattern given in the rule: ``<regex("[0-9]+"):value>``."""

    def __init__(self, map: Map, regex: str) -> None:
        super().__init__(map)
        self.regex = regex

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return super().to_url(str(value))


def register_converters(app: Flask) -> None:
    """Make the converters above usable in URL rules."""
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["digits"] = DigitsConverter
    app.url_map.converters["regex"] = RegexConverter
