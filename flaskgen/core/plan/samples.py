"""Sample text for the generated tests, shaped like what the column holds.

A sample is a ``str.format`` template over ``n``, a number unique per row, ``k``,
the same number in base 62 (ASCII letters and digits) with its lowest digit first
(``code(n)`` in the generated tests/test_models.py; cut to a short column's length, it
still keeps rows apart), and ``c``, one of 398 characters (``letter(n)``: a one-character
column needs more values than 62 for a test's rows). Values look like the column's data where its name says what that is
(``email`` -> ``user{n}@example.com``) and always fit its ``length``, so a validator a
person adds to the form later (Email, URL, Length) still accepts them.
"""

from __future__ import annotations

from flaskgen.core.spec.types import Column, Model

# The widest number the tests put in a sample (their counters stay below 100000).
NUMBER_WIDTH = 5
# Column name parts -> a sample of that kind of data.
SHAPED = (
    (("email", "e_mail", "mail"), "user{n}@example.com"),
    (("url", "website", "homepage", "link"), "https://example.com/{n}"),
    (("phone", "mobile", "fax"), "+1 555 {n}"),
)


def text_sample(name: str, length: int | None) -> str:
    """A format template for a text column named ``name`` of at most ``length`` characters."""
    limit = length if length is not None else 1000
    words = name.lower().split("_")
    for parts, template in SHAPED:
        fits = len(template.replace("{n}", "")) + NUMBER_WIDTH <= limit
        if fits and any(part in words or name.lower().endswith(part) for part in parts):
            return template
    if limit > NUMBER_WIDTH:
        return f"{name[: limit - NUMBER_WIDTH]}{{n}}"
    return f"{{k:.{limit}}}" if limit > 1 else "{c}"


def is_short(template: str) -> bool:
    """The sample is a cut-down code (its values may be single characters)."""
    return template.startswith(("{k", "{c}"))


def text_sample_expr(name: str, length: int | None) -> str:
    """The same sample as a Python expression over a local ``n``."""
    template = text_sample(name, length)
    if is_short(template):
        return "letter(n)" if template == "{c}" else f"code(n)[:{length}]"
    return f'f"{template}"'



def uses_codes(models: tuple[Model, ...]) -> bool:
    """Some text column is too short for a number: the tests need ``code`` and ``letter``."""
    return any(
        c.type in ("string", "text") and is_short(text_sample(c.name, c.length)) for m in models for c in m.columns
    )


def numeric_sample(precision: int | None, scale: int | None) -> str:
    """A format template for a NUMERIC(precision, scale) column's value, unique per row
    where the column has the digits: ``{n}`` where it fits before the point, else
    ``n`` moved past the point (``{n}E-3``), or its last digits (``{m[2]}``: ``n % 100``)
    when the column has fewer digits than ``n``. It needs no rounding to ``scale``."""
    if precision is None or precision - (scale or 0) >= NUMBER_WIDTH:
        return "{n}.25"
    digits = min(precision, NUMBER_WIDTH)
    shift = max(0, digits - (precision - (scale or 0)))
    number = "{n}" if digits == NUMBER_WIDTH else f"{{m[{digits}]}}"
    return f"{number}E-{shift}" if shift else number


def numeric_sample_expr(precision: int | None, scale: int | None) -> str:
    """The same sample as a Python expression over a local ``n`` (a ``decimal.Decimal``)."""
    if precision is None or precision - (scale or 0) >= NUMBER_WIDTH:
        return "decimal.Decimal(n)"
    digits = min(precision, NUMBER_WIDTH)
    shift = max(0, digits - (precision - (scale or 0)))
    number = "n" if digits == NUMBER_WIDTH else f"n % {10**digits}"
    return f"decimal.Decimal({number}).scaleb(-{shift})" if shift else f"decimal.Decimal({number})"


def room(column: Column) -> int | None:
    """How many rows a unique column's samples can tell apart, where that is fewer than
    the tests' rows may need (an enum's values, a NUMERIC of few digits); else None."""
    if not column.unique:
        return None
    if column.type == "enum":
        return len(column.values)
    if column.type == "numeric" and column.precision is not None and column.precision < NUMBER_WIDTH:
        return int(10**column.precision)
    return None


# Samples of unique dates and times: one of its own per row (a day's 1440 times of day).
UNIQUE_TIMES = {
    "date": "datetime.date(2024, 1, 1) + datetime.timedelta(days=n)",
    "datetime": "datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n)",
    "time": "datetime.time(n // 60 % 24, n % 60)",
}
