"""An account's life after sign-up: change the password, reset a forgotten one by mail, confirm the address.

Setting a password ends every session and remember cookie of the user (their session
token changes); the browser that set it gets a fresh session.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import db, limiter
from .forms import AddressForm, NewPasswordForm, PasswordForm
from .links import (
    send_confirmation_link,
    send_reset_link,
    user_to_confirm,
    user_to_reset,
)
from .users import find_user
from .views import HOME, _start_session, attempted_identity, bp, throttle

# What asking for a link answers, whether or not someone has the email: the
# page never tells who has an account here.
LINK_SENT = "If an account has that email, we sent it a link. Look in your mail."


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """GET /auth/password: the form; POST: check the current password, set the new one
    and end every other session of the user."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if user.check_password(form.current.data or ""):
            user.set_password(form.password.data or "")
            db.session.commit()
            _start_session(user)
            flash(
                "Your password is changed; you are logged out everywhere else.",
                "success",
            )
            return redirect(url_for(HOME))
        form.current.errors = ["Wrong password."]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(throttle, methods=["POST"])  # per client address
@limiter.limit(throttle, methods=["POST"], key_func=attempted_identity)
def reset_request() -> ResponseReturnValue:
    """GET /auth/reset: ask for a reset link; POST: mail one to the user with that
    email, if there is one. The answer is the same either way."""
    form = AddressForm()
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is not None:
            send_reset_link(user)
        flash(LINK_SENT, "info")
        return redirect(url_for(".login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """GET /auth/reset/<token>: the new-password form; POST: set it. An expired, used or
    forged link gets a page that offers a new one."""
    user = user_to_reset(token)
    if user is None:
        return render_template(
            "auth/link_refused.html", again=url_for(".reset_request")
        ), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        user.set_password(
            form.password.data or ""
        )  # ends the user's sessions and this link
        if user.confirmed_at is None:
            user.confirm()  # the link came by mail: the address works
        db.session.commit()
        flash("Your password is set; log in with it.", "success")
        return redirect(url_for(".login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(throttle, methods=["POST"])  # per client address
@limiter.limit(throttle, methods=["POST"], key_func=attempted_identity)
def resend_confirmation() -> ResponseReturnValue:
    """GET /auth/confirm: ask for a new confirmation link; POST: mail one to the
    unconfirmed user with that email, if there is one. The answer is the same either way."""
    form = AddressForm()
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is not None and user.confirmed_at is None:
            send_confirmation_link(user)
        flash(LINK_SENT, "info")
        return redirect(url_for(".login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/confirm_request.html", form=form), status


@bp.get("/confirm/<token>")
def confirm_email(token: str) -> ResponseReturnValue:
    """GET /auth/confirm/<token>: confirm the address; the account may log in from now
    on. An expired, used or forged link gets a page that offers a new one."""
    user = user_to_confirm(token)
    if user is None:
        return render_template(
            "auth/link_refused.html", again=url_for(".resend_confirmation")
        ), 400
    user.confirm()
    db.session.commit()
    flash("Your address is confirmed; you can log in.", "success")
    return redirect(url_for(".login"))
