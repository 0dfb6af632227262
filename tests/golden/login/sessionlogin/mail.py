"""Outgoing mail: every message has a plain-text and an HTML body, rendered from
``templates/mail/<name>.txt`` and ``templates/mail/<name>.html`` (edit them freely).

The profile's MAIL_BACKEND decides where mail goes: development prints it on the
console, testing keeps it in memory (the tests read it from the ``outbox`` fixture),
production sends it through the SMTP server of MAIL_SERVER."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_mailman import EmailMultiAlternatives

# What sending may raise: smtplib's errors are OSErrors.
MAIL_ERRORS: tuple[type[Exception], ...] = (OSError,)


def send_mail(to: str, subject: str, template: str, **context: Any) -> None:
    """Send ``to`` the mail ``template`` rendered with ``context``, from MAIL_DEFAULT_SENDER."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_template(f"mail/{template}.txt", **context),
        to=[to],
    )
    message.attach_alternative(
        render_template(f"mail/{template}.html", **context), "text/html"
    )
    message.send()
