"""End to end: a user edits a generated crm project, the spec gains a route and a
column, regen merges, and the project still passes its own suite, keeps the user's
behaviour and migrates a database that holds rows."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from flaskgen.project import create_project
from flaskgen.regen import regen
from tests.conftest import EXAMPLES, GenEnv

pytestmark = pytest.mark.slow

ENV = {"FLASK_CONFIG": "development"}
USER_VIEW = '''\
    from flask import make_response

    response = make_response(render_template("index.html"))
    response.headers["X-Mine"] = "kept"
    return response
'''
PROBE = """\
from crm import create_app
client = create_app("testing").test_client()
index = client.get("/index/")
about = client.get("/about/")
print(index.status_code, index.headers.get("X-Mine"), "Welcome back" in index.get_data(as_text=True))
print(about.status_code, about.get_data(as_text=True))
"""


def _manage(gen_env: GenEnv, project: Path, *args: str) -> str:
    result = gen_env.run([gen_env.python, "manage.py", *args], cwd=project, env=ENV)
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def test_edit_then_spec_change_then_regen_keeps_behaviour_and_data(tmp_path: Path, gen_env: GenEnv) -> None:
    spec = tmp_path / "crm.yaml"
    shutil.copy(EXAMPLES / "crm.yaml", spec)
    project = tmp_path / "crm"
    create_project(spec, project)
    gen_env.install(project)

    # A database at the old schema, with rows in it.
    _manage(gen_env, project, "db", "upgrade")
    (db_path,) = (project / "instance").glob("*.db")
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO department (id, title) VALUES (1, 'Sales')")
        db.execute("INSERT INTO users (id, name, depart_id) VALUES (1, 'ada', 1)")

    # The user's edits: a view body and a template.
    views = project / "crm" / "views.py"
    text = views.read_text()
    views.write_text(text.replace('    return render_template("index.html")\n', USER_VIEW, 1))
    page = project / "crm" / "templates" / "index.html"
    page.write_text(page.read_text().replace("{% block content %}", '{% block content %}\n  <p class="mine">Welcome back</p>', 1))

    # The spec gains a route and a column.
    text = spec.read_text()
    text = text.replace("  index: {rule: /index/, template: index.html}\n", "  index: {rule: /index/, template: index.html}\n  about: {rule: /about/, text: About us}\n", 1)
    text = text.replace("      name: {type: string, length: 32, index: true, nullable: false}\n", "      name: {type: string, length: 32, index: true, nullable: false}\n      email: {type: string, length: 120}\n", 1)
    spec.write_text(text)

    report = regen(project, spec)
    actions = {s.relpath: s.action for s in report.steps}
    assert not report.conflicts, report.results
    assert actions["crm/views.py"] == "merge"
    assert actions["crm/templates/index.html"] == "keep"
    (new_revision,) = [p for p, a in actions.items() if p.startswith("migrations/versions/") and a == "create"]
    assert actions["migrations/versions/0001_initial.py"] == "identical"  # history is never rewritten

    _manage(gen_env, project, "db", "upgrade")
    _manage(gen_env, project, "db", "check")
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT id, name, depart_id, email FROM users").fetchall() == [(1, "ada", 1, None)]
        assert db.execute("SELECT title FROM department").fetchall() == [("Sales",)]
    assert (project / new_revision).exists()

    suite = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert suite.returncode == 0, suite.stdout + suite.stderr
    probe = gen_env.run([gen_env.python, "-c", PROBE], cwd=project)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines() == ["200 kept True", "200 About us"]

    assert not regen(project, spec).changes
