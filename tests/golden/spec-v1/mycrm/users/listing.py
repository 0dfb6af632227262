"""The list of People: its filters, search and sort, read from the query string, and
the one statement that the list page, the API's list and the CSV export run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields
from marshmallow.validate import OneOf
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import aliased, selectinload

from ..crud import INT32, TEXT, Picker, list_args, picker_options, search, sort
from ..models import Department, User

PER_PAGE = 20
DEPARTMENT_SORT = aliased(Department, name="department_sort")
SORTS = {
    "name": User.name,
    "email": User.email,
    "department": DEPARTMENT_SORT.title,
}
SORT_KEYS = [*SORTS, *(f"-{key}" for key in SORTS)]
JOINS = {  # a related row's label is sorted by through a join
    "department": User.department.of_type(DEPARTMENT_SORT),
}
SEARCH = (
    User.name,
    User.email,
)
ORDER_BY = (
    User.created_at.desc(),
    User.name,
    User.id,
)
LOAD = (
    selectinload(User.department),
    selectinload(User.tags),
)  # eager: one query per relationship, whatever the page size
DEPARTMENT_FILTER: Picker = (
    Department.title,
    Department.id,
    "",
    (("user",),),
)  # the filter's rows: (label, key, blank choice, read rules)
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
        "department": fields.Integer(validate=INT32),
        "active": fields.Boolean(),
        "joined_from": fields.Date(),
        "joined_to": fields.Date(),
    },
    name="UserListArgs",
)
LIST_ARGS = (
    ListArgs()
)  # one instance for every page: a schema is reusable, and costly to make
LABELS = {  # how the page names each applied argument
    "department": "Department",
    "active": "Active",
    "joined_from": "Joined from",
    "joined_to": "Joined to",
}
HEADERS = (
    "Name",
    "Email",
    "Department",
)


def read_args(source: Mapping[str, Any]) -> dict[str, Any]:
    """A page's arguments from its query string; a value that does not parse is left out."""
    return list_args(LIST_ARGS, source)


def conditions(args: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """What the filters given in ``args`` ask of a row."""
    out: list[ColumnElement[bool]] = []
    if args.get("department") is not None:
        out.append(User.depart_id == args["department"])
    if args.get("active") is not None:
        out.append(User.active == args["active"])
    if args.get("joined_from") is not None:
        out.append(User.joined >= args["joined_from"])
    if args.get("joined_to") is not None:
        out.append(User.joined <= args["joined_to"])
    return out


def list_query(args: Mapping[str, Any]) -> Select[Any]:
    """The list's rows, filtered, searched and sorted as ``args`` say: the one statement
    behind the list page, the API's list and the CSV export."""
    stmt = select(User).options(*LOAD).where(*conditions(args))
    stmt = search(stmt, args.get("q", "").strip(), SEARCH)
    return sort(stmt, args.get("sort", ""), SORTS, ORDER_BY, User.id, JOINS)


def filter_choices(args: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    """The options of the filters' selects (value -> label), by argument."""
    return {
        "department": picker_options(DEPARTMENT_FILTER, args.get("department")),
    }


def csv_cells(row: User) -> list[Any]:
    """A row of the export: the list's columns, as the list shows them."""
    return [
        row.name,
        row.email,
        row.department.title if row.department is not None else None,
    ]
