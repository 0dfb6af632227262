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
from sqlalchemy.exc import IntegrityError

from ..access import deny, may, require
from ..crud import (
    applied_filters,
    csv_response,
    get_or_404,
    kept,
    may_list,
    page_number,
    picker_search,
)
from ..extensions import db
from ..listing import Listing
from ..models import User
from .forms import PICKERS, UserForm
from .listing import (
    HEADERS,
    LABELS,
    LOAD,
    PER_PAGE,
    csv_cells,
    filter_choices,
    list_query,
    read_args,
)

bp = Blueprint("users", __name__, url_prefix="/people")
RESOURCE = "users"  # its rules live in access.RESOURCES


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
    """People: paginated (?page=), sorted (?sort=name, ?sort=-name), searched (?q=), filtered; every link keeps
    the filters, search and sort."""
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
    choices = filter_choices(args)
    return render_template(
        "users/index.html",
        listing=Listing(page, args.get("sort", ""), args.get("q", "")),
        keep=kept(args, request.args),
        args=args,
        choices=choices,
        applied=applied_filters(args, LABELS, choices),
    )


@bp.get("/export.csv")
def export() -> ResponseReturnValue:
    """The list as CSV: its filtered, sorted rows of every page, streamed."""
    require(RESOURCE, "read")
    return csv_response(
        "users.csv", HEADERS, list_query(read_args(request.args)), csv_cells
    )


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
    flash("Person created.", "success")
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
    flash("Person saved.", "success")
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
        flash("Person not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("Person deleted.", "success")
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
