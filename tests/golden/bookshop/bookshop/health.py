"""``GET /healthz``: a JSON health check for load balancers, orchestrators and uptime
monitors. It answers 200 while the app can reach its database and 503 when it cannot."""

from __future__ import annotations

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db


def healthz() -> ResponseReturnValue:
    """``{"status": "ok", "database": "ok"}``, or 503 when ``SELECT 1`` fails."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database is unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def register_health(app: Flask) -> None:
    """Add the health check route (endpoint ``healthz``)."""
    app.add_url_rule("/healthz", view_func=healthz)
