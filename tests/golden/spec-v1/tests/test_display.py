"""How the pages show values: NULL as nothing, booleans as badges, enum titles, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mycrm.display import shown, value_title, yes_no


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (0, "0"),
        (Decimal("12.50"), "12.50"),
        (dt.datetime(2024, 5, 1, 10, 30, 45), "2024-05-01 10:30"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (dt.time(9, 5), "09:05"),
    ],
)
def test_shown(value: object, text: str) -> None:
    assert shown(value) == text


def test_yes_no_badges() -> None:
    assert ">yes<" in yes_no(True) and "badge" in yes_no(True)
    assert ">no<" in yes_no(False)
    assert yes_no(None) == ""


def test_an_unknown_value_shows_as_stored() -> None:
    assert value_title("unknown", "Any.column") == "unknown"
    assert value_title(None, "Any.column") == ""
