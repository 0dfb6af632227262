"""An account's life by mail: a forgotten password is reset with a link that expires and works
once, and asking for one answers the same whether or not the account exists; a new
account logs in once its address is confirmed, and sign-up with a taken email answers
like a new one while the owner hears of it by mail. Links are read from the mails in the
``outbox``, as a person reads them. CSRF protection is on here."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_mailman import EmailMessage, EmailMultiAlternatives
from flask_sqlalchemy import SQLAlchemy
from itsdangerous import TimestampSigner
from werkzeug.test import TestResponse

from sessionlogin.auth import links, users
from sessionlogin.models import Account

LOGIN = "/auth/login"
RESET = "/auth/reset"
CONFIRM = "/auth/confirm"
REGISTER = "/auth/register"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK = re.compile(r"https?://\S+")
SIGNED = re.compile(
    r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}"
)  # a CSRF token, different per session
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture()
def app(app: Flask) -> Flask:
    """The testing app with CSRF protection on."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def as_another_browser() -> None:
    """Requests run in the database fixture's app context, where Flask-WTF and
    Flask-Login cache the CSRF token and the user of the last request: drop them, so
    the next request, from any client, is read afresh."""
    g.pop("csrf_token", None)
    g.pop("_login_user", None)


def submit(client: FlaskClient, url: str, **data: str) -> TestResponse:
    """Post the form of the page at ``url`` with ``data``, and the CSRF token read from the page."""
    as_another_browser()
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match is not None, f"the page at {url} has no form"
    return client.post(url, data={**data, "csrf_token": match.group(1)})


def log_in(client: FlaskClient, email: str, password: str) -> TestResponse:
    return submit(client, LOGIN, email=email, password=password, remember="y")


def link_in(mail: EmailMessage, start: str) -> str:
    """The path of the link in ``mail`` that starts with ``start``; the HTML body has it too."""
    paths = [urlsplit(url).path for url in LINK.findall(mail.body)]
    found = [path for path in paths if path.startswith(start + "/")]
    assert len(found) == 1, mail.body
    assert isinstance(mail, EmailMultiAlternatives)
    assert found[0] in mail.alternatives[0][0]
    return str(found[0])


def logged_in(client: FlaskClient) -> bool:
    """Whether ``client`` is logged in (by its session or its remember cookie): the
    password page opens only then."""
    as_another_browser()
    return client.get("/auth/password").status_code == 200


def answer(response: TestResponse, client: FlaskClient) -> tuple[int, str | None, str]:
    """What a visitor sees of a response: its status, where it sends them and the page they land on."""
    page = client.get(response.location) if response.location else response
    return (
        response.status_code,
        response.location,
        SIGNED.sub("", page.get_data(as_text=True)),
    )


