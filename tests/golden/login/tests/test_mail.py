"""Mail: the testing profile keeps every mail in memory (the ``outbox`` fixture), each
with a plain-text and an HTML body; development prints mail on the console;
production sends it through SMTP."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_mailman import EmailMessage, EmailMultiAlternatives
from jinja2 import ChoiceLoader, DictLoader

from sessionlogin import create_app
from sessionlogin.config import load_config
from sessionlogin.mail import send_mail

RECIPIENT = "someone@example.com"
PRODUCTION_ENVIRONMENT = {
    "MAIL_SERVER": "x",
    "SECRET_KEY": "a-long-random-secret-for-the-tests-only",
}
TEMPLATES = {
    "mail/hello.txt": "Hello {{ name }}",
    "mail/hello.html": "<p>Hello <b>{{ name }}</b></p>",
}


def with_hello_templates(app: Flask) -> Flask:
    """``app`` with a mail template of the test's own in front of the project's."""
    app.jinja_loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])  # type: ignore[list-item]
    app.jinja_env.loader = app.jinja_loader
    return app


@pytest.mark.fresh_app  # swaps the template loader
def test_a_mail_has_a_text_and_an_html_body(
    app: Flask, outbox: list[EmailMessage]
) -> None:
    with with_hello_templates(app).test_request_context():
        send_mail(RECIPIENT, "Hello", "hello", name="Ada")
    assert len(outbox) == 1
    sent = outbox[0]
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.to == [RECIPIENT]
    assert sent.subject == "Hello"
    assert sent.from_email == "Session login <no-reply@sessionlogin.example>"
    assert sent.body == "Hello Ada"
    assert sent.alternatives == [("<p>Hello <b>Ada</b></p>", "text/html")]


def test_development_prints_mail_on_the_console(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = with_hello_templates(create_app("development"))
    with app.test_request_context():
        send_mail(RECIPIENT, "Hello", "hello", name="Ada")
    printed = capsys.readouterr().out
    assert f"To: {RECIPIENT}" in printed
    assert "Hello Ada" in printed


def test_production_sends_mail_through_smtp() -> None:
    settings = load_config("production", PRODUCTION_ENVIRONMENT)
    assert settings["MAIL_BACKEND"] == "smtp"
    assert settings["MAIL_SERVER"]
    assert not (settings.get("MAIL_USE_TLS") and settings.get("MAIL_USE_SSL"))
