"""The home page is a dashboard: a card per resource the visitor may read, with its
number of rows and links to its list and its newest rows."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from mycrm.models import User


def test_the_home_page_extends_the_layout(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'class="navbar' in page and "dashboard" in page


def test_an_anonymous_visitor_sees_no_card_of_what_they_may_not_read(
    client: FlaskClient, database: SQLAlchemy
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'data-resource="departments"' not in page
    assert 'data-resource="users"' not in page


def test_a_visitor_who_may_read_everything_sees_every_card(
    login_as: Callable[[User], FlaskClient],
    make_user: Callable[..., User],
    database: SQLAlchemy,
) -> None:
    client = login_as(make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'data-resource="departments"' in page
    assert 'data-resource="users"' in page
