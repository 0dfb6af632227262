"""``list.filters``, ``list.export`` and the names pages show (``title``, ``plural``,
``titles``): the contract's defaults, what the planner hands the templates, and every
mistake reported at its place."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.plan.resources import resource_ctx
from flaskgen.core.spec.words import human, model_title, plural
from flaskgen.specfile import parse_spec
from tests.conftest import SUITE_ENV, GenEnv, MypyCache

EVERY_FILTER = Path(__file__).with_name("data") / "lists.yaml"

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
MODELS = """models:
  Author:
    label: name
    columns:
      name: {type: string, length: 80, nullable: false}
    relationships:
      books: {model: Book, back_populates: author}
  Book:
    columns:
      title: {type: string, length: 200, nullable: false}
      isbn: {type: string, length: 13, title: ISBN}
      format: {type: enum, values: [hardcover, ebook, no_show], titles: {ebook: E-book}}
      in_stock: {type: boolean, nullable: false, default: true}
      price: {type: numeric, precision: 8, scale: 2}
      published: {type: date}
      data: {type: json}
      author_id: {type: integer, nullable: false, foreign_key: author.id}
  OrderLine:
    columns:
      qty: {type: integer}
"""
BOOKS = "resources:\n  books:\n    model: Book\n    list: {filters: [author, format, in_stock, price, published], export: csv}\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("published_at", "Published at"), ("no_show", "No show"), ("isbn", "Isbn"), ("e_book", "E book")],
)
def test_names_are_humanised(name: str, expected: str) -> None:
    assert human(name) == expected


@pytest.mark.parametrize(
    ("cls", "title", "many"),
    [
        ("Book", "Book", "Books"),
        ("OrderLine", "Order line", "Order lines"),
        ("Category", "Category", "Categories"),
        ("Address", "Address", "Addresses"),
        ("Person", "Person", "People"),
        ("APIToken", "API token", "API tokens"),
        ("Day", "Day", "Days"),
        ("Staff", "Staff", "Staff"),
    ],
)
def test_model_titles_and_plurals_default_to_english(cls: str, title: str, many: str) -> None:
    assert model_title(cls) == title
    assert plural(title) == many


def test_titles_default_and_declared() -> None:
    spec = parse_spec(HEADER + MODELS.replace("  OrderLine:\n", "  OrderLine:\n    title: Line\n    plural: Lines of orders\n"))
    models = {m.name: m for m in spec.models}
    book = models["Book"]
    assert (book.title, book.plural) == ("Book", "Books")
    assert (models["OrderLine"].title, models["OrderLine"].plural) == ("Line", "Lines of orders")
    columns = {c.name: c for c in book.columns}
    assert (columns["isbn"].title, columns["in_stock"].title) == ("ISBN", "In stock")
    assert columns["format"].titles == (("hardcover", "Hardcover"), ("ebook", "E-book"), ("no_show", "No show"))
    assert columns["format"].values == ("hardcover", "ebook", "no_show")  # the stored values never change


def test_filters_and_export_reach_the_view_model() -> None:
    spec = parse_spec(HEADER + MODELS + BOOKS)
    (books,) = spec.resources
    assert books.filters == ("author", "format", "in_stock", "price", "published") and books.export == "csv"
    ctx = resource_ctx(spec, books)
    kinds = {f.name: (f.select, f.boolean, f.range) for f in ctx.filters}
    assert kinds == {
        "author": (True, False, False),
        "format": (True, False, False),
        "in_stock": (False, True, False),
        "price": (False, False, True),
        "published": (False, False, True),
    }
    assert [arg for arg, _ in ctx.list_args] == [
        "sort", "author", "format", "in_stock", "price_from", "price_to", "published_from", "published_to"
    ]  # fmt: skip
    assert dict(ctx.filter_conditions)["price_from"] == "Book.price >= args['price_from']"
    assert dict(ctx.filter_labels)["published_to"] == "Published to"
    assert ctx.csv_headers[:3] == ("Title", "ISBN", "Format")  # the list's headings
    assert ("FORMAT_TITLES", (("hardcover", "Hardcover"), ("ebook", "E-book"), ("no_show", "No show"))) in ctx.titles
    assert ctx.export and ctx.filters_template == "books/_filters.html"
    assert {f.input_type for f in ctx.filters if f.range} == {"number", "date"}
    # the export obeys the read rule: a row of the permission matrix (with auth)
    assert ctx.list_readers == "the list page, the API's list and the CSV export"


CASES = {
    "unknown filter": (
        MODELS + "resources:\n  books: {model: Book, list: {filters: [auther]}}\n",
        [
            "spec.yaml:24:41: resources.books.list.filters[0]: 'auther' is not a column or many-to-one relationship of this model (did you mean 'author'?)",
        ],
    ),
    "unsupported filter types": (
        MODELS + "resources:\n  books: {model: Book, list: {filters: [title, data, author_id]}}\n"
        "  authors: {model: Author, list: {filters: [books]}}\n",
        [
            "spec.yaml:24:41: resources.books.list.filters[0]: 'title' is a string column, which no filter takes; list it under list.search instead",
            "spec.yaml:24:48: resources.books.list.filters[1]: 'data' is a json column; filters take many-to-one relationships, enums, booleans, dates, datetimes and numbers",
            "spec.yaml:24:54: resources.books.list.filters[2]: 'author_id' is set through its relationship; list 'author' instead",
            "spec.yaml:25:45: resources.authors.list.filters[0]: 'books' is a one-to-many relationship; a filter picks one related row, through a many-to-one",
        ],
    ),
    "a filter reading a list's own argument": (
        MODELS.replace("qty: {type: integer}", "qty: {type: integer}\n      sort: {type: boolean}")
        + "resources:\n  lines: {model: OrderLine, list: {filters: [qty, sort]}}\n",
        [
            "spec.yaml:25:51: resources.lines.list.filters[1]: 'sort' would read the query argument 'sort', which is the list's own; leave one of them out",
        ],
    ),
    "export other than csv": (
        MODELS + "resources:\n  books: {model: Book, list: {export: xlsx}}\n",
        [
            "spec.yaml:24:39: resources.books.list.export: 'xlsx' is not one of csv",
        ],
    ),
    "export without pages": (
        MODELS + "resources:\n  books: {model: Book, html: false, list: {export: csv}}\n",
        [
            "spec.yaml:24:52: resources.books.list.export: the CSV export lives beside the list page (<url_prefix>/export.csv); remove export or html: false",
        ],
    ),
    "titles of unknown values and of other columns": (
        MODELS.replace("{ebook: E-book}", "{ebok: E-book}").replace("title: ISBN}", "title: ISBN, titles: {a: A}}"),
        [
            "spec.yaml:13:53: models.Book.columns.isbn.titles: 'titles' applies to enum columns, not string",
            "spec.yaml:14:74: models.Book.columns.format.titles.ebok: 'ebok' is not a value of this enum (did you mean 'ebook'?)",
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES)
def test_invalid_lists_report_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


@pytest.mark.slow
def test_every_kind_of_filter_passes_its_generated_tests_and_gates(
    gen_env: GenEnv, generate: Callable[..., Path], mypy_cache: MypyCache
) -> None:
    """tests/data/lists.yaml: each filter kind, search, sort and the export, on an open
    catalogue and on rows each visitor owns; its suite, ruff and mypy --strict pass."""
    project = generate(EVERY_FILTER)
    gen_env.install(project)
    suite = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=SUITE_ENV)
    assert suite.returncode == 0, suite.stdout + suite.stderr
    assert re.search(r"\d+ passed", suite.stdout)
    collected = gen_env.run([gen_env.python, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=project, env=SUITE_ENV).stdout
    for test in ("test_the_list_filters_by_a_row[books-shelf]", "test_filters_search_sort_and_pages_combine[books]", "test_the_export_holds"):
        assert f"tests/test_resources.py::{test}" in collected
    tests = (project / "tests" / "test_resources.py").read_text(encoding="utf-8")
    assert "owner_factory=StaffFactory.build" in tests[tests.index('key="notes"') :]  # another user's row, which no list shows
    for args in ([gen_env.bin("ruff"), "check", "--no-cache", "."], [gen_env.bin("ruff"), "format", "--no-cache", "--check", "."]):
        result = gen_env.run(args, cwd=project, env=SUITE_ENV)
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    typed = mypy_cache.run(gen_env, project, "--strict", ".")
    assert typed.returncode == 0, f"mypy --strict:\n{typed.stdout}\n{typed.stderr}"
