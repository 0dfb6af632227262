"""Who may do what: ``access`` rules, ``owner``, ``auth.roles`` and ``auth.tokens``.

Fast: every rule is checked with ``spec.yaml:LINE:COL`` errors, the generated access
module holds the spec's rules, and ``validate`` warns about what anyone may change.
Slow: tests/data/access.yaml generates a project whose own suite (the permission
matrix among it) passes on SQLite and PostgreSQL, the same rules hold over real HTTP
(gunicorn, bearer tokens), and ``regen`` adds roles and tokens to a project that
already has users, keeping them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import SpecError
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv, render_text
from tests.servers import gunicorn, manage

FIXTURE = Path(__file__).parent / "data" / "access.yaml"
APP = "clinic:create_app()"
STRONG_KEY = "k" * 32

HEADER = """\
flaskgen: 1
project: {name: X, package: xapp}
models:
  User:
    table: users
    columns:
      email: {type: string, length: 120, nullable: false, unique: true}
  Note:
    columns:
      body: {type: text}
      writer_id: {type: integer, foreign_key: users.id}
      ward_id: {type: integer, foreign_key: ward.id}
    relationships:
      writer: {model: User}
      ward: {model: Ward}
  Ward:
    columns:
      name: {type: string, length: 40}
"""
AUTH = "auth: {model: User, roles: [admin, editor]}\n"

INVALID = {
    "unknown role": (
        AUTH + "resources:\n  notes: {model: Note, access: {read: anyone, delete: admn}}\n",
        ["spec.yaml:21:55: resources.notes.access.delete: unknown rule 'admn' (did you mean 'admin'?); a rule is anyone, user or a role of auth.roles"],
    ),
    "owner without an owner key": (
        AUTH + "resources:\n  notes: {model: Note, access: {update: owner}}\n",
        ["spec.yaml:21:41: resources.notes.access.update: 'owner' needs the resource's owner key (a many-to-one to the auth model)"],
    ),
    "owner pointing elsewhere": (
        AUTH + "resources:\n  notes: {model: Note, owner: ward}\n",
        ["spec.yaml:21:31: resources.notes.owner: 'ward' points at Ward; the owner must be a many-to-one to the auth model, User"],
    ),
    "owner not a relationship": (
        AUTH + "resources:\n  notes: {model: Note, owner: writr}\n",
        ["spec.yaml:21:31: resources.notes.owner: 'writr' is not a many-to-one relationship of Note (did you mean 'writer'?); owner names the relationship to User"],
    ),
    "access and login_required": (
        AUTH + "resources:\n  notes: {model: Note, access: user, login_required: true}\n",
        ["spec.yaml:21:38: resources.notes.login_required: give access or login_required, not both (login_required: true means access: user)"],
    ),
    "rules without auth": (
        "resources:\n  notes: {model: Note, access: {read: anyone, update: editor}}\n",
        ["spec.yaml:20:55: resources.notes.access.update: the rule 'editor' needs a logged-in user, so the spec needs auth: (session login), such as auth: {model: User}"],
    ),
    "create by the owner": (
        AUTH + "resources:\n  notes: {model: Note, owner: writer, access: {create: owner}}\n",
        ["spec.yaml:21:56: resources.notes.access.create: a new row has no owner yet; create takes anyone, user or a role (the creator becomes the owner)"],
    ),
    "anyone creates owned rows": (
        AUTH + "resources:\n  notes: {model: Note, owner: writer, access: {create: anyone}}\n",
        ["spec.yaml:21:56: resources.notes.access.create: rows get the logged-in user as their owner, so create needs a logged-in user (user or a role), not anyone"],
    ),
    "unknown register role": (
        "auth: {model: User, roles: [admin], register_role: staff}\n",
        ["spec.yaml:19:52: auth.register_role: unknown role 'staff'; register_role names one of auth.roles"],
    ),
    "a role named like a rule": (
        "auth: {model: User, roles: [admin, user]}\n",
        ["spec.yaml:19:36: auth.roles[1]: 'user' is a rule of its own (anyone, user, owner); pick another role name"],
    ),
    "owner on a route": (
        AUTH + "routes:\n  home: {rule: /, text: hi, access: owner}\n",
        ["spec.yaml:21:37: routes.home.access: 'owner' needs a row; routes, blueprints and uploads take anyone, user or a role"],
    ),
    "tokens without an API": (
        "auth: {model: User, tokens: true}\n",
        ["spec.yaml:19:29: auth.tokens: tokens open the JSON API, and no resource has one; add a resource (api: true) or remove tokens"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID)
def test_rules_are_checked_with_positions(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


def test_the_access_module_holds_the_rules_of_the_spec() -> None:
    files = render_text(FIXTURE.read_text(encoding="utf-8"))
    access = files["clinic/access.py"]
    assert '"documents": {\n        "read": ("owner", "doctor"),' in access
    assert '"delete": ("owner", "admin"),' in access
    assert 'OWNERS: dict[str, str] = {\n    "documents": "added_by_id",\n    "users": "id",\n}' in access
    tests = files["tests/test_resources.py"]
    matrix = tests[tests.index('key="documents"') : tests.index('key="users"')]
    assert "access={  # list, read, create, update, delete\n" in matrix
    assert '"api by other": ("200", "404", "201", "404", "404"),' in matrix  # cannot even read theirs
    assert '"api by doctor": ("200", "200", "201", "403", "403"),' in matrix
    assert '"pages by anonymous": ("login", "login", "login", "login", "login"),' in matrix
    assert "added_by" not in files["clinic/documents/forms.py"]  # never from input


def test_a_changed_rule_changes_the_matrix() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    before = render_text(text)["tests/test_resources.py"]
    after = render_text(text.replace("delete: admin}", "delete: [doctor, admin]}"))["tests/test_resources.py"]
    assert '"api by doctor": ("200", "200", "403", "200", "403"),' in before  # list, read, create, update, delete
    assert '"api by doctor": ("200", "200", "403", "200", "204"),' in after


def test_validate_warns_about_what_anyone_may_change(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + "resources:\n  notes: {model: Note}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0
    assert "warning: resources.notes: anyone may create, change and delete its rows (the spec has no auth)" in result.stderr
    spec.write_text(HEADER + AUTH + "resources:\n  users: {model: User, login_required: true}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0
    assert "warning: resources.users: any logged-in account may update and delete every other account" in result.stderr
    spec.write_text(HEADER + AUTH + "resources:\n  users: {model: User, access: {update: owner, delete: admin}}\n", encoding="utf-8")
    assert "warning" not in CliRunner().invoke(main, ["validate", str(spec)]).stderr


# -- generated, installed and run ---------------------------------------------------------


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Path:
    from flaskgen.project import create_project

    root = tmp_path_factory.mktemp("access") / "clinic"
    create_project(FIXTURE, root)
    gen_env.install(root)
    return root


@pytest.mark.slow
def test_the_generated_suite_and_its_permission_matrix_pass(clinic: Path, gen_env: GenEnv) -> None:
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=clinic)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " failed" not in result.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_the_permission_matrix_holds_on_postgresql(clinic: Path, gen_env: GenEnv, postgres_url: str) -> None:
    command = [gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "rules_answer or layout_links or role"]
    result = gen_env.run(command, cwd=clinic, env={"TEST_DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _manage(gen_env: GenEnv, project: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    return manage(gen_env, project, env, *args, stdin=stdin).stdout


def _call(base: str, method: str, path: str, token: str | None, body: Any = None) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON body or None, headers) of one HTTP call with an optional bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None, dict(response.headers)
    except urllib.error.HTTPError as error:
        text = error.read()
        error.close()
        return error.code, json.loads(text) if text else None, dict(error.headers)


@pytest.mark.slow
def test_the_rules_hold_over_real_http_with_bearer_tokens(clinic: Path, gen_env: GenEnv, tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}", "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "production"}
    _manage(gen_env, clinic, env, "db", "upgrade")
    for email, roles in (("owner@example.com", ()), ("other@example.com", ()), ("doc@example.com", ("doctor",)), ("boss@example.com", ("admin",))):
        role_args = [a for role in roles for a in ("--role", role)]
        _manage(gen_env, clinic, env, "create-user", email, *role_args, "--password", "a long password")
    token = {
        who: _manage(gen_env, clinic, env, "create-token", f"{who}@example.com").strip()
        for who in ("owner", "other", "doc", "boss")
    }
    with gunicorn(gen_env, clinic, APP, {k: v for k, v in env.items() if k != "FLASK_CONFIG"}) as base:
        status, _, headers = _call(base, "GET", "/api/documents/", None)
        assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
        assert _call(base, "GET", "/api/documents/", "not-a-token")[0] == 401
        status, made, _ = _call(base, "POST", "/api/documents/", token["owner"], {"title": "Scan 1"})
        assert status == 201
        url = f"/api/documents/{made['id']}"
        assert _call(base, "POST", "/api/documents/", token["owner"], {"title": "x", "added_by_id": 2})[0] == 422  # never from input
        assert _call(base, "GET", url, token["owner"])[0] == 200
        assert _call(base, "GET", url, token["other"])[0] == 404  # another's row: not even its existence
        assert _call(base, "GET", "/api/documents/", token["other"])[1] == []  # their own rows only
        assert _call(base, "GET", url, token["doc"])[0] == 200
        assert _call(base, "PATCH", url, token["doc"], {"title": "edited"})[0] == 403
        assert _call(base, "PATCH", url, token["owner"], {"title": "edited"})[0] == 200
        assert _call(base, "PATCH", "/api/users/1", token["other"], {"name": "pwned"})[0] == 403  # no escalation
        assert _call(base, "DELETE", "/api/users/1", token["other"])[0] == 403
        assert _call(base, "DELETE", url, token["boss"])[0] == 204
        _manage(gen_env, clinic, env, "unset-role", "boss@example.com", "admin")
        assert _call(base, "DELETE", "/api/users/2", token["boss"])[0] == 403  # at once: roles are read per request


@pytest.mark.slow
def test_regen_adds_roles_and_tokens_and_keeps_the_users(tmp_path: Path, gen_env: GenEnv) -> None:
    from flaskgen.project import create_project
    from flaskgen.regen import regen

    full = FIXTURE.read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(full.replace("  roles: [admin, doctor]\n  register_role: null\n  tokens: true\n", "")
                    .replace("doctor", "user").replace("admin", "user").replace("[user, user]", "user")
                    .replace("[owner, user]", "[owner]"), encoding="utf-8")  # fmt: skip
    project = tmp_path / "clinic"
    create_project(spec, project)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}", "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "production"}
    gen_env.install(project)
    _manage(gen_env, project, env, "db", "upgrade")
    _manage(gen_env, project, env, "create-user", "ada@example.com", "--password", "a long password")
    spec.write_text(full, encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts
    _manage(gen_env, project, env, "db", "upgrade")
    _manage(gen_env, project, env, "set-role", "ada@example.com", "doctor")
    assert _manage(gen_env, project, env, "create-token", "ada@example.com").strip()
