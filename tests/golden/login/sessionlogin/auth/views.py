"""The auth blueprint: log in, log out and sign up under /auth (the
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
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from ..models import Account
from .forms import AddressForm, LoginForm, RegisterForm
from .links import send_confirmation_link, send_signup_attempt
from .users import authenticate, create_user, find_user, normalise_identity

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


def _start_session(user: Account, remember: bool = False) -> None:
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
        if user is not None and user.confirmed_at is None:
            # The password was right, so saying the address is unconfirmed tells no one
            # else anything; the page offers a new confirmation link.
            again = AddressForm(formdata=None, data={"email": user.email})
            return render_template("auth/unconfirmed.html", form=again), 403
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


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(throttle, methods=["POST"])  # per client address
@limiter.limit(throttle, methods=["POST"], key_func=attempted_identity)
def register() -> ResponseReturnValue:
    """GET /auth/register: the sign-up form; POST: create the user and mail them the
    link that confirms their address (they log in after following it)."""
    form = RegisterForm()
    if form.validate_on_submit():
        user = create_user(
            form.email.data or "",
            form.password.data or "",
            display_name=form.display_name.data or "",
        )
        if user is not None:
            send_confirmation_link(user)
        else:
            taken = find_user(form.email.data or "")
            if taken is not None:
                send_signup_attempt(taken)
        # A taken email gets the same answer as a new account (and costs the
        # same hashing time and one mail), so sign-up never tells who has an account here;
        # the owner of the address hears of the attempt instead.
        flash(
            "Thanks for signing up. Follow the link we mailed you to confirm your address, then log in.",
            "info",
        )
        return redirect(url_for(".login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status
