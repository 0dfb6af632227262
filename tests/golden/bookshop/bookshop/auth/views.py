"""The auth blueprint: log in, log out under /auth (the
account's other pages are in account.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from ..access import refuse_token
from ..api import is_api_request
from ..extensions import db, limiter
from ..models import Staff
from .forms import LoginForm, TokenForm
from .tokens import issue_token, tokens_of
from .tokens import revoke_token as revoke_token_of
from .users import authenticate, normalise_identity

# cli_group=None: create-user is a command of the app itself, not of "flask auth".
bp = Blueprint("auth", __name__, url_prefix="/auth", cli_group=None)
HOME = "index"


def is_safe_next(target: str | None) -> bool:
    """True only for a local path such as ``/orders/3?x=1``: no scheme or host, and
    nothing a browser reads as another host (``//``, backslashes, control characters),
    so ``next`` can never send anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _next_page() -> ResponseReturnValue:
    """Redirect to ``next`` when it is a local path, else to the home page."""
    target = request.args.get("next")
    return redirect(target if target and is_safe_next(target) else url_for(HOME))


def _fresh_session() -> None:
    """Drop everything the session held, with the CSRF token Flask-WTF cached for it."""
    session.clear()
    g.pop("csrf_token", None)


def _start_session(user: Staff, remember: bool = False) -> None:
    """Log ``user`` in on a fresh session: nothing set before the login survives it,
    so a session planted by someone else is never promoted (no session fixation)."""
    _fresh_session()
    login_user(user, remember=remember)
    db.session.commit()  # a user without a session token got one from get_id()


def throttle() -> str:
    """Attempts allowed per email and per client address (AUTH_THROTTLE in the config)."""
    return str(current_app.config["AUTH_THROTTLE"])


def attempted_identity() -> str:
    """The throttle's key for the email being tried, whatever the address it comes from."""
    return "email:" + normalise_identity(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle, methods=["POST"])  # per client address
@limiter.limit(throttle, methods=["POST"], key_func=attempted_identity)
def login() -> ResponseReturnValue:
    """GET /auth/login: the form (or who is logged in); POST: log in with
    email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            flash("You are logged in.", "success")
            return _next_page()
        # One message for an unknown email and a wrong password: no account enumeration.
        flash("Wrong email or password.", "error")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """POST /auth/logout: log out everywhere. A POST with the CSRF token, so no other
    site can. The user's session token changes, so no copy of this session or of a
    remember cookie opens the account again."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    _fresh_session()
    flash("You are logged out.", "info")
    return redirect(url_for(HOME))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> ResponseReturnValue:
    """GET /auth/tokens: the user's API tokens; POST: make one and show it, once."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = issue_token(current_user, form.name.data or "")
        form = TokenForm(formdata=None)
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=tokens_of(current_user),
        new_token=new_token,
    ), status


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """POST /auth/tokens/<id>/revoke: delete one of the user's tokens; it answers 401 from then on."""
    if revoke_token_of(current_user, token_id):
        flash("The token is revoked.", "info")
    else:
        flash("No such token.", "error")
    return redirect(url_for(".tokens"))


@bp.before_app_request
def refuse_unknown_tokens() -> ResponseReturnValue | None:
    """An API call whose Authorization header names nobody (an unknown or revoked token,
    or another scheme) gets 401, even where anyone may call: a script with a stale token
    hears about it."""
    if (
        is_api_request()
        and "Authorization" in request.headers
        and not current_user.is_authenticated
    ):
        return refuse_token()
    return None
