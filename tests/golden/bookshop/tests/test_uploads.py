"""Uploads: the form, saving allowed files, refusing the rest, size limits, downloads.

Every test saves under folders of its own (see ``upload_folders`` in conftest.py).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from bookshop import create_app
from bookshop.uploads import ACTIVE_EXTENSIONS, MAX_NAME_BYTES, UPLOADS

BASE_URL = "http://localhost"


@dataclass(frozen=True)
class Case:
    path: str  # the upload's rule
    field: str
    allowed: str  # a file name the upload accepts
    renamed: str  # the name the same file gets when it is posted again
    foreign: str  # a file name with an extension the upload refuses
    max_size: int | None
    download: tuple[str, str] | None  # the download path before and after the name
    overwrite: bool  # a file of the same name replaces the one saved before


CASES = {
    "covers": Case(
        path="/covers/upload",
        field="file",
        allowed="photo.png",
        renamed="photo-1.png",
        foreign="notes.exe",
        max_size=2 * 1024 * 1024,
        download=("/covers/", ""),
        overwrite=False,
    ),
}
SIZED = [name for name, case in CASES.items() if case.max_size]
SERVED = [name for name, case in CASES.items() if case.download]
# (upload, extension) of accepted types a browser would run as a page or script.
ACTIVE = [
    (name, ext)
    for name in SERVED
    for ext in sorted(UPLOADS[name].extensions & ACTIVE_EXTENSIONS)
]


# Uploads that need a logged-in user; the other tests use one, as people would.
LOGIN_ONLY = ["covers"]


@pytest.fixture()
def client(signed_in: FlaskClient) -> FlaskClient:
    return signed_in


@pytest.mark.parametrize("name", LOGIN_ONLY)
def test_anonymous_visitors_are_sent_to_log_in(app: Flask, name: str) -> None:
    case = CASES[name]
    anonymous = app.test_client()
    urls = [case.path] + ([download_path(case, case.allowed)] if case.download else [])
    for url in urls:
        response = anonymous.get(BASE_URL + url)
        assert response.status_code == 302
        assert "/login" in response.location
    assert saved(app, name) == []


def folder(app: Flask, name: str) -> Path:
    return Path(app.config[UPLOADS[name].config_key])


def saved(app: Flask, name: str) -> list[str]:
    path = folder(app, name)
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def form_token(client: FlaskClient, case: Case) -> str:
    """The CSRF token of the upload's form page, read as a browser does."""
    page = client.get(BASE_URL + case.path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def post(
    client: FlaskClient, case: Case, filename: str, data: bytes = b"data", **form: str
) -> TestResponse:
    """POST one file as a browser would (the body built in memory, not in a temp file),
    with the form's CSRF token unless ``csrf_token`` is given."""
    if "csrf_token" not in form:
        form["csrf_token"] = form_token(client, case)
    upload = FileStorage(io.BytesIO(data), filename=filename)
    boundary, body = encode_multipart({case.field: upload, **form})
    return client.post(
        BASE_URL + case.path,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def download_path(case: Case, filename: str) -> str:
    assert case.download is not None
    before, after = case.download
    return before + filename + after


@pytest.mark.parametrize("name", CASES)
def test_form_page_is_a_multipart_form(client: FlaskClient, name: str) -> None:
    case = CASES[name]
    response = client.get(BASE_URL + case.path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body
    assert f'name="{case.field}"' in body


@pytest.mark.parametrize("name", CASES)
def test_allowed_file_is_saved_and_redirects(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    response = post(client, case, case.allowed, b"first")
    assert response.status_code == 302
    assert (folder(app, name) / case.allowed).read_bytes() == b"first"
    if case.download:
        assert response.location == download_path(case, case.allowed)
    else:
        assert response.location == case.path


@pytest.mark.parametrize("name", CASES)
def test_folder_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Several app servers share one volume: its path comes from the environment."""
    shared = tmp_path / "shared"
    monkeypatch.setenv(UPLOADS[name].config_key, str(shared))
    case = CASES[name]
    app = create_app("testing")
    with app.app_context():
        assert UPLOADS[name].path() == shared
    if name in LOGIN_ONLY:
        return  # saving there needs a user of that app's own database
    response = post(app.test_client(), case, case.allowed, b"shared")
    assert response.status_code == 302
    assert (shared / case.allowed).read_bytes() == b"shared"


@pytest.mark.parametrize("name", CASES)
def test_a_file_of_a_name_already_saved(
    app: Flask, client: FlaskClient, name: str
) -> None:
    """It never overwrites the first, but gets a name of its own; unless the upload
    says ``overwrite``, where it replaces the first."""
    case = CASES[name]
    assert post(client, case, case.allowed, b"first").status_code == 302
    assert post(client, case, case.allowed, b"second").status_code == 302
    assert (folder(app, name) / case.allowed).read_bytes() == (
        b"second" if case.overwrite else b"first"
    )
    renamed = folder(app, name) / case.renamed
    assert (renamed.read_bytes() if renamed.exists() else None) == (
        None if case.overwrite else b"second"
    )


@pytest.mark.parametrize("name", CASES)
def test_disallowed_extension_gets_400_and_saves_nothing(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    response = post(client, case, case.foreign)
    assert response.status_code == 400
    assert "not accepted" in response.get_data(as_text=True)
    assert saved(app, name) == []


@pytest.mark.parametrize("name", CASES)
def test_missing_file_gets_400_and_saves_nothing(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    response = client.post(
        BASE_URL + case.path,
        data={"csrf_token": form_token(client, case)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose a file" in response.get_data(as_text=True)
    assert post(client, case, "").status_code == 400
    assert saved(app, name) == []


@pytest.mark.parametrize("name", CASES)
def test_hostile_file_names_stay_in_the_folder(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    assert post(client, case, "../../etc/passwd").status_code == 400
    assert post(client, case, "../../" + case.allowed).status_code == 302
    assert saved(app, name) == [case.allowed]
    inside = folder(app, name)
    root = inside.parents[1]  # the test's own: "../../" from its folder lands there
    outside = [p for p in root.rglob("*") if p.is_file() and inside not in p.parents]
    assert outside == []


@pytest.mark.parametrize("name", CASES)
def test_a_file_name_too_long_for_the_disk_gets_400(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    extension = case.allowed.rsplit(".", 1)[-1]
    response = post(client, case, "a" * (MAX_NAME_BYTES + 100) + "." + extension)
    assert response.status_code == 400
    assert saved(app, name) == []


@pytest.mark.parametrize("name", SIZED)
def test_oversized_file_gets_413_and_saves_nothing(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    assert case.max_size is not None
    response = post(client, case, case.allowed, b"x" * case.max_size)
    assert response.status_code == 413
    assert saved(app, name) == []


@pytest.mark.parametrize("name", SIZED)
def test_oversized_file_gets_413_before_the_csrf_check(
    app: Flask, client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    assert case.max_size is not None
    token = form_token(client, case)
    too_big = b"x" * case.max_size
    assert post(client, case, case.allowed, csrf_token="").status_code == 400
    assert post(client, case, case.allowed, too_big, csrf_token="").status_code == 413
    assert (
        post(client, case, case.allowed, too_big, csrf_token=token).status_code == 413
    )
    assert saved(app, name) == []
    assert post(client, case, case.allowed, csrf_token=token).status_code == 302


@pytest.mark.parametrize("name", SERVED)
def test_saved_file_can_be_downloaded(client: FlaskClient, name: str) -> None:
    case = CASES[name]
    assert post(client, case, case.allowed, b"payload").status_code == 302
    response = client.get(BASE_URL + download_path(case, case.allowed))
    assert response.status_code == 200
    assert response.data == b"payload"
    response.close()


@pytest.mark.parametrize("name", SERVED)
def test_the_form_page_lists_the_saved_files(client: FlaskClient, name: str) -> None:
    case = CASES[name]
    empty = client.get(BASE_URL + case.path).get_data(as_text=True)
    assert "Nothing uploaded yet." in empty
    assert post(client, case, case.allowed, b"payload").status_code == 302
    page = client.get(BASE_URL + case.path).get_data(as_text=True)
    assert (
        f'href="{download_path(case, case.allowed)}"' in page
    )  # a link to download it
    assert "7 bytes" in page


@pytest.mark.parametrize("name", SERVED)
@pytest.mark.parametrize("filename", ["missing.txt", "..", "..%2F..%2Fconftest.py"])
def test_download_cannot_leave_the_folder(
    client: FlaskClient, name: str, filename: str
) -> None:
    case = CASES[name]
    response = client.get(BASE_URL + download_path(case, filename))
    assert response.status_code == 404


@pytest.mark.parametrize("name", SERVED)
def test_downloads_are_not_sniffed_and_over_long_names_are_404(
    client: FlaskClient, name: str
) -> None:
    case = CASES[name]
    assert post(client, case, case.allowed, b"x").status_code == 302
    with client.get(BASE_URL + download_path(case, case.allowed)) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    too_long = "a" * (MAX_NAME_BYTES + 100) + "." + case.allowed.rsplit(".", 1)[-1]
    assert client.get(BASE_URL + download_path(case, too_long)).status_code == 404
