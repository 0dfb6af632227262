"""The health check answers JSON."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_healthz_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok"}
