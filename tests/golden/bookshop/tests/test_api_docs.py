"""The API's documentation page: Swagger UI's files are served by this app (no CDN),
it is started by a static script (no inline one), and it reads the OpenAPI document."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_docs_page_loads_swagger_ui_from_this_site(client: FlaskClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"></script>', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert len(scripts) == html.count("<script") == 2  # no inline script
    for url in scripts + styles:
        assert url.startswith("/"), url  # this site, not a CDN
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_docs_page_reads_the_openapi_document(client: FlaskClient) -> None:
    html = client.get("/api/docs").get_data(as_text=True)
    found = re.search(r'data-spec-url="([^"]+)"', html)
    assert found, "the page names the document's URL"
    document = client.get(found.group(1)).json
    assert document is not None and document["openapi"].startswith("3.1")
    assert document["paths"]