def time_moved(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Make the link tokens read the clock ``seconds`` from now."""
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds
    )


def ask_reset(client: FlaskClient, email: str) -> TestResponse:
    return submit(client, RESET, email=email)


def test_the_login_page_links_to_the_reset_page(client: FlaskClient) -> None:
    assert f'href="{RESET}"' in client.get(LOGIN).get_data(as_text=True)
    assert client.get(RESET).status_code == 200


def test_asking_for_a_reset_answers_the_same_whether_or_not_the_account_exists(
    client: FlaskClient, user: Account, outbox: list[EmailMessage]
) -> None:
    known = answer(ask_reset(client, user.email), client)
    assert len(outbox) == 1
    assert outbox[0].to == [user.email]
    unknown = answer(ask_reset(client, "nobody@example.com"), client)
    assert len(outbox) == 1
    assert known == unknown
    assert known[0] == 302


def test_a_mail_server_that_fails_changes_no_answer(
    client: FlaskClient,
    user: Account,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = answer(ask_reset(client, "nobody@example.com"), client)

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(links, "send_mail", refuse)
    assert answer(ask_reset(client, user.email), client) == expected
    assert "could not send the reset_password mail" in caplog.text


def test_a_reset_link_sets_a_new_password_and_ends_every_other_session(
    app: Flask,
    client: FlaskClient,
    user: Account,
    password: str,
    outbox: list[EmailMessage],
) -> None:
    elsewhere = app.test_client()
    assert log_in(elsewhere, user.email, password).status_code == 302
    assert logged_in(elsewhere)
    ask_reset(client, user.email)
    link = link_in(outbox[0], RESET)
    assert client.get(link).status_code == 200
    response = submit(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert not logged_in(elsewhere)
    assert log_in(client, user.email, password).status_code == 422
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_once(
    client: FlaskClient, user: Account, outbox: list[EmailMessage]
) -> None:
    ask_reset(client, user.email)
    link = link_in(outbox[0], RESET)
    assert (
        submit(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD).status_code
        == 302
    )
    again = client.get(link)
    assert again.status_code == 400
    assert f'href="{RESET}"' in again.get_data(
        as_text=True
    )  # the page offers a new link
    assert user.check_password(NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(
    client: FlaskClient,
    user: Account,
    password: str,
    outbox: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ask_reset(client, user.email)
    link = link_in(outbox[0], RESET)
    time_moved(monkeypatch, links.RESET_MAX_AGE - 60)
    assert client.get(link).status_code == 200
    time_moved(monkeypatch, links.RESET_MAX_AGE + 1)
    expired = client.get(link)
    assert expired.status_code == 400
    assert f'href="{RESET}"' in expired.get_data(as_text=True)
    match = TOKEN.search(client.get(RESET).get_data(as_text=True))
    assert match is not None
    posted = client.post(
        link,
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": match.group(1),
        },
    )
    assert posted.status_code == 400
    assert user.check_password(password)


@pytest.mark.parametrize("token", ["nonsense", "a.b.c"])
def test_a_forged_reset_link_is_refused(
    client: FlaskClient, database: SQLAlchemy, token: str
) -> None:
    assert client.get(f"{RESET}/{token}").status_code == 400


def test_an_unconfirmed_account_is_refused_with_a_page_that_sends_a_new_link(
    client: FlaskClient,
    user: Account,
    password: str,
    outbox: list[EmailMessage],
    database: SQLAlchemy,
) -> None:
    user.confirmed_at = None
    database.session.commit()
    refused = log_in(client, user.email, password)
    assert refused.status_code == 403
    assert f'action="{CONFIRM}"' in refused.get_data(as_text=True)
    assert not logged_in(client)
    wrong = log_in(client, user.email, password + "!")
    assert wrong.status_code == 422  # a wrong password learns nothing about the account
    submit(client, CONFIRM, email=user.email)
    assert outbox[-1].to == [user.email]
    assert client.get(link_in(outbox[-1], CONFIRM)).status_code == 302
    assert log_in(client, user.email, password).status_code == 302


def test_asking_for_a_confirmation_link_answers_the_same_for_anyone(
    client: FlaskClient, user: Account, outbox: list[EmailMessage]
) -> None:
    confirmed = answer(submit(client, CONFIRM, email=user.email), client)
    unknown = answer(submit(client, CONFIRM, email="nobody@example.com"), client)
    assert confirmed == unknown
    assert outbox == []  # a confirmed address needs no link


def sign_up(client: FlaskClient, **fields: str) -> TestResponse:
    data = {
        "email": "grace@example.com",
        "display_name": "display_name-new",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    return submit(client, REGISTER, **{**data, **fields})


def test_sign_up_mails_a_link_that_confirms_the_address_once(
    client: FlaskClient, database: SQLAlchemy, outbox: list[EmailMessage]
) -> None:
    assert sign_up(client).status_code == 302
    assert not logged_in(client)
    found = users.find_user("grace@example.com")
    assert found is not None
    assert found.confirmed_at is None
    assert log_in(client, "grace@example.com", NEW_PASSWORD).status_code == 403
    assert len(outbox) == 1
    assert outbox[0].to == [found.email]
    link = link_in(outbox[0], CONFIRM)
    assert client.get(link).status_code == 302
    assert found.confirmed_at is not None
    again = client.get(link)
    assert again.status_code == 400
    assert f'href="{CONFIRM}"' in again.get_data(as_text=True)
    assert log_in(client, "grace@example.com", NEW_PASSWORD).status_code == 302


def test_a_confirmation_link_expires(
    client: FlaskClient,
    database: SQLAlchemy,
    outbox: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_up(client)
    link = link_in(outbox[0], CONFIRM)
    time_moved(monkeypatch, links.CONFIRM_MAX_AGE + 1)
    assert client.get(link).status_code == 400
    found = users.find_user("grace@example.com")
    assert found is not None
    assert found.confirmed_at is None


def test_sign_up_with_a_taken_identity_answers_like_a_new_one_and_tells_the_owner(
    client: FlaskClient, user: Account, password: str, outbox: list[EmailMessage]
) -> None:
    taken = answer(sign_up(client, email=user.email.upper()), client)
    assert len(outbox) == 1
    assert outbox[0].to == [user.email]
    assert "tried to sign up" in outbox[0].body
    fresh = answer(sign_up(client), client)
    assert len(outbox) == 2
    assert taken == fresh
    assert users.find_user(user.email) is user
    assert user.check_password(password)  # the owner's account is untouched
