"""How pages name things by default: humanised names and English plurals.

The spec's ``title``, ``plural`` and ``titles`` keys cover the names these rules get
wrong ("ISBN", "E-book"); everything else is derived here, so the pages, the forms and
the CSV export all say the same.
"""

from __future__ import annotations

import re

# A word boundary inside a class name: "OrderLine" -> "Order|Line", "APIToken" -> "API|Token".
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Plurals the suffix rules get wrong (the last word of a title, lower case).
IRREGULAR = {
    "child": "children", "person": "people", "man": "men", "woman": "women", "mouse": "mice",
    "foot": "feet", "tooth": "teeth", "goose": "geese", "datum": "data", "index": "indexes",
    "criterion": "criteria", "analysis": "analyses", "thesis": "theses", "crisis": "crises",
    "leaf": "leaves", "life": "lives", "knife": "knives", "wife": "wives", "half": "halves",
    "shelf": "shelves", "wolf": "wolves", "quiz": "quizzes", "photo": "photos", "memo": "memos",
    "hero": "heroes", "potato": "potatoes", "tomato": "tomatoes",
}  # fmt: skip
# Words whose plural is the word itself.
UNCOUNTABLE = frozenset(
    {
        "data", "equipment", "feedback", "fish", "information", "media", "metadata", "money",
        "news", "series", "sheep", "species", "staff", "software", "people", "music",
    }
)  # fmt: skip


def human(name: str) -> str:
    """A snake_case name as a label: ``published_at`` -> "Published at", ``no_show`` -> "No show"."""
    text = " ".join(name.replace("_", " ").split())
    return text[:1].upper() + text[1:]


def model_title(name: str) -> str:
    """A class name spaced: ``OrderLine`` -> "Order line", ``APIToken`` -> "API token"."""
    words = _CAMEL_BOUNDARY.sub(" ", name).replace("_", " ").split()
    # Only the first word keeps its capital, unless a word is an acronym (all capitals).
    kept = [w if i == 0 or (w.isupper() and len(w) > 1) else w.lower() for i, w in enumerate(words)]
    return " ".join(kept)


def plural(title: str) -> str:
    """An English plural of a title (its last word): "Book" -> "Books", "Category" ->
    "Categories", "Order line" -> "Order lines", "Person" -> "People"."""
    head, _, last = title.rpartition(" ")
    lower = last.lower()
    if lower in UNCOUNTABLE or not last:
        return title
    if lower in IRREGULAR:
        word = IRREGULAR[lower]
        word = word.upper() if last.isupper() and len(last) > 1 else (word.capitalize() if last[:1].isupper() else word)
    elif last.isupper() and len(last) > 1:
        word = last + "s"  # an acronym: "API" -> "APIs"
    elif lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        word = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word
