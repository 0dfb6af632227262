"""Signed links that auth mails: a password reset and an address confirmation, and the mails.

A link's token carries the user's key and a fingerprint of what following it changes,
signed with SECRET_KEY and timestamped (itsdangerous): it expires, and once it has been
used the fingerprint no longer matches, so it works once. Nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..mail import MAIL_ERRORS, send_mail
from ..models import Account

SITE = "Session login"  # how the mails name the app

RESET_MAX_AGE = 3600  # seconds: a reset link works for an hour
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds: a confirmation link works for three days


def _send(to: str, subject: str, template: str, **context: Any) -> None:
    """Send one of auth's mails. A mail server that fails is logged, not shown: the page
    answers as it would for an unknown email, so an error never tells who has
    an account here."""
    try:
        send_mail(to, subject, template, site=SITE, **context)
    except MAIL_ERRORS:
        current_app.logger.exception("could not send the %s mail", template)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """Tokens of one purpose: a reset token never passes for a confirmation one."""
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"auth.{purpose}"
    )


def _fingerprint(value: str | None) -> str:
    """A short digest of ``value``: the token shows no password hash or address."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:32]


def _make(purpose: str, user: Account, state: str | None) -> str:
    return _serializer(purpose).dumps([str(user.id), _fingerprint(state)])


def _user(purpose: str, token: str, max_age: int) -> tuple[Account, str] | None:
    """The user a valid, unexpired token of ``purpose`` names, with its fingerprint."""
    try:
        key, fingerprint = _serializer(purpose).loads(token, max_age=max_age)
        user = db.session.get(Account, int(key))
    except (BadSignature, ValueError, TypeError):  # expired, forged or malformed
        return None
    if user is None or not isinstance(fingerprint, str):
        return None
    return user, fingerprint


def reset_token(user: Account) -> str:
    """The token of a reset link for ``user``: a new password (or this link's use) ends it."""
    return _make("reset", user, user.password_hash)


def user_to_reset(token: str) -> Account | None:
    """The user whose password the reset link ``token`` may set, or None when it is
    forged, older than RESET_MAX_AGE or used (the password changed since)."""
    found = _user("reset", token, RESET_MAX_AGE)
    if found is None:
        return None
    user, fingerprint = found
    return (
        user
        if hmac.compare_digest(fingerprint, _fingerprint(user.password_hash))
        else None
    )


def send_reset_link(user: Account) -> None:
    """Mail ``user`` a link that sets a new password."""
    if not user.email:
        return
    link = url_for("auth.reset_password", token=reset_token(user), _external=True)
    _send(
        user.email,
        f"Reset your password on {SITE}",
        "reset_password",
        user=user,
        link=link,
    )


def confirm_token(user: Account) -> str:
    """The token of a confirmation link for ``user``'s current address."""
    return _make("confirm", user, user.email)


def user_to_confirm(token: str) -> Account | None:
    """The user the confirmation link ``token`` confirms, or None when it is forged,
    older than CONFIRM_MAX_AGE, used (the address is confirmed) or for another address."""
    found = _user("confirm", token, CONFIRM_MAX_AGE)
    if found is None:
        return None
    user, fingerprint = found
    if user.confirmed_at is not None:
        return None
    return user if hmac.compare_digest(fingerprint, _fingerprint(user.email)) else None


def send_confirmation_link(user: Account) -> None:
    """Mail ``user`` the link that confirms their address."""
    if not user.email:
        return
    link = url_for("auth.confirm_email", token=confirm_token(user), _external=True)
    _send(
        user.email,
        f"Confirm your address on {SITE}",
        "confirm_email",
        user=user,
        link=link,
    )


def send_signup_attempt(user: Account) -> None:
    """Tell ``user`` that someone tried to sign up with their email: the page
    answered as for a new account, so only the owner of the address hears of it."""
    if not user.email:
        return
    login = url_for("auth.login", _external=True)
    reset = url_for("auth.reset_request", _external=True)
    _send(
        user.email,
        f"Someone tried to sign up on {SITE}",
        "signup_attempt",
        user=user,
        login=login,
        reset=reset,
    )
