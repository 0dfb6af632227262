"""Each error page is returned with its own status; pages extend the layout."""

from __future__ import annotations

from typing import NoReturn

import pytest
from flask import Flask, abort

ERROR_PAGES = {
    413: "Request Entity Too Large",
}
IN_LAYOUT = {413}


@pytest.mark.fresh_app  # adds a route
@pytest.mark.parametrize(("code", "fragment"), ERROR_PAGES.items(), ids=str)
def test_error_page(app: Flask, code: int, fragment: str) -> None:
    def fail() -> NoReturn:
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    app.add_url_rule("/__fail__", "__fail__", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/__fail__")
    assert response.status_code == code
    assert fragment in response.get_data(as_text=True)
    if code in IN_LAYOUT:  # the page extends the layout: its navigation is there
        assert 'class="navbar' in response.get_data(as_text=True)
