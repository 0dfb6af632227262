"""Views of the admin blueprint."""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from flask_login import login_required

bp = Blueprint("admin", __name__, subdomain="admin")


@bp.before_request
@login_required
def require_access() -> None:
    """One rule for every route of this blueprint (user): anonymous
    visitors are sent to the login page with ``next``, others who may not get 403."""


@bp.route("/")
def dashboard() -> ResponseReturnValue:
    """GET /"""
    return Response("admin", mimetype="text/plain")
