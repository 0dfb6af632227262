"""End to end: edits move with what the spec renames or reshapes in place — an upload
renamed with ``renamed_from`` keeps your edited views and page, a class view whose
methods change keeps each edited method with its own method, and removing ``auth`` keeps
the auth files you edited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flaskgen.core.merge.identity import rename_names
from flaskgen.merge import has_markers
from tests.genenv import GenEnv
from tests.regen_support import Project
from tests.test_regen_drops import AUTH
from tests.test_regen_drops import SPEC as TILL_SPEC

UPLOAD_SPEC = """\
flaskgen: 1
project: {name: Share, package: share}
config:
  base: {SECRET_KEY: not-secret}
routes:
  index: {rule: /, text: Hello}
uploads:
  files:
    rule: /upload
    field: file
    extensions: [txt]
    folder: uploads
    serve: /uploads/<filename>
"""
UPLOAD_RENAME = ("  files:\n", "  documents:\n    renamed_from: files\n")
UPLOAD_PROBE = """\
from share import create_app
app = create_app("testing")
client = app.test_client()
page = client.get("/upload")
print(page.status_code, "Mind the size limit." in page.get_data(as_text=True))
print(" ".join(sorted(rule.endpoint for rule in app.url_map.iter_rules())))
"""

CLASS_SPEC = """\
flaskgen: 1
project: {name: Shop, package: shop}
config:
  base: {SECRET_KEY: not-secret}
routes:
  index: {rule: /, text: Hello}
blueprints:
  orders:
    url_prefix: /orders
    routes:
      update: {rule: "/<int:order_id>", methods: [PUT, PATCH], view: class, json: true}
"""
GENERATED_PUT = """\
    def put(self, order_id: int) -> ResponseReturnValue:
        return jsonify({"order_id": order_id})"""
MY_PUT = """\
    def put(self, order_id: int) -> ResponseReturnValue:
        current_app.logger.info("order %s replaced", order_id)
        return jsonify({"order_id": order_id, "replaced": True})"""
CLASS_PROBE = """\
from shop import create_app
client = create_app("testing").test_client()
for method in ("PUT", "DELETE", "PATCH"):
    response = client.open("/orders/7", method=method)
    print(method, response.status_code, response.get_json() if response.is_json else "")
"""


def _run(gen_env: GenEnv, project: Project, probe: str) -> str:
    result = gen_env.run(
        [gen_env.python, "-c", probe], cwd=project.root, env={"FLASK_CONFIG": "testing"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_a_renamed_upload_carries_its_edited_views_and_page(
    tmp_path: Path, gen_env: GenEnv
) -> None:
    project = Project.create(tmp_path, UPLOAD_SPEC)
    project.edit(
        "share/uploads.py",
        "    return receive(FILES)\n",
        '    current_app.logger.info("form used")\n    return receive(FILES)\n',
    )
    project.edit(
        "share/uploads.py",
        "    return send_upload(FILES, filename)\n",
        '    current_app.logger.info("download")\n    return send_upload(FILES, filename)\n',
    )
    project.edit(
        "share/templates/uploads/files.html",
        "{% block content %}\n",
        '{% block content %}\n<p class="hint">Mind the size limit.</p>\n',
    )
    project.respec(*UPLOAD_RENAME)
    report = project.regen()
    assert not report.conflicts, report.results
    actions = project.actions(report)
    assert actions["share/uploads.py"] == "merge"
    assert actions["share/templates/uploads/files.html"] == "rename"
    assert actions["share/templates/uploads/documents.html"] == "merge"
    assert not any(p.endswith(".flaskgen-new") for p in actions)
    views = project.read("share/uploads.py")
    assert 'def documents() -> ResponseReturnValue:\n    """GET /upload' in views
    assert '    current_app.logger.info("form used")\n    return receive(DOCUMENTS)\n' in views
    assert (
        '    current_app.logger.info("download")\n    return send_upload(DOCUMENTS, filename)\n'
        in views
    )
    assert not re.search(r"\bFILES\b", views) and "def files" not in views and "request.files" in views
    assert not project.path("share/templates/uploads/files.html").exists()
    assert "Mind the size limit." in project.read("share/templates/uploads/documents.html")
    status, endpoints = _run(gen_env, project, UPLOAD_PROBE).splitlines()
    assert status == "200 True"
    assert {"documents", "documents_file"} <= set(endpoints.split())
    assert project.regen().changes is False


