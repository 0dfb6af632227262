"""An account's life after sign-up: change the password.

Setting a password ends every session and remember cookie of the user (their session
token changes); the browser that set it gets a fresh session.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import db
from .forms import PasswordForm
from .views import HOME, _start_session, bp


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
