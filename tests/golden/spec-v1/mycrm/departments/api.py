"""JSON API of the departments resource (/api/departments), following flask-smorest's
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
from ..models import Department
from .listing import LIST_ARGS, list_query
from .schemas import DepartmentPatchSchema, DepartmentSchema

blp = api_blueprint(
    "departments_api",
    __name__,
    url_prefix="/api/departments",
    description="Departments: create, read, update and delete Department rows.",
)
RESOURCE = "departments"  # its rules live in access.RESOURCES
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


def _get_or_404(id: int, action: str) -> Department:
    """The row, if the caller may take ``action`` on it (an owner rule needs the row)."""
    department: Department = get_or_404(Department, id, LOAD)
    require(RESOURCE, action, department, api=True)
    return department


def _apply(department: Department, data: dict[str, Any]) -> None:
    """Copy validated fields onto the row; unknown related ids are a 422."""
    errors: dict[str, list[str]] = {}
    if errors:
        abort(422, errors={"json": errors})
    for name, value in data.items():
        setattr(department, name, value)


def _commit() -> None:
    """Commit; a unique or foreign key clash is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="These values clash with another row.")


@blp.route("/")
class DepartmentList(MethodView):
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, DepartmentSchema(many=True))
    @blp.paginate(SelectPage, page_size=20, max_page_size=100)
    def get(self, args: dict[str, Any]) -> Select[Any]:
        """List departments: sorted as the list page does."""
        return list_query(args)

    @blp.arguments(DepartmentSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data: dict[str, Any]) -> Department:
        """Create a department."""
        department = Department()
        _apply(department, data)
        db.session.add(department)
        _commit()
        return department


@blp.route("/<int:id>")
class DepartmentItem(MethodView):
    @blp.response(200, DepartmentSchema)
    def get(self, id: int) -> tuple[Department, dict[str, str]]:
        """Get a department, with its ETag."""
        department = _get_or_404(id, "read")
        return department, {"ETag": f'"{etag_of(DepartmentSchema().dump(department))}"'}

    @blp.arguments(DepartmentSchema)
    @blp.response(200, DepartmentSchema)
    @blp.doc(parameters=[IF_MATCH])
    def put(self, data: dict[str, Any], id: int) -> Department:
        """Replace a department's writable fields."""
        return _update(id, data)

    @blp.arguments(DepartmentPatchSchema(partial=True))
    @blp.response(200, DepartmentSchema)
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict[str, Any], id: int) -> Department:
        """Change some of a department's fields."""
        return _update(id, data)

    @blp.response(204)
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, id: int) -> None:
        """Delete a department; 409 while other rows still need it."""
        department = _get_or_404(id, "delete")
        check_if_match(DepartmentSchema().dump(department))
        db.session.delete(department)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            abort(409, message="Other rows still refer to this one.")


def _update(id: int, data: dict[str, Any]) -> Department:
    department = _get_or_404(id, "update")
    check_if_match(DepartmentSchema().dump(department))
    _apply(department, data)
    _commit()
    return department
