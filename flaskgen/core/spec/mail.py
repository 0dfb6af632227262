"""Normalization of ``mail:`` (outgoing mail with Flask-Mailman) and its config defaults.

Each profile picks a Flask-Mailman backend: development prints every mail on the
console, testing keeps them in memory for the tests, production sends them through SMTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.types import Mail

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx

MODULE = "mail"  # <package>/mail.py: send_mail
# Flask-Mailman's backend of each standard profile.
BACKENDS = {"development": "console", "testing": "locmem", "production": "smtp"}
# Production's SMTP server: the submission port with STARTTLS, the common case today
# (a profile sets MAIL_PORT 465, MAIL_USE_SSL true and MAIL_USE_TLS false for SSL).
SMTP_DEFAULTS: dict[str, Any] = {
    "MAIL_SERVER": "${MAIL_SERVER}",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": "${MAIL_USERNAME:-}",
    "MAIL_PASSWORD": "${MAIL_PASSWORD:-}",
}


def normalize_mail(ctx: Ctx) -> Mail | None:
    """The :class:`Mail` of ``mail:``, or None without one (or when its shape is wrong)."""
    raw = ctx.get(("mail",))
    if not isinstance(raw, dict) or not ctx.ok(("mail",)):
        return None
    blueprints = ctx.get(("blueprints",)) or {}
    if isinstance(blueprints, dict) and MODULE in blueprints:
        ctx.error(("blueprints", MODULE), f"mail: generates the module <package>/{MODULE}.py; pick another blueprint name", key=True)
    return Mail(sender=str(raw["sender"]))


def mail_defaults(defined: dict[str, dict[str, Any]], out: dict[str, dict[str, Any]], mail: Mail) -> None:
    """Config defaults of mail, in ``out`` (profile -> key -> value) where ``defined`` is
    silent: the sender, each profile's backend and production's SMTP server."""

    def anywhere(key: str) -> bool:
        return any(key in body for body in defined.values())

    if not anywhere("MAIL_DEFAULT_SENDER"):
        out["base"]["MAIL_DEFAULT_SENDER"] = mail.sender
    for profile, backend in BACKENDS.items():
        if "MAIL_BACKEND" not in defined.get(profile, {}):
            out[profile]["MAIL_BACKEND"] = backend
    production = {**defined.get("base", {}), **defined.get("production", {})}
    ssl = bool(production.get("MAIL_USE_SSL"))
    for key, value in SMTP_DEFAULTS.items():
        if key not in production and not (ssl and key in ("MAIL_PORT", "MAIL_USE_TLS")):
            out["production"][key] = value
