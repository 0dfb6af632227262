"""What a list page shows around its rows: sort links with their direction, the search
that is applied and a link that clears it, and links to the other pages with "rows
X–Y of N". Every link keeps the list's other query arguments (search, sort, filters).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination

# aria-sort value -> the arrow a sorted column's heading shows
ARROWS = {"ascending": "▲", "descending": "▼", "none": ""}


@dataclass(frozen=True)
class Listing:
    """One page of a list: its rows (``page``), and ``?sort=`` and ``?q=`` as applied."""

    page: Pagination
    sort: str = ""
    q: str = ""

    def url(self, **changes: Any) -> str:
        """This list's URL with ``changes`` to its query arguments (None removes one)."""
        args: dict[
            str, Any
        ] = {}  # name -> its values: url_for repeats a name per value
        for name, value in request.args.items(multi=True):
            if value:
                args.setdefault(name, []).append(value)
        for name, change in changes.items():
            args.pop(name, None)
            if change is not None:
                args[name] = [str(change)]
        return url_for(str(request.endpoint), **(request.view_args or {}), **args)

    def direction(self, name: str) -> str:
        """How the list is sorted by ``name``: ascending, descending or none (as aria-sort says)."""
        if self.sort == name:
            return "ascending"
        if self.sort == f"-{name}":
            return "descending"
        return "none"

    def arrow(self, name: str) -> str:
        """▲ or ▼ when the list is sorted by ``name``, else nothing."""
        return ARROWS[self.direction(name)]

    def sort_url(self, name: str) -> str:
        """Sorted by ``name``, or the other way when it already is; from the first page."""
        return self.url(sort=f"-{name}" if self.sort == name else name, page=None)

    def page_url(self, number: int) -> str:
        """Page ``number`` of this list, as sorted, searched and filtered."""
        return self.url(page=number if number > 1 else None)

    @property
    def clear_search_url(self) -> str:
        """This list without its search."""
        return self.url(q=None, page=None)

    def numbers(self) -> Iterator[int | None]:
        """The page numbers the pagination links: the ends and those around this page
        (None where it skips some)."""
        return self.page.iter_pages(
            left_edge=1, left_current=2, right_current=2, right_edge=1
        )
