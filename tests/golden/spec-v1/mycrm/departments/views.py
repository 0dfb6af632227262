"""Pages of the departments resource (/departments): list, show, create,
edit and delete Department rows."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from ..access import require
from ..crud import get_or_404, kept, page_number
from ..extensions import db
from ..listing import Listing
from ..models import Department
from .forms import DepartmentForm
from .listing import LOAD, PER_PAGE, list_query, read_args

bp = Blueprint("departments", __name__, url_prefix="/departments")
RESOURCE = "departments"  # its rules live in access.RESOURCES


def _get_or_404(id: int, action: str) -> Department:
    """The row, if the visitor may take ``action`` on it: anonymous visitors are asked to
    log in before anything about the row is looked up."""
    require(RESOURCE, action)
    department: Department = get_or_404(Department, id, LOAD)
    require(RESOURCE, action, department)
    return department


def _render_form(
    form: DepartmentForm, department: Department | None, status: int = 200
) -> ResponseReturnValue:
    form.load_choices()
    return render_template(
        "departments/form.html", form=form, department=department
    ), status


def _save(form: DepartmentForm, department: Department) -> bool:
    """Commit ``department``; a constraint the form could not check becomes a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append("These values clash with another row.")
        return False
    return True


@bp.get("/")
def index() -> ResponseReturnValue:
    """Departments: paginated (?page=), sorted (?sort=name, ?sort=-name); every link keeps
    the search and sort."""
    require(RESOURCE, "read")
    args = read_args(request.args)
    # One COUNT for the page: the pagination and the page's totals all read page.total.
    page = db.paginate(
        list_query(args),
        page=page_number(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        count=True,
    )
    return render_template(
        "departments/index.html",
        listing=Listing(page, args.get("sort", ""), args.get("q", "")),
        keep=kept(args, request.args),
        applied=[],
    )


@bp.get("/new")
def new() -> ResponseReturnValue:
    """The empty form."""
    require(RESOURCE, "create")
    return _render_form(DepartmentForm(), None)


@bp.post("/")
def create() -> ResponseReturnValue:
    """Save a new Department; an invalid form comes back with 422 and nothing saved."""
    require(RESOURCE, "create")
    form = DepartmentForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    department = Department()
    form.populate(department)
    db.session.add(department)
    if not _save(form, department):
        return _render_form(form, None, 422)
    flash("Department created.", "success")
    return redirect(url_for(".show", id=department.id))


@bp.get("/<int:id>")
def show(id: int) -> ResponseReturnValue:
    """Every column and the related rows; 404 if there is no such row."""
    return render_template("departments/show.html", department=_get_or_404(id, "read"))


@bp.get("/<int:id>/edit")
def edit(id: int) -> ResponseReturnValue:
    """The form filled with the row's values."""
    department = _get_or_404(id, "update")
    return _render_form(DepartmentForm.for_row(department), department)


@bp.post("/<int:id>/edit")
def update(id: int) -> ResponseReturnValue:
    """Save the edited row, as create does."""
    department = _get_or_404(id, "update")
    form = DepartmentForm()
    form.edited_key = department.id
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, department, 422)
    form.populate(department)
    if not _save(form, department):
        return _render_form(form, db.session.get(Department, id), 422)
    flash("Department saved.", "success")
    return redirect(url_for(".show", id=department.id))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int) -> ResponseReturnValue:
    """Ask before deleting: a page whose button posts to ``delete`` (no script needed)."""
    department = _get_or_404(id, "delete")
    return render_template("departments/delete.html", department=department)


@bp.post("/<int:id>/delete")
def delete(id: int) -> ResponseReturnValue:
    """Delete the row, unless other rows still need it."""
    department = _get_or_404(id, "delete")
    db.session.delete(department)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Department not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("Department deleted.", "success")
    return redirect(url_for(".index"))
