"""Views of the order blueprint (/orders)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from flask.views import MethodView

bp = Blueprint("order", __name__, url_prefix="/orders")


@bp.route("/<int:order_id>")
def detail(order_id: int) -> ResponseReturnValue:
    """GET /orders/<int:order_id>"""
    return jsonify({"order_id": order_id})


class UpdateView(MethodView):
    """PUT, PATCH, DELETE /orders/<int:order_id>"""

    init_every_request = False

    def put(self, order_id: int) -> ResponseReturnValue:
        return jsonify({"order_id": order_id})

    def patch(self, order_id: int) -> ResponseReturnValue:
        return jsonify({"order_id": order_id})

    def delete(self, order_id: int) -> ResponseReturnValue:
        return jsonify({"order_id": order_id})


@bp.route("/<int:order_id>/remove", methods=["POST"])
def remove(order_id: int) -> ResponseReturnValue:
    """POST /orders/<int:order_id>/remove"""
    return Response("", mimetype="text/plain"), 204


bp.add_url_rule(
    "/<int:order_id>",
    view_func=UpdateView.as_view("update"),
    methods=["PUT", "PATCH", "DELETE"],
)
