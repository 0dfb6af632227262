"""The list of Authors: its search and sort, read from the query string, and
the one statement that the list page and the API's list run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import ColumnElement, Select, select

from ..crud import TEXT, list_args, search, sort
from ..models import Author

PER_PAGE = 20
SORTS = {
    "name": Author.name,
    "email": Author.email,
    "born": Author.born,
}
SORT_KEYS = [*SORTS, *(f"-{key}" for key in SORTS)]
SEARCH = (
    Author.name,
    Author.email,
)
ORDER_BY = (
    Author.name,
    Author.id,
)
LOAD = ()
# The list's query-string arguments, for the pages and (documented) the API.
ListArgs = Schema.from_dict(
    {
        "q": fields.String(
            validate=TEXT,
            metadata={
                "description": "Text that the Name or Email of a row contains (any case)."
            },
        ),
        "sort": fields.String(
            validate=OneOf(SORT_KEYS),
            metadata={
                "description": "A list column; -column sorts it in descending order."
            },
        ),
    },
    name="AuthorListArgs",
)
LIST_ARGS = (
    ListArgs()
)  # one instance for every page: a schema is reusable, and costly to make


def read_args(source: Mapping[str, Any]) -> dict[str, Any]:
    """A page's arguments from its query string; a value that does not parse is left out."""
    return list_args(LIST_ARGS, source)


def conditions(args: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """What the filters given in ``args`` ask of a row."""
    out: list[ColumnElement[bool]] = []
    return out


def list_query(args: Mapping[str, Any]) -> Select[Any]:
    """The list's rows, filtered, searched and sorted as ``args`` say: the one statement
    behind the list page and the API's list."""
    stmt = select(Author).options(*LOAD).where(*conditions(args))
    stmt = search(stmt, args.get("q", "").strip(), SEARCH)
    return sort(stmt, args.get("sort", ""), SORTS, ORDER_BY, Author.id)