@pytest.mark.slow
def test_a_class_view_merges_per_method_when_its_methods_change(
    tmp_path: Path, gen_env: GenEnv
) -> None:
    """[PUT, PATCH] -> [DELETE, PUT]: your put stays put (a line merge would pair it with
    the new delete, which now comes first), patch goes, delete arrives."""
    project = Project.create(tmp_path, CLASS_SPEC)
    project.edit("shop/orders/views.py", GENERATED_PUT, MY_PUT)
    project.edit(
        "shop/orders/views.py",
        "from flask import Blueprint, jsonify",
        "from flask import Blueprint, current_app, jsonify",
    )
    project.respec("methods: [PUT, PATCH]", "methods: [DELETE, PUT]")
    report = project.regen()
    assert not report.conflicts, report.results
    assert project.actions(report)["shop/orders/views.py"] == "merge"
    views = project.read("shop/orders/views.py")
    assert MY_PUT in views
    assert "    def delete(self, order_id: int)" in views and "def patch" not in views
    assert '"""DELETE, PUT /orders/<int:order_id>"""' in views
    put, delete, patch = _run(gen_env, project, CLASS_PROBE).splitlines()
    assert put == "PUT 200 {'order_id': 7, 'replaced': True}"
    assert delete == "DELETE 200 {'order_id': 7}"
    assert patch.startswith("PATCH 405")
    assert project.regen().changes is False


def test_an_edited_method_the_spec_drops_is_a_conflict_on_that_method_only(tmp_path: Path) -> None:
    project = Project.create(tmp_path, CLASS_SPEC)
    project.edit("shop/orders/views.py", GENERATED_PUT, MY_PUT)
    project.edit(
        "shop/orders/views.py",
        "from flask import Blueprint, jsonify",
        "from flask import Blueprint, current_app, jsonify",
    )
    project.respec("methods: [PUT, PATCH]", "methods: [PATCH, DELETE]")
    report = project.regen()
    assert report.conflicts == ["shop/orders/views.py"]
    note = next(s.note for s in report.steps if s.relpath == "shop/orders/views.py")
    assert (
        note
        == "1 conflict marked in the file: the new spec drops UpdateView.put(), which you edited"
    )
    assert not project.path("shop/orders/views.py.flaskgen-new").exists()
    views = project.read("shop/orders/views.py")
    assert has_markers(views) and views.count("<<<<<<< yours") == 1
    mine, _, rest = views.partition("||||||| last generated")
    assert MY_PUT in mine and "def put" not in rest.partition(">>>>>>> new spec")[2]
    assert "    def patch(self" in rest and "    def delete(self" in rest


def test_renamed_names_change_only_where_they_stand_alone() -> None:
    text = 'def files():\n    """files"""\n    f = request.files  # files\n    send(files=FILES)\n    return files_file\n'
    renamed = rename_names(
        text, {"files": "documents", "FILES": "DOCUMENTS", "files_file": "documents_file"}
    )
    assert (
        renamed
        == 'def documents():\n    """files"""\n    f = request.files  # files\n    send(files=DOCUMENTS)\n    return documents_file\n'
    )
    assert rename_names("def broken(:\n", {"broken": "x"}) == "def broken(:\n"


def test_removing_auth_keeps_the_auth_files_you_edited(tmp_path: Path) -> None:
    project = Project.create(tmp_path, TILL_SPEC + AUTH)
    project.edit(
        "till/templates/auth/login.html",
        "{% block content %}\n",
        "{% block content %}\n<p>Welcome back.</p>\n",
    )
    project.edit(
        "till/auth/views.py",
        "\n\n@bp.",
        "\n\n# mine\n@bp.",
    )
    project.respec(AUTH, "dropped: [Customer.password_hash, Customer.session_token]\n")
    report = project.regen()
    actions = project.actions(report)
    assert actions["till/templates/auth/login.html"] == "orphan"
    assert actions["till/auth/forms.py"] == actions["till/templates/auth/register.html"] == "delete"
    assert report.conflicts == ["till/auth/views.py"]
    note = next(s.note for s in report.steps if s.relpath == "till/auth/views.py")
    assert note.startswith(
        "no longer in the spec; kept because you changed it, and the code would not import"
    )
    assert "# mine" in project.read("till/auth/views.py") and "Welcome back." in project.read(
        "till/templates/auth/login.html"
    )
    project.path("till/auth/views.py").unlink()  # delete it (or fix it): then regen goes on
    assert not project.regen().conflicts
