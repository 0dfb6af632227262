"""Safe defaults every response and every start-up get.

- A deployed profile (any profile but development and testing) refuses to start with
  a ``SECRET_KEY`` shorter than 32 bytes: a short or well-known key lets
  anyone forge a session.
- Every response carries headers that tell browsers not to sniff types, not to frame
  the pages, to keep URLs out of other sites' referrers, and to run only this app's
  own scripts (a Content-Security-Policy the generated pages satisfy: no inline
  script). Over HTTPS, a deployed profile adds Strict-Transport-Security.

Each header is set only when the view did not set its own, and each value is a config
key: ``CONTENT_SECURITY_POLICY``, ``REFERRER_POLICY``, ``HSTS_MAX_AGE`` (seconds; 0
turns it off).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from .config import ConfigError

MIN_SECRET_KEY_BYTES = 32
# Profiles that run on a developer's machine or in the tests; every other one is deployed.
LOCAL_PROFILES = frozenset({"development", "testing"})
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' data:"
)
ONE_YEAR = 365 * 24 * 60 * 60


def check_secret_key(app: Flask, profile: str) -> None:
    """Refuse to start a deployed profile whose SECRET_KEY is short (or missing)."""
    if profile in LOCAL_PROFILES:
        return
    key = app.config.get("SECRET_KEY") or ""
    size = len(key) if isinstance(key, bytes) else len(str(key).encode())
    if size < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"the {profile} profile needs a SECRET_KEY of at least {MIN_SECRET_KEY_BYTES} bytes "
            f"(this one has {size}); make one with: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )


def set_security_headers(response: Response) -> Response:
    """Add the security headers a view did not set itself."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    if request.is_secure and config["HSTS_MAX_AGE"]:
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={config['HSTS_MAX_AGE']}; includeSubDomains",
        )
    return response


def register_security(app: Flask, profile: str) -> None:
    """Check the secret key of ``profile`` and add the headers to every response."""
    check_secret_key(app, profile)
    app.config.setdefault("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    app.config.setdefault("REFERRER_POLICY", "strict-origin-when-cross-origin")
    app.config.setdefault("HSTS_MAX_AGE", 0 if profile in LOCAL_PROFILES else ONE_YEAR)
    app.after_request(set_security_headers)
