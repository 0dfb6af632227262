"""Pages of the users resource (/people): list, show, create,
edit and delete User rows."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..access import deny, may, require
from ..crud import get_or_404, may_list, page_number, picker_search, search, sort
from ..extensions import db
from ..listing import Listing
from ..models import Department, User
from .forms import PICKERS, UserForm

bp = Blueprint("users", __name__, url_prefix="/people")
RESOURCE = "users"  # its rules live in access.RESOURCES

PER_PAGE = 20
DEPARTMENT_SORT = aliased(Department, name="department_sort")
SORTS = {
    "name": User.name,
    "email": User.email,
    "department": DEPARTMENT_SORT.title,
}
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


def _get_or_404(id: int, action: str) -> User:
    """The row, if the visitor may take ``action`` on it: anonymous visitors are asked to
    log in before anything about the row is looked up."""
    require(RESOURCE, action)
    user: User = get_or_404(User, id, LOAD)
    require(RESOURCE, action, user)
    return user


def _render_form(
    form: UserForm, user: User | None, status: int = 200
) -> ResponseReturnValue:
    form.load_choices()
    return render_template("users/form.html", form=form, user=user), status


def _save(form: UserForm, user: User) -> bool:
    """Commit ``user``; a constraint the form could not check becomes a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append("These values clash with another row.")
        return False
    return True


@bp.get("/")
def index() -> ResponseReturnValue:
    """Users: paginated (?page=), sorted (?sort=name, ?sort=-name), searched (?q=)."""
    require(RESOURCE, "read")
    key = request.args.get("sort", "")
    text = request.args.get("q", "").strip()
    stmt = sort(
        search(select(User).options(*LOAD), text, SEARCH),
        key,
        SORTS,
        ORDER_BY,
        User.id,
        JOINS,
    )
    page = db.paginate(
        stmt, page=page_number(), per_page=PER_PAGE, max_per_page=PER_PAGE, count=True
    )
    return render_template("users/index.html", listing=Listing(page, key, text))


@bp.get("/new")
def new() -> ResponseReturnValue:
    """The empty form."""
    require(RESOURCE, "create")
    return _render_form(UserForm(), None)


@bp.post("/")
def create() -> ResponseReturnValue:
    """Save a new User; an invalid form comes back with 422 and nothing saved."""
    require(RESOURCE, "create")
    form = UserForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    user = User()
    form.populate(user)
    db.session.add(user)
    if not _save(form, user):
        return _render_form(form, None, 422)
    flash("User created.", "success")
    return redirect(url_for(".show", id=user.id))


@bp.get("/<int:id>")
def show(id: int) -> ResponseReturnValue:
    """Every column and the related rows; 404 if there is no such row."""
    return render_template("users/show.html", user=_get_or_404(id, "read"))


@bp.get("/<int:id>/edit")
def edit(id: int) -> ResponseReturnValue:
    """The form filled with the row's values."""
    user = _get_or_404(id, "update")
    return _render_form(UserForm.for_row(user), user)


@bp.post("/<int:id>/edit")
def update(id: int) -> ResponseReturnValue:
    """Save the edited row, as create does."""
    user = _get_or_404(id, "update")
    form = UserForm()
    form.edited_key = user.id
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, user, 422)
    form.populate(user)
    if not _save(form, user):
        return _render_form(form, db.session.get(User, id), 422)
    flash("User saved.", "success")
    return redirect(url_for(".show", id=user.id))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int) -> ResponseReturnValue:
    """Ask before deleting: a page whose button posts to ``delete`` (no script needed)."""
    user = _get_or_404(id, "delete")
    return render_template("users/delete.html", user=user)


@bp.post("/<int:id>/delete")
def delete(id: int) -> ResponseReturnValue:
    """Delete the row, unless other rows still need it."""
    user = _get_or_404(id, "delete")
    db.session.delete(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("User not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("User deleted.", "success")
    return redirect(url_for(".index"))


@bp.get("/options/<field>")
def options(field: str) -> ResponseReturnValue:
    """A picker's rows matching ``?q=``, as JSON: the form searches here when a
    select has more rows than it loads."""
    if not (may(RESOURCE, "create") or may(RESOURCE, "update")):
        deny()  # the form's own visitors only
    picker = PICKERS.get(field)
    if picker is None:
        abort(404)
    if not may_list(picker):
        abort(401)  # the picked rows' own pages need a login
    return jsonify(picker_search(picker, request.args.get("q", "").strip()))
