"""API bearer tokens: ``Authorization: Bearer <token>`` on the JSON API (never the pages).

A token is 256 random bits, shown once when it is made (on /auth/tokens or with
``python manage.py create-token EMAIL``); only its SHA-256 digest is stored, so a
leaked database holds no usable token. A fast digest is enough for a random secret of
that size, and one indexed lookup finds it. Revoking deletes it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from flask import Request
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, Staff


def digest(token: str) -> str:
    """What is stored of ``token``: its SHA-256, as hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def issue_token(user: Staff, name: str) -> str:
    """Make a token for ``user`` and return it: the only time it can be read."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=digest(token)))
    db.session.commit()
    return token


def user_for_token(token: str) -> Staff | None:
    """The user ``token`` acts for, noting its use; None for an unknown or revoked token."""
    found = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(token))
    )
    if found is None:
        return None
    found.last_used_at = datetime.datetime.now(datetime.UTC)
    db.session.commit()
    return found.user


def tokens_of(user: Staff) -> list[ApiToken]:
    """``user``'s tokens, newest first."""
    stmt = (
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def revoke_token(user: Staff, token_id: int) -> bool:
    """Delete ``user``'s token ``token_id``; False if they have no such token."""
    found = db.session.get(ApiToken, token_id)
    if found is None or found.user_id != user.id:
        return False
    db.session.delete(found)
    db.session.commit()
    return True
