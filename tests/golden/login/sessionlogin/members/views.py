"""Views of the members blueprint (/members).
Pages for members only."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.before_request
@login_required
def require_access() -> None:
    """One rule for every route of this blueprint (user): anonymous
    visitors are sent to the login page with ``next``, others who may not get 403."""


@bp.route("/")
def lounge() -> ResponseReturnValue:
    """GET /members/"""
    return render_template("members/lounge.html")


@bp.route("/notes", methods=["GET", "POST"])
def notes() -> ResponseReturnValue:
    """GET, POST /members/notes"""
    return render_template("members/notes.html")
