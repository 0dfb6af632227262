"""How pages name things: models, columns and enum values, as the spec's ``title``,
``plural`` and ``titles`` keys say, else humanised from their names ("in_stock" -> "In
stock", "no_show" -> "No show", "OrderLine" -> "Order line"; the rules live in
``flaskgen/core/spec/words.py``, which fills those keys' defaults).
"""

from __future__ import annotations

from flaskgen.core.spec.types import Column, Model
from flaskgen.core.spec.words import human, plural

__all__ = ["column_title", "human", "model_title", "plural", "value_titles"]


def model_title(model: Model) -> str:
    """How pages name one row of ``model``: its ``title`` ("Order line" by default)."""
    return model.title


def column_title(column: Column) -> str:
    """A column's heading and form label: its ``title`` ("Published at" by default)."""
    return column.title


def value_titles(column: Column) -> tuple[tuple[str, str], ...]:
    """(stored value, shown title) of an enum column's values; the stored values never change."""
    return column.titles
