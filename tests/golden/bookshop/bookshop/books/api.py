"""JSON API of the books resource (/api/books), following flask-smorest's
conventions: paginated list with X-Pagination, ETag on reads, optional If-Match on writes."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import require
from ..crud import (
    SelectPage,
    api_blueprint,
    check_if_match,
    etag_of,
    get_or_404,
    rows_by_id,
    unknown_ids,
)
from ..extensions import db
from ..models import Author, Book, Tag
from .listing import LIST_ARGS, list_query
from .schemas import BookPatchSchema, BookSchema

blp = api_blueprint(
    "books_api",
    __name__,
    url_prefix="/api/books",
    description="Books: create, read, update and delete Book rows.",
)
RESOURCE = "books"  # its rules live in access.RESOURCES
ACTIONS = {
    "GET": "read",
    "HEAD": "read",
    "POST": "create",
    "PUT": "update",
    "PATCH": "update",
    "DELETE": "delete",
}


@blp.before_request
def check_access() -> None:
    """Every call asks the access rules before its input is read: 401 for a caller nobody
    logged in, 403 for one who may not (rows are checked again once loaded)."""
    if request.method in ACTIONS:
        require(RESOURCE, ACTIONS[request.method], api=True)


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag last read; a stale one gets 412. Without it, the write goes ahead.",
}
LOAD = (
    selectinload(Book.author),
    selectinload(Book.tags),
)


def _get_or_404(id: int) -> Book:
    book: Book = get_or_404(Book, id, LOAD)
    return book


def _apply(book: Book, data: dict[str, Any]) -> None:
    """Copy validated fields onto the row; unknown related ids are a 422."""
    errors: dict[str, list[str]] = {}
    if data.get("author_id") is not None and unknown_ids(Author, [data["author_id"]]):
        errors["author_id"] = ["No such row."]
    if "tags" in data and (missing := unknown_ids(Tag, data["tags"])):
        errors["tags"] = [f"Unknown ids: {missing}."]
    if errors:
        abort(422, errors={"json": errors})
    for name, value in data.items():
        if name == "tags":
            value = rows_by_id(Tag, value)
        setattr(book, name, value)


def _commit() -> None:
    """Commit; a unique or foreign key clash is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="These values clash with another row.")


# Anyone may: a bearer token or a login is optional (an unknown token still gets 401).
OPTIONAL_TOKEN: list[dict[str, list[str]]] = [
    {},
    {"bearerAuth": []},
    {"cookieAuth": []},
]


@blp.route("/")
class BookList(MethodView):
    @blp.doc(security=OPTIONAL_TOKEN)
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, BookSchema(many=True))
    @blp.paginate(SelectPage, page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any]) -> Select[Any]:
        """List books: filtered, searched, sorted as the list page does."""
        return list_query(args)

    @blp.arguments(BookSchema)
    @blp.response(201, BookSchema)
    def post(self, data: dict[str, Any]) -> Book:
        """Create a book."""
        book = Book()
        _apply(book, data)
        db.session.add(book)
        _commit()
        return book


@blp.route("/<int:id>")
class BookItem(MethodView):
    @blp.doc(security=OPTIONAL_TOKEN)
    @blp.response(200, BookSchema)
    def get(self, id: int) -> tuple[Book, dict[str, str]]:
        """Get a book, with its ETag."""
        book = _get_or_404(id)
        return book, {"ETag": f'"{etag_of(BookSchema().dump(book))}"'}

    @blp.arguments(BookSchema)
    @blp.response(200, BookSchema)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, data: dict[str, Any], id: int) -> Book:
        """Replace a book's writable fields."""
        return _update(id, data)

    @blp.arguments(BookPatchSchema(partial=True))
    @blp.response(200, BookSchema)
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict[str, Any], id: int) -> Book:
        """Change some of a book's fields."""
        return _update(id, data)

    @blp.response(204)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id: int) -> None:
        """Delete a book; 409 while other rows still need it."""
        book = _get_or_404(id)
        check_if_match(BookSchema().dump(book))
        db.session.delete(book)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, message="Other rows still refer to this one.")


def _update(id: int, data: dict[str, Any]) -> Book:
    book = _get_or_404(id)
    check_if_match(BookSchema().dump(book))
    _apply(book, data)
    _commit()
    return book
