"""Views of the order blueprint (/order)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from ..extensions import csrf

bp = Blueprint("order", __name__, url_prefix="/order")


@bp.route("/")
def orders() -> ResponseReturnValue:
    """GET /order/"""
    return Response("Order", mimetype="text/plain")


@bp.route("/<int:order_id>")
def detail(order_id: int) -> ResponseReturnValue:
    """GET /order/<int:order_id>"""
    return jsonify({"order_id": order_id})


@bp.route("/notify", methods=["POST"])
@csrf.exempt
def notify() -> ResponseReturnValue:
    """POST /order/notify"""
    return jsonify({"queued": True})
