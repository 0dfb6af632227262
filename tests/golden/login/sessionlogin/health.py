"""``GET /healthz``: a JSON health check for load balancers, orchestrators and uptime
monitors. It answers 200 while the app serves requests and 503 when it cannot."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue


def healthz() -> ResponseReturnValue:
    """``{"status": "ok"}``: the process is up and serving requests."""
    return jsonify(status="ok")


def register_health(app: Flask) -> None:
    """Add the health check route (endpoint ``healthz``)."""
    app.add_url_rule("/healthz", view_func=healthz)
