"""Views of the admin blueprint."""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue

bp = Blueprint("admin", __name__, subdomain="admin")


@bp.route("/")
def dashboard() -> ResponseReturnValue:
    """GET /"""
    return Response("admin", mimetype="text/plain")
