"""JSON API of the authors resource (/api/authors), following flask-smorest's
conventions: paginated list with X-Pagination, ETag on reads, optional If-Match on writes."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError

from ..access import require
from ..crud import SelectPage, api_blueprint, check_if_match, etag_of, get_or_404
from ..extensions import db
from ..models import Author
from .listing import LIST_ARGS, list_query
from .schemas import AuthorPatchSchema, AuthorSchema

blp = api_blueprint(
    "authors_api",
    __name__,
    url_prefix="/api/authors",
    description="Authors: create, read, update and delete Author rows.",
)
RESOURCE = "authors"  # its rules live in access.RESOURCES
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
LOAD = ()


def _get_or_404(id: int) -> Author:
    author: Author = get_or_404(Author, id, LOAD)
    return author


def _apply(author: Author, data: dict[str, Any]) -> None:
    """Copy validated fields onto the row; unknown related ids are a 422."""
    errors: dict[str, list[str]] = {}
    if errors:
        abort(422, errors={"json": errors})
    for name, value in data.items():
        setattr(author, name, value)


def _commit() -> None:
    """Commit; a unique or foreign key clash is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="These values clash with another row.")


@blp.route("/")
class AuthorList(MethodView):
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, AuthorSchema(many=True))
    @blp.paginate(SelectPage, page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any]) -> Select[Any]:
        """List authors: searched, sorted as the list page does."""
        return list_query(args)

    @blp.arguments(AuthorSchema)
    @blp.response(201, AuthorSchema)
    def post(self, data: dict[str, Any]) -> Author:
        """Create a author."""
        author = Author()
        _apply(author, data)
        db.session.add(author)
        _commit()
        return author


@blp.route("/<int:id>")
class AuthorItem(MethodView):
    @blp.response(200, AuthorSchema)
    def get(self, id: int) -> tuple[Author, dict[str, str]]:
        """Get a author, with its ETag."""
        author = _get_or_404(id)
        return author, {"ETag": f'"{etag_of(AuthorSchema().dump(author))}"'}

    @blp.arguments(AuthorSchema)
    @blp.response(200, AuthorSchema)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, data: dict[str, Any], id: int) -> Author:
        """Replace a author's writable fields."""
        return _update(id, data)

    @blp.arguments(AuthorPatchSchema(partial=True))
    @blp.response(200, AuthorSchema)
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict[str, Any], id: int) -> Author:
        """Change some of a author's fields."""
        return _update(id, data)

    @blp.response(204)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id: int) -> None:
        """Delete a author; 409 while other rows still need it."""
        author = _get_or_404(id)
        check_if_match(AuthorSchema().dump(author))
        db.session.delete(author)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, message="Other rows still refer to this one.")


def _update(id: int, data: dict[str, Any]) -> Author:
    author = _get_or_404(id)
    check_if_match(AuthorSchema().dump(author))
    _apply(author, data)
    _commit()
    return author
