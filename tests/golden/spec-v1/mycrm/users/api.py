"""JSON API of the users resource (/api/people), following flask-smorest's
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
from ..models import Department, Tag, User
from .listing import LIST_ARGS, list_query
from .schemas import UserPatchSchema, UserSchema

blp = api_blueprint(
    "users_api",
    __name__,
    url_prefix="/api/people",
    description="People: create, read, update and delete User rows.",
)
RESOURCE = "users"  # its rules live in access.RESOURCES
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
    selectinload(User.department),
    selectinload(User.tags),
)


def _get_or_404(id: int, action: str) -> User:
    """The row, if the caller may take ``action`` on it (an owner rule needs the row)."""
    user: User = get_or_404(User, id, LOAD)
    require(RESOURCE, action, user, api=True)
    return user


def _apply(user: User, data: dict[str, Any]) -> None:
    """Copy validated fields onto the row; unknown related ids are a 422."""
    errors: dict[str, list[str]] = {}
    if data.get("depart_id") is not None and unknown_ids(
        Department, [data["depart_id"]]
    ):
        errors["depart_id"] = ["No such row."]
    if "tags" in data and (missing := unknown_ids(Tag, data["tags"])):
        errors["tags"] = [f"Unknown ids: {missing}."]
    if errors:
        abort(422, errors={"json": errors})
    for name, value in data.items():
        if name == "tags":
            value = rows_by_id(Tag, value)
        setattr(user, name, value)


def _commit() -> None:
    """Commit; a unique or foreign key clash is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="These values clash with another row.")


@blp.route("/")
class UserList(MethodView):
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(SelectPage, page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any]) -> Select[Any]:
        """List people: filtered, searched, sorted as the list page does."""
        return list_query(args)

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> User:
        """Create a person."""
        user = User()
        _apply(user, data)
        db.session.add(user)
        _commit()
        return user


@blp.route("/<int:id>")
class UserItem(MethodView):
    @blp.response(200, UserSchema)
    def get(self, id: int) -> tuple[User, dict[str, str]]:
        """Get a person, with its ETag."""
        user = _get_or_404(id, "read")
        return user, {"ETag": f'"{etag_of(UserSchema().dump(user))}"'}

    @blp.arguments(UserSchema)
    @blp.response(200, UserSchema)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, data: dict[str, Any], id: int) -> User:
        """Replace a person's writable fields."""
        return _update(id, data)

    @blp.arguments(UserPatchSchema(partial=True))
    @blp.response(200, UserSchema)
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict[str, Any], id: int) -> User:
        """Change some of a person's fields."""
        return _update(id, data)

    @blp.response(204)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id: int) -> None:
        """Delete a person; 409 while other rows still need it."""
        user = _get_or_404(id, "delete")
        check_if_match(UserSchema().dump(user))
        db.session.delete(user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, message="Other rows still refer to this one.")


def _update(id: int, data: dict[str, Any]) -> User:
    user = _get_or_404(id, "update")
    check_if_match(UserSchema().dump(user))
    _apply(user, data)
    _commit()
    return user
