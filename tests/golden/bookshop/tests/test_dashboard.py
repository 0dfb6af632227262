"""The home page is a dashboard: a card per resource the visitor may read, with its
number of rows and links to its list and its newest rows."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from bookshop.extensions import db
from bookshop.factories import BookFactory
from bookshop.models import Staff


def test_the_home_page_extends_the_layout(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'class="navbar' in page and "dashboard" in page


def test_a_card_counts_the_rows_and_links_the_newest(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    rows = [BookFactory.build() for _ in range(2)]
    db.session.add_all(rows)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    card = page.split('data-resource="books"', 1)[1].split("</section>", 1)[0]
    assert 'data-count="2"' in card
    assert card.count("<li>") == 2
    for row in rows:
        assert f'/{row.id}"' in card  # a link to the row's page


def test_an_anonymous_visitor_sees_no_card_of_what_they_may_not_read(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'data-resource="authors"' not in page
    assert 'data-resource="tags"' not in page


def test_a_visitor_who_may_read_everything_sees_every_card(
    login_as: Callable[[Staff], FlaskClient],
    make_user: Callable[..., Staff],
    database: SQLAlchemy,
) -> None:
    client = login_as(make_user("admin", "staff"))
    page = client.get("/").get_data(as_text=True)
    assert 'data-resource="authors"' in page
    assert 'data-resource="books"' in page
    assert 'data-resource="tags"' in page
