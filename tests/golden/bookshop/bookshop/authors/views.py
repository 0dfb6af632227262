"""Pages of the authors resource (/authors): list, show, create,
edit and delete Author rows."""

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
from ..models import Author
from .forms import AuthorForm
from .listing import LOAD, PER_PAGE, list_query, read_args

bp = Blueprint("authors", __name__, url_prefix="/authors")
RESOURCE = "authors"  # its rules live in access.RESOURCES


def _get_or_404(id: int, action: str) -> Author:
    """The row, if the visitor may take ``action`` on it: anonymous visitors are asked to
    log in before anything about the row is looked up."""
    require(RESOURCE, action)
    author: Author = get_or_404(Author, id, LOAD)
    return author


def _render_form(
    form: AuthorForm, author: Author | None, status: int = 200
) -> ResponseReturnValue:
    form.load_choices()
    return render_template("authors/form.html", form=form, author=author), status


def _save(form: AuthorForm, author: Author) -> bool:
    """Commit ``author``; a constraint the form could not check becomes a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append("These values clash with another row.")
        return False
    return True


@bp.get("/")
def index() -> ResponseReturnValue:
    """Authors: paginated (?page=), sorted (?sort=name, ?sort=-name), searched (?q=); every link keeps
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
        "authors/index.html",
        listing=Listing(page, args.get("sort", ""), args.get("q", "")),
        keep=kept(args, request.args),
        applied=[],
    )


@bp.get("/new")
def new() -> ResponseReturnValue:
    """The empty form."""
    require(RESOURCE, "create")
    return _render_form(AuthorForm(), None)


@bp.post("/")
def create() -> ResponseReturnValue:
    """Save a new Author; an invalid form comes back with 422 and nothing saved."""
    require(RESOURCE, "create")
    form = AuthorForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    author = Author()
    form.populate(author)
    db.session.add(author)
    if not _save(form, author):
        return _render_form(form, None, 422)
    flash("Author created.", "success")
    return redirect(url_for(".show", id=author.id))


@bp.get("/<int:id>")
def show(id: int) -> ResponseReturnValue:
    """Every column and the related rows; 404 if there is no such row."""
    return render_template("authors/show.html", author=_get_or_404(id, "read"))


@bp.get("/<int:id>/edit")
def edit(id: int) -> ResponseReturnValue:
    """The form filled with the row's values."""
    author = _get_or_404(id, "update")
    return _render_form(AuthorForm.for_row(author), author)


@bp.post("/<int:id>/edit")
def update(id: int) -> ResponseReturnValue:
    """Save the edited row, as create does."""
    author = _get_or_404(id, "update")
    form = AuthorForm()
    form.edited_key = author.id
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, author, 422)
    form.populate(author)
    if not _save(form, author):
        return _render_form(form, db.session.get(Author, id), 422)
    flash("Author saved.", "success")
    return redirect(url_for(".show", id=author.id))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int) -> ResponseReturnValue:
    """Ask before deleting: a page whose button posts to ``delete`` (no script needed)."""
    author = _get_or_404(id, "delete")
    return render_template("authors/delete.html", author=author)


@bp.post("/<int:id>/delete")
def delete(id: int) -> ResponseReturnValue:
    """Delete the row, unless other rows still need it."""
    author = _get_or_404(id, "delete")
    db.session.delete(author)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Author not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("Author deleted.", "success")
    return redirect(url_for(".index"))
