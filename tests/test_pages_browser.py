"""The generated pages as a person sees them: the bookshop is served by gunicorn on
127.0.0.1 (its own security headers and Content-Security-Policy included), with a staff
account and a few dozen rows, and headless Chromium goes through the home page, the
books list, sorting, a book, the form with errors and the confirmation of a delete.
Each step saves a screenshot under the test's folder and checks the DOM: no
``None``/``True``/``False`` in a cell, a sort arrow, fields with errors marked, nothing
loaded from another host, and nothing refused by the policy."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser import Page, chromium_page
from tests.conftest import EXAMPLES, GenEnv
from tests.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EMAIL, PASSWORD = "ada@bookshop.test", "correct horse battery staple"
ENV = {"FLASK_CONFIG": "development", "SECRET_KEY": "x" * 32}
SEED = """
import datetime as dt
from decimal import Decimal

from bookshop import create_app
from bookshop.extensions import db
from bookshop.models import Author, Book, Tag

NAMES = ["Ursula K. Le Guin", "Italo Calvino", "Toni Morrison", "Jorge Luis Borges"]
with create_app().app_context():
    authors = [Author(name=n, email=f"author{i}@example.com", born=dt.date(1920 + i, 1 + i, 2)) for i, n in enumerate(NAMES)]
    tags = [Tag(name=n) for n in ("fiction", "classic", "essays")]
    db.session.add_all(authors + tags)
    for i in range(45):
        db.session.add(Book(
            title=f"Book {i:02d}", isbn=f"97800000{i:05d}", format=("hardcover", "paperback", "ebook")[i % 3],
            pages=100 + i if i % 4 else None, price=Decimal("9.99") + i if i % 5 else None, in_stock=bool(i % 3),
            published_at=dt.datetime(1960 + i, 3, 4, 10, 30) if i % 2 else None, author=authors[i % 4], tags=tags[: i % 3],
        ))
    db.session.commit()
