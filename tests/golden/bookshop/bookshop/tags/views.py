"""Pages of the tags resource (/tags): list, show, create,
edit and delete Tag rows."""

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
from ..crud import get_or_404, kept, may_list, page_number, picker_search
from ..extensions import db
from ..listing import Listing
from ..models import Tag
from .forms import PICKERS, TagForm
from .listing import LOAD, PER_PAGE, list_query, read_args

bp = Blueprint("tags", __name__, url_prefix="/tags")
RESOURCE = "tags"  # its rules live in access.RESOURCES


def _get_or_404(id: int, action: str) -> Tag:
    """The row, if the visitor may take ``action`` on it: anonymous visitors are asked to
    log in before anything about the row is looked up."""
    require(RESOURCE, action)
    tag: Tag = get_or_404(Tag, id, LOAD)
    return tag


def _render_form(
    form: TagForm, tag: Tag | None, status: int = 200
) -> ResponseReturnValue:
    form.load_choices()
    return render_template("tags/form.html", form=form, tag=tag), status


def _save(form: TagForm, tag: Tag) -> bool:
    """Commit ``tag``; a constraint the form could not check becomes a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append("These values clash with another row.")
        return False
    return True


@bp.get("/")
def index() -> ResponseReturnValue:
    """Tags: paginated (?page=), sorted (?sort=name, ?sort=-name); every link keeps
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
        "tags/index.html",
        listing=Listing(page, args.get("sort", ""), args.get("q", "")),
        keep=kept(args, request.args),
        applied=[],
    )


@bp.get("/new")
def new() -> ResponseReturnValue:
    """The empty form."""
    require(RESOURCE, "create")
    return _render_form(TagForm(), None)


@bp.post("/")
def create() -> ResponseReturnValue:
    """Save a new Tag; an invalid form comes back with 422 and nothing saved."""
    require(RESOURCE, "create")
    form = TagForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    tag = Tag()
    form.populate(tag)
    db.session.add(tag)
    if not _save(form, tag):
        return _render_form(form, None, 422)
    flash("Tag created.", "success")
    return redirect(url_for(".show", id=tag.id))


@bp.get("/<int:id>")
def show(id: int) -> ResponseReturnValue:
    """Every column and the related rows; 404 if there is no such row."""
    return render_template("tags/show.html", tag=_get_or_404(id, "read"))


@bp.get("/<int:id>/edit")
def edit(id: int) -> ResponseReturnValue:
    """The form filled with the row's values."""
    tag = _get_or_404(id, "update")
    return _render_form(TagForm.for_row(tag), tag)


@bp.post("/<int:id>/edit")
def update(id: int) -> ResponseReturnValue:
    """Save the edited row, as create does."""
    tag = _get_or_404(id, "update")
    form = TagForm()
    form.edited_key = tag.id
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, tag, 422)
    form.populate(tag)
    if not _save(form, tag):
        return _render_form(form, db.session.get(Tag, id), 422)
    flash("Tag saved.", "success")
    return redirect(url_for(".show", id=tag.id))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int) -> ResponseReturnValue:
    """Ask before deleting: a page whose button posts to ``delete`` (no script needed)."""
    tag = _get_or_404(id, "delete")
    return render_template("tags/delete.html", tag=tag)


@bp.post("/<int:id>/delete")
def delete(id: int) -> ResponseReturnValue:
    """Delete the row, unless other rows still need it."""
    tag = _get_or_404(id, "delete")
    db.session.delete(tag)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Tag not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("Tag deleted.", "success")
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
