"""Views of the account blueprint (/account)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/login/", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """GET, POST /account/login/"""
    return render_template("account/login.html")


@bp.route("/logout/")
def logout() -> ResponseReturnValue:
    """GET /account/logout/"""
    return redirect(url_for("account.login"))
