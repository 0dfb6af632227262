"""The list of Books: its filters, search and sort, read from the query string, and
the one statement that the list page, the API's list and the CSV export run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import aliased, selectinload

from ..crud import (
    BOUNDED,
    INT32,
    TEXT,
    Picker,
    UtcDateTime,
    list_args,
    picker_options,
    search,
    sort,
)
from ..models import Author, Book

PER_PAGE = 20
AUTHOR_SORT = aliased(Author, name="author_sort")
SORTS = {
    "title": Book.title,
    "author": AUTHOR_SORT.name,
    "format": Book.format,
    "price": Book.price,
    "in_stock": Book.in_stock,
}
SORT_KEYS = [*SORTS, *(f"-{key}" for key in SORTS)]
JOINS = {  # a related row's label is sorted by through a join
    "author": Book.author.of_type(AUTHOR_SORT),
}
SEARCH = (
    Book.title,
    Book.isbn,
)
ORDER_BY = (
    Book.created_at.desc(),
    Book.title,
    Book.id,
)
LOAD = (
    selectinload(Book.author),
    selectinload(Book.tags),
)  # eager: one query per relationship, whatever the page size
FORMAT_TITLES = {  # the enum's values as pages show them
    "hardcover": "Hardcover",
    "paperback": "Paperback",
    "ebook": "E-book",
}
AUTHOR_FILTER: Picker = (
    Author.name,
    Author.id,
    "",
    (("user",),),
)  # the filter's rows: (label, key, blank choice, read rules)
# The list's query-string arguments, for the pages and (documented) the API.
ListArgs = Schema.from_dict(
    {
        "q": fields.String(
            validate=TEXT,
            metadata={
                "description": "Text that the Title or ISBN of a row contains (any case)."
            },
        ),
        "sort": fields.String(
            validate=OneOf(SORT_KEYS),
            metadata={
                "description": "A list column; -column sorts it in descending order."
            },
        ),
        "author": fields.Integer(validate=INT32),
        "format": fields.String(validate=OneOf(["hardcover", "paperback", "ebook"])),
        "in_stock": fields.Boolean(),
        "price_from": fields.Decimal(**BOUNDED),
        "price_to": fields.Decimal(**BOUNDED),
        "published_at_from": UtcDateTime(),
        "published_at_to": UtcDateTime(),
    },
    name="BookListArgs",
)
LIST_ARGS = (
    ListArgs()
)  # one instance for every page: a schema is reusable, and costly to make
LABELS = {  # how the page names each applied argument
    "author": "Author",
    "format": "Format",
    "in_stock": "In stock",
    "price_from": "Price from",
    "price_to": "Price to",
    "published_at_from": "Published at from",
    "published_at_to": "Published at to",
}
HEADERS = (
    "Title",
    "Author",
    "Format",
    "Price",
    "In stock",
)


def read_args(source: Mapping[str, Any]) -> dict[str, Any]:
    """A page's arguments from its query string; a value that does not parse is left out."""
    return list_args(LIST_ARGS, source)


def conditions(args: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """What the filters given in ``args`` ask of a row."""
    out: list[ColumnElement[bool]] = []
    if args.get("author") is not None:
        out.append(Book.author_id == args["author"])
    if args.get("format") is not None:
        out.append(Book.format == args["format"])
    if args.get("in_stock") is not None:
        out.append(Book.in_stock == args["in_stock"])
    if args.get("price_from") is not None:
        out.append(Book.price >= args["price_from"])
    if args.get("price_to") is not None:
        out.append(Book.price <= args["price_to"])
    if args.get("published_at_from") is not None:
        out.append(Book.published_at >= args["published_at_from"])
    if args.get("published_at_to") is not None:
        out.append(Book.published_at <= args["published_at_to"])
    return out


def list_query(args: Mapping[str, Any]) -> Select[Any]:
    """The list's rows, filtered, searched and sorted as ``args`` say: the one statement
    behind the list page, the API's list and the CSV export."""
    stmt = select(Book).options(*LOAD).where(*conditions(args))
    stmt = search(stmt, args.get("q", "").strip(), SEARCH)
    return sort(stmt, args.get("sort", ""), SORTS, ORDER_BY, Book.id, JOINS)


def filter_choices(args: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    """The options of the filters' selects (value -> label), by argument."""
    return {
        "author": picker_options(AUTHOR_FILTER, args.get("author")),
        "format": FORMAT_TITLES,
    }


def csv_cells(row: Book) -> list[Any]:
    """A row of the export: the list's columns, as the list shows them."""
    return [
        row.title,
        row.author.name if row.author is not None else None,
        FORMAT_TITLES.get(row.format, row.format),
        row.price,
        row.in_stock,
    ]
