"""Pages of the books resource (/books): list, show, create,
edit and delete Book rows."""

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
from ..models import Book
from .forms import PICKERS, BookForm
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

bp = Blueprint("books", __name__, url_prefix="/books")
RESOURCE = "books"  # its rules live in access.RESOURCES


def _get_or_404(id: int, action: str) -> Book:
    """The row, if the visitor may take ``action`` on it: anonymous visitors are asked to
    log in before anything about the row is looked up."""
    require(RESOURCE, action)
    book: Book = get_or_404(Book, id, LOAD)
    return book


def _render_form(
    form: BookForm, book: Book | None, status: int = 200
) -> ResponseReturnValue:
    form.load_choices()
    return render_template("books/form.html", form=form, book=book), status


def _save(form: BookForm, book: Book) -> bool:
    """Commit ``book``; a constraint the form could not check becomes a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append("These values clash with another row.")
        return False
    return True


@bp.get("/")
def index() -> ResponseReturnValue:
    """Books: paginated (?page=), sorted (?sort=name, ?sort=-name), searched (?q=), filtered; every link keeps
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
        "books/index.html",
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
        "books.csv", HEADERS, list_query(read_args(request.args)), csv_cells
    )


@bp.get("/new")
def new() -> ResponseReturnValue:
    """The empty form."""
    require(RESOURCE, "create")
    return _render_form(BookForm(), None)


@bp.post("/")
def create() -> ResponseReturnValue:
    """Save a new Book; an invalid form comes back with 422 and nothing saved."""
    require(RESOURCE, "create")
    form = BookForm()
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    book = Book()
    form.populate(book)
    db.session.add(book)
    if not _save(form, book):
        return _render_form(form, None, 422)
    flash("Book created.", "success")
    return redirect(url_for(".show", id=book.id))


@bp.get("/<int:id>")
def show(id: int) -> ResponseReturnValue:
    """Every column and the related rows; 404 if there is no such row."""
    return render_template("books/show.html", book=_get_or_404(id, "read"))


@bp.get("/<int:id>/edit")
def edit(id: int) -> ResponseReturnValue:
    """The form filled with the row's values."""
    book = _get_or_404(id, "update")
    return _render_form(BookForm.for_row(book), book)


@bp.post("/<int:id>/edit")
def update(id: int) -> ResponseReturnValue:
    """Save the edited row, as create does."""
    book = _get_or_404(id, "update")
    form = BookForm()
    form.edited_key = book.id
    form.load_choices()
    if not form.validate_on_submit():
        return _render_form(form, book, 422)
    form.populate(book)
    if not _save(form, book):
        return _render_form(form, db.session.get(Book, id), 422)
    flash("Book saved.", "success")
    return redirect(url_for(".show", id=book.id))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int) -> ResponseReturnValue:
    """Ask before deleting: a page whose button posts to ``delete`` (no script needed)."""
    book = _get_or_404(id, "delete")
    return render_template("books/delete.html", book=book)


@bp.post("/<int:id>/delete")
def delete(id: int) -> ResponseReturnValue:
    """Delete the row, unless other rows still need it."""
    book = _get_or_404(id, "delete")
    db.session.delete(book)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("Book not deleted: other rows still refer to it.", "error")
        return redirect(url_for(".show", id=id))
    flash("Book deleted.", "success")
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
