"""``resources:`` and ``label:``: the contract's defaults, and every mistake reported
at its place with a suggestion."""

from __future__ import annotations

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.specfile import parse_spec

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
MODELS = """models:
  Author:
    columns:
      name: {type: string, length: 80, nullable: false}
      email: {type: string, length: 120, nullable: false, unique: true}
      born: {type: date}
    relationships:
      books: {model: Book, back_populates: author}
  Book:
    columns:
      title: {type: string, length: 200, nullable: false}
      data: {type: json}
      created_at: {type: datetime, nullable: false, default: now}
      author_id: {type: integer, nullable: false, foreign_key: author.id}
  Tag:
    label: id
    columns:
      size: {type: integer}
    relationships:
      books: {model: Book, secondary: book_tag, back_populates: tags}
"""


def test_defaults_follow_the_contract() -> None:
    spec = parse_spec(HEADER + MODELS + "resources:\n  books: {model: Book}\n  authors: {model: Author}\n")
    books, authors = spec.resources
    assert (books.url_prefix, books.api_prefix, books.html, books.api) == ("/books", "/api/books", True, True)
    assert books.per_page == 20 and books.order_by == (("id", False),) and books.search == ()
    assert books.list_columns == ("title", "data", "created_at", "author")
    assert books.form == ("title", "author", "tags")  # no key, no `now` column, no json
    assert authors.form == ("name", "email", "born")  # the "many" side is not a field
    labels = {m.name: m.label for m in spec.models}
    assert labels == {"Author": "email", "Book": "title", "Tag": "id"}  # unique string first


def test_explicit_values_are_kept() -> None:
    spec = parse_spec(
        HEADER + MODELS + "resources:\n  people:\n    model: Author\n    url_prefix: /people\n"
        "    api_prefix: /api/v1/people\n    api: false\n"
        "    list: {columns: [name], per_page: 5, order_by: [-born, name], search: [name, email]}\n"
        "    form: [name, email]\n"
    )
    (people,) = spec.resources
    assert (people.url_prefix, people.api_prefix, people.api) == ("/people", "/api/v1/people", False)
    assert people.order_by == (("born", True), ("name", False))
    assert people.list_columns == ("name",) and people.per_page == 5 and people.form == ("name", "email")


CASES = {
    "unknown model": (
        "resources:\n  books: {model: Bok}\n",
        ["spec.yaml:24:18: resources.books.model: unknown model 'Bok' (did you mean 'Book'?)"],
    ),
    "unknown names": (
        "resources:\n  books:\n    model: Book\n    list: {columns: [titel], search: [author_id], order_by: [-titl]}\n",
        [
            "spec.yaml:26:22: resources.books.list.columns[0]: 'titel' is not a column or relationship of this model (did you mean 'title'?)",
            "spec.yaml:26:39: resources.books.list.search[0]: 'author_id' is not text (integer); search needs string or text columns",
            "spec.yaml:26:62: resources.books.list.order_by[0]: 'titl' is not a column of this model (did you mean 'title'?)",
        ],
    ),
    "form fields": (
        "resources:\n  books: {model: Book, form: [title, author_id, data]}\n  authors: {model: Author, form: [books, name, email]}\n",
        [
            "spec.yaml:24:38: resources.books.form[1]: 'author_id' is set through its relationship; list 'author' instead",
            "spec.yaml:24:49: resources.books.form[2]: 'data' is a json column, which a form cannot edit",
            "spec.yaml:25:35: resources.authors.form[0]: 'books' is the 'many' side of a one-to-many; the show page lists those rows",
        ],
    ),
    "required field missing from the form": (
        "resources:\n  books: {model: Book, form: [author]}\n",
        ["spec.yaml:24:30: resources.books.form: 'title' is required (nullable: false, no default) but not in the form; add it"],
    ),
    "login_required without auth": (
        "resources:\n  books: {model: Book, login_required: true}\n",
        ["spec.yaml:24:24: resources.books.login_required: login_required needs auth: (session login) in the spec, such as auth: {model: User}"],
    ),
    "key taken by a blueprint": (
        "blueprints:\n  books: {routes: {a: {rule: /a}}}\nresources:\n  books: {model: Book}\n",
        ["spec.yaml:26:3: resources.books: 'books' already names a blueprint, an upload or a generated module; pick another key"],
    ),
    "api prefix on the documentation": (
        "resources:\n  docs: {model: Book}\n  books: {model: Book, api_prefix: /api}\n",
        [
            "spec.yaml:24:3: resources.docs: /api/docs is where the API's documentation lives; pick another api_prefix",
            "spec.yaml:25:36: resources.books.api_prefix: /api is where the API's documentation lives; pick another api_prefix",
        ],
    ),
    "url clash with a route": (
        "routes:\n  b: {rule: /books/new}\nresources:\n  books: {model: Book}\n",
        ["spec.yaml:26:10: resources.books: GET /books/new is already routed to 'b' (line 24)"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES)
def test_invalid_resources_report_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + MODELS + text)
    assert [p.format() for p in caught.value.problems] == expected


def test_unknown_label_is_reported() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + MODELS.replace("label: id", "label: sise"))
    assert [p.format() for p in caught.value.problems] == [
        "spec.yaml:18:12: models.Tag.label: 'sise' is not a column of this model (did you mean 'size'?)"
    ]


GUARDED = (
    HEADER
    + MODELS
    + "auth: {model: Author}\n"
    + "resources:\n  authors: {model: Author, access: {read: user, create: user, update: owner, delete: owner}}\n"
    + "  books: {model: Book, access: anyone}\n"
)


def test_every_action_of_a_resource_asks_the_access_rules() -> None:
    from tests.conftest import render_text

    files = render_text(GUARDED)
    access = files["xapp/access.py"]
    assert '"authors": {\n        "read": ("user",),' in access
    assert '"books": {\n        "read": ("anyone",),' in access
    authors_views, authors_api = files["xapp/authors/views.py"], files["xapp/authors/api.py"]
    for action in ("read", "create", "update", "delete"):
        assert f'"{action}"' in authors_views
    assert "require(RESOURCE, ACTIONS[request.method], api=True)" in authors_api
    assert "require(RESOURCE, action, author, api=True)" in authors_api  # the owner rule needs the row
    tests = files["tests/test_resources.py"]
    assert "def test_the_rules_answer_each_visitor(" in tests and "def test_anonymous_visitors_are_sent_to_log_in(" in tests
    authors, books = tests[tests.index('key="authors"') : tests.index('key="books"')], tests[tests.index('key="books"') :]
    assert "login_required=True" in authors and "login_required=True" not in books


def test_the_password_hash_never_reaches_a_resource_of_the_auth_model() -> None:
    from tests.conftest import render_text

    files = render_text(GUARDED)
    assert "password_hash" in files["xapp/models.py"]
    resource_files = [text for path, text in files.items() if "/authors/" in path or "authors_" in path]
    assert resource_files and not any("password_hash" in text for text in resource_files)