"""
# Where every src and href of a page may point: this server (a path), or the page itself.
LOCAL = re.compile(r"^(/(?!/)|#|$)")


@pytest.fixture()
def bookshop(generate: Callable[..., Path], gen_env: GenEnv) -> Path:
    """The bookshop, installed, migrated, with a staff admin and rows to list."""
    project = generate(EXAMPLES / "bookshop.yaml")
    gen_env.install(project)
    for command in (
        [gen_env.python, "manage.py", "db", "upgrade"],
        [gen_env.python, "manage.py", "create-user", EMAIL, "--name", "Ada", "--role", "admin", "--role", "staff", "--password", PASSWORD],
        [gen_env.python, "-c", SEED],
    ):
        done = gen_env.run(command, cwd=project, env=ENV)
        assert done.returncode == 0, done.stdout + done.stderr
    return project


def check_page(page: Page) -> None:
    """What every page must hold: the layout's Bootstrap (its script ran), no link or
    source on another host, and no cell reading None, True or False."""
    assert page.run("typeof bootstrap") == "object"  # bootstrap.min.js ran under the CSP
    links = page.run("[...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') ?? e.getAttribute('href'))")
    assert links and all(LOCAL.match(link) for link in links), links
    cells = page.run("[...document.querySelectorAll('td, dd')].map(c => c.textContent.trim())")
    assert not {"None", "True", "False"} & set(cells), cells


def log_in(page: Page, base: str) -> None:
    page.open(f"{base}/auth/login")
    page.run(f"document.querySelector('#email').value = {EMAIL!r}")
    page.run(f"document.querySelector('#password').value = {PASSWORD!r}")
    page.follow("document.querySelector('form [type=submit]').click()")


def home_page(page: Page, base: str, shots: Path) -> None:
    """A card per resource the visitor may read: anyone reads books; staff read all three."""
    page.open(f"{base}/")
    assert page.run("[...document.querySelectorAll('[data-resource]')].map(c => c.dataset.resource)") == ["books"]
    log_in(page, base)
    page.open(f"{base}/")
    assert page.run("[...document.querySelectorAll('[data-resource]')].map(c => c.dataset.resource)") == ["authors", "books", "tags"]
    assert page.run("document.querySelector('[data-resource=books] [data-count]').dataset.count") == "45"
    check_page(page)
    page.screenshot(shots / "home.png")


def books_list(page: Page, base: str, shots: Path) -> None:
    """Sorted by a click on a heading (the arrow and aria-sort follow), paged, searched."""
    page.open(f"{base}/books/")
    assert page.run("document.querySelector('.rows-shown').textContent") == "Rows 1–20 of 45"
    page.follow("[...document.querySelectorAll('th a')].find(a => a.textContent.startsWith('Price')).click()")
    assert page.run("document.querySelector('th[aria-sort=ascending] .sort-indicator').textContent") == "▲"
    page.follow("document.querySelector('th[aria-sort=ascending] a').click()")
    assert page.run("document.querySelector('th[aria-sort=descending] .sort-indicator').textContent") == "▼"
    assert page.run("document.querySelectorAll('td .badge').length") == 20  # in stock: yes/no badges
    check_page(page)
    page.screenshot(shots / "books-list.png", full=False)
    page.follow("document.querySelector('a[rel=last]').click()")
    assert page.run("document.querySelector('.rows-shown').textContent") == "Rows 41–45 of 45"
    assert "sort=-price" in page.run("location.search")  # the pages keep the sort
    page.open(f"{base}/books/?q=Book+01")
    assert "Book 01" in page.run("document.querySelector('.search-applied').textContent")
    page.follow("document.querySelector('.search-applied a').click()")
    assert page.run("document.querySelector('.search-applied')") is None


def books_filtered(page: Page, base: str, shots: Path) -> None:
    """A filter, the search and the sort combine; the links keep the filter; the export
    link carries it; the applied filter is shown and cleared."""
    page.open(f"{base}/books/?sort=title&q=Book")
    page.run("document.querySelector('#filter-format').value = 'ebook'")
    page.follow("document.querySelector('form.list-controls [type=submit]').click()")
    assert page.run("document.querySelector('.rows-shown').textContent") == "Rows 1–15 of 15"
    assert page.run("document.querySelector('.applied-filter').textContent") == "Format: E-book"
    cells = page.run("[...document.querySelectorAll('tbody tr')].map(r => r.cells[2].textContent.trim())")
    assert set(cells) == {"E-book"}, cells
    assert "format=ebook" in page.run("document.querySelector('a.export').href")
    assert "format=ebook" in page.run("document.querySelector('th a').href")  # sorting keeps the filter
    assert page.run("document.querySelector('#filter-format').value") == "ebook"
    check_page(page)
    page.screenshot(shots / "books-filtered.png", full=False)
    page.follow("document.querySelector('.applied a.clear').click()")
    assert page.run("document.querySelector('.applied')") is None
    assert page.run("document.querySelector('.rows-shown').textContent") == "Rows 1–20 of 45"


def book_page(page: Page, base: str, shots: Path) -> None:
    page.open(f"{base}/books/?sort=title")
    page.follow("document.querySelector('td.actions a').click()")
    assert page.run("document.querySelector('h1').textContent") == "Book Book 00"
    check_page(page)
    page.screenshot(shots / "book.png")


def form_with_errors(page: Page, base: str, shots: Path) -> None:
    """The form sent without its required fields: they are marked, and what was typed stays."""
    page.open(f"{base}/books/new")
    assert page.run("document.querySelector('#author_id').value") == ""  # "Choose …"
    page.run("document.querySelector('#pages').value = '321'")
    page.run("document.querySelector('#price').value = '12.50'")
    page.follow("document.querySelector('form.resource-form [type=submit]').click()")
    invalid = page.run("[...document.querySelectorAll('.is-invalid')].map(e => e.id)")
    assert {"title", "isbn", "author_id"} <= set(invalid), invalid
    assert page.run("document.querySelector('#title').getAttribute('aria-invalid')") == "true"
    assert page.run("document.querySelector('#pages').value") == "321"
    assert page.run("document.querySelector('#price').value") == "12.50"
    check_page(page)
    page.screenshot(shots / "book-form-errors.png")


def confirmed_delete(page: Page, base: str, shots: Path) -> None:
    """Delete asks first, on a page of its own; its button deletes."""
    page.open(f"{base}/books/?sort=title")
    page.follow("document.querySelector('td.actions a').click()")
    page.follow("[...document.querySelectorAll('a')].find(a => a.textContent === 'Delete').click()")
    assert page.run("document.querySelector('form.confirm-delete') !== null")
    check_page(page)
    page.screenshot(shots / "book-delete.png")
    page.follow("document.querySelector('form.confirm-delete [type=submit]').click()")
    assert "Book deleted." in page.run("document.querySelector('.alert').textContent")


def missing_page(page: Page, base: str) -> None:
    page.open(f"{base}/books/999999")
    assert page.run("document.querySelector('.error-page h1').textContent") == "Not Found"
    check_page(page)


def narrow_screen(page: Page, base: str, shots: Path) -> None:
    """On a phone's width the menu collapses, and its button opens it (Bootstrap's script)."""
    page.size(390, 800)
    page.open(f"{base}/books/")
    assert not page.run("document.querySelector('#main-nav').classList.contains('show')")
    page.run("document.querySelector('.navbar-toggler').click()")
    page.wait_until("document.querySelector('#main-nav').classList.contains('show')")
    page.screenshot(shots / "books-narrow.png", full=False)


def test_pages_in_a_browser(bookshop: Path, gen_env: GenEnv, chromium: str, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    with gunicorn(gen_env, bookshop, "bookshop:create_app()", ENV) as base, chromium_page(chromium, tmp_path / "profile") as page:
        page.size(1280, 860)
        home_page(page, base, shots)
        books_list(page, base, shots)
        books_filtered(page, base, shots)
        book_page(page, base, shots)
        form_with_errors(page, base, shots)
        confirmed_delete(page, base, shots)
        missing_page(page, base)
        narrow_screen(page, base, shots)
        refused = [text for text in page.log_entries() if "Content Security Policy" in text]
        assert refused == []
    print(f"screenshots: {shots}")
