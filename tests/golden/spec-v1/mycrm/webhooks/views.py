"""Views of the webhooks blueprint (/hooks)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ..extensions import csrf

bp = Blueprint("webhooks", __name__, url_prefix="/hooks")


@bp.route("/payment", methods=["POST"])
def payment() -> ResponseReturnValue:
    """POST /hooks/payment"""
    return jsonify({"received": True})


csrf.exempt(bp)  # csrf: false
