"""Each error page is returned with its own status; pages extend the layout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import NoReturn

import pytest
from flask import Flask, abort

ERROR_PAGES = {
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}
IN_LAYOUT = {403, 404, 500}


@pytest.fixture(scope="module")
def failing(new_app: Callable[[], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    """An app of this module's own, with a route that fails with the code in its URL."""

    def fail(code: int) -> NoReturn:
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    with new_app() as app:
        app.add_url_rule("/__fail__/<int:code>", "__fail__", fail)
        app.config["PROPAGATE_EXCEPTIONS"] = False
        yield app


@pytest.mark.parametrize(("code", "fragment"), ERROR_PAGES.items(), ids=str)
def test_error_page(failing: Flask, code: int, fragment: str) -> None:
    response = failing.test_client().get(f"/__fail__/{code}")
    assert response.status_code == code
    assert fragment in response.get_data(as_text=True)
    if code in IN_LAYOUT:  # the page extends the layout: its navigation is there
        assert 'class="navbar' in response.get_data(as_text=True)


def test_unknown_url_gets_the_404_page(app: Flask) -> None:
    response = app.test_client().get("/__no_such_page__")
    assert response.status_code == 404
    assert ERROR_PAGES[404] in response.get_data(as_text=True)
