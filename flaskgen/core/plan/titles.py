"""How pages name things: models, columns and enum values, humanised from their names
("in_stock" -> "In stock", "no_show" -> "No show", "OrderLine" -> "Order line").

One home for these names, so that a title the spec gives (a column's ``title``, an
enum's ``titles``) can take over here without touching the templates.
"""

from __future__ import annotations

from flaskgen.core.spec.base import snake
from flaskgen.core.spec.types import Column, Model


def human(name: str) -> str:
    """``name`` as words, the first capitalised: "published_at" -> "Published at"."""
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def plural(word: str) -> str:
    """A regular English plural: "Category" -> "Categories", "Box" -> "Boxes"."""
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def model_title(model: Model) -> str:
    """How pages name one row of ``model``: "OrderLine" -> "Order line"."""
    return human(snake(model.name))


def column_title(column: Column) -> str:
    """A column's heading and form label."""
    return human(column.name)


def value_titles(column: Column) -> tuple[tuple[str, str], ...]:
    """(stored value, shown title) of an enum column's values; the stored values never change."""
    return tuple((value, human(value)) for value in column.values)
