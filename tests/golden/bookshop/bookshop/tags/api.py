"""JSON API of the tags resource (/api/tags), following flask-smorest's
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
from ..models import Book, Tag
from .listing import LIST_ARGS, list_query
from .schemas import TagPatchSchema, TagSchema

blp = api_blueprint(
    "tags_api",
    __name__,
    url_prefix="/api/tags",
    description="Tags: create, read, update and delete Tag rows.",
)
RESOURCE = "tags"  # its rules live in access.RESOURCES
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
LOAD = (selectinload(Tag.books),)


def _get_or_404(id: int) -> Tag:
    tag: Tag = get_or_404(Tag, id, LOAD)
    return tag


def _apply(tag: Tag, data: dict[str, Any]) -> None:
    """Copy validated fields onto the row; unknown related ids are a 422."""
    errors: dict[str, list[str]] = {}
    if "books" in data and (missing := unknown_ids(Book, data["books"])):
        errors["books"] = [f"Unknown ids: {missing}."]
    if errors:
        abort(422, errors={"json": errors})
    for name, value in data.items():
        if name == "books":
            value = rows_by_id(Book, value)
        setattr(tag, name, value)


def _commit() -> None:
    """Commit; a unique or foreign key clash is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="These values clash with another row.")


@blp.route("/")
class TagList(MethodView):
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, TagSchema(many=True))
    @blp.paginate(SelectPage, page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any]) -> Select[Any]:
        """List tags: sorted as the list page does."""
        return list_query(args)

    @blp.arguments(TagSchema)
    @blp.response(201, TagSchema)
    def post(self, data: dict[str, Any]) -> Tag:
        """Create a tag."""
        tag = Tag()
        _apply(tag, data)
        db.session.add(tag)
        _commit()
        return tag


@blp.route("/<int:id>")
class TagItem(MethodView):
    @blp.response(200, TagSchema)
    def get(self, id: int) -> tuple[Tag, dict[str, str]]:
        """Get a tag, with its ETag."""
        tag = _get_or_404(id)
        return tag, {"ETag": f'"{etag_of(TagSchema().dump(tag))}"'}

    @blp.arguments(TagSchema)
    @blp.response(200, TagSchema)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, data: dict[str, Any], id: int) -> Tag:
        """Replace a tag's writable fields."""
        return _update(id, data)

    @blp.arguments(TagPatchSchema(partial=True))
    @blp.response(200, TagSchema)
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict[str, Any], id: int) -> Tag:
        """Change some of a tag's fields."""
        return _update(id, data)

    @blp.response(204)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id: int) -> None:
        """Delete a tag; 409 while other rows still need it."""
        tag = _get_or_404(id)
        check_if_match(TagSchema().dump(tag))
        db.session.delete(tag)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, message="Other rows still refer to this one.")


def _update(id: int, data: dict[str, Any]) -> Tag:
    tag = _get_or_404(id)
    check_if_match(TagSchema().dump(tag))
    _apply(tag, data)
    _commit()
    return tag
