"""auth: (session login) and login_required: validation, what is generated, regen adding
auth to a project with rows, and a real server that a browser-like client logs in to."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.pysrc import pysrc
from flaskgen.project import create_project
from flaskgen.regen import regen
from flaskgen.specfile import parse_spec
from tests.conftest import EXAMPLES, GenEnv, render_text

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
USERS = """\
models:
  Member:
    columns:
      id: {type: integer, primary_key: true}
      email: {type: string, length: 120, unique: true, nullable: false}
      nick: {type: string, length: 20}
      age: {type: integer}
"""
ROUTES = "routes:\n  index: {rule: /, text: hi}\n"

INVALID = {
    "throttle not a rate": (
        USERS + "auth: {model: Member, throttle: lots}\n",
        ['spec.yaml:10:33: auth.throttle: invalid value "lots": expected a rate such as \'5 per minute\' (per second, minute, hour or day) or false'],
    ),
    "throttle true": (
        USERS + "auth: {model: Member, throttle: true}\n",
        ["spec.yaml:10:33: auth.throttle: must be false, not true"],
    ),
    "a session token column of its own": (
        USERS.replace("      nick:", "      session_token: {type: string, length: 64}\n      nick:") + "auth: {model: Member}\n",
        ["spec.yaml:8:7: models.Member.columns.session_token: auth adds the 'session_token' column to Member; remove this one"],
    ),
    "unknown model": (
        USERS + "auth: {model: Membr}\n",
        ["spec.yaml:10:15: auth.model: unknown model 'Membr' (did you mean 'Member'?)"],
    ),
    "unknown identity column": (
        USERS + "auth: {model: Member, identity: emial}\n",
        ["spec.yaml:10:33: auth.identity: model Member has no column 'emial' (did you mean 'email'?); auth.identity names the column people log in with"],
    ),
    "identity not unique": (
        USERS + "auth: {model: Member, identity: nick}\n",
        ["spec.yaml:10:33: auth.identity: Member.nick is not unique; add unique: true so one identity names one user"],
    ),
    "identity not a string": (
        USERS + "auth: {model: Member, identity: age}\n",
        ["spec.yaml:10:33: auth.identity: Member.age has type integer; the identity must be a string column"],
    ),
    "login_required on a route without auth": (
        "routes:\n  index: {rule: /, text: hi, login_required: true}\n",
        ["spec.yaml:4:30: routes.index.login_required: login_required needs auth: (session login) in the spec, such as auth: {model: User}"],
    ),
    "login_required on a blueprint without auth": (
        "blueprints:\n  admin:\n    login_required: true\n    routes:\n      home: {rule: /, text: hi}\n",
        ["spec.yaml:5:5: blueprints.admin.login_required: login_required needs auth: (session login) in the spec, such as auth: {model: User}"],
    ),
    "a blueprint named auth": (
        USERS + "auth: {model: Member}\nblueprints:\n  auth:\n    routes:\n      x: {rule: /x, text: x}\n",
        ["spec.yaml:12:3: blueprints.auth: 'auth' is the login blueprint that auth: generates; pick another blueprint name"],
    ),
    "a route on the login rule": (
        USERS + "auth: {model: Member}\nroutes:\n  mine: {rule: /auth/login, text: x}\n",
        ["spec.yaml:10:7: auth: GET /auth/login is already routed to 'mine' (line 12)"],
    ),
    "a required column sign-up cannot fill": (
        USERS.replace("age: {type: integer}", "age: {type: integer, nullable: false}") + "auth: {model: Member}\n",
        ["spec.yaml:9:7: models.Member.columns.age: sign-up and create-user cannot fill the required integer column 'age' of the auth model; give it a default or make it nullable"],
    ),
    "a login column named like a form field": (
        USERS.replace("nick: {type: string, length: 20}", "data: {type: string, length: 20, nullable: false}") + "auth: {model: Member}\n",
        ["spec.yaml:8:7: models.Member.columns.data: 'data' is a name the login forms use themselves; rename the column (renamed_from keeps its data)"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID)
def test_invalid_auth_reports_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


def test_auth_adds_a_nullable_hash_column_and_the_login_pieces() -> None:
    spec = parse_spec(HEADER + USERS + ROUTES + "auth: {model: Member}\n")
    assert spec.auth is not None and spec.auth.identity == "email" and spec.auth.register
    column = next(c for c in spec.models[0].columns if c.name == "password_hash")
    assert column.nullable and column.length == 255
    files = render_text(HEADER + USERS + ROUTES + "auth: {model: Member}\n")
    assert "class Member(UserMixin, Model):" in files["xapp/models.py"]
    assert "def check_password(self, password: str) -> bool:" in files["xapp/models.py"]
    (initial,) = [text for path, text in files.items() if path.startswith("migrations/versions/")]
    assert '"password_hash"' in initial
    assert "login_manager.init_app(app)" in files["xapp/__init__.py"]
    assert "app.register_blueprint(auth_bp)" in files["xapp/__init__.py"]
    assert "xapp/templates/auth/register.html" in files
    no_register = render_text(HEADER + USERS + ROUTES + "auth: {model: Member, register: false}\n")
    assert "xapp/templates/auth/register.html" not in no_register
    assert "def register(" not in no_register["xapp/auth/views.py"]


def test_guards_are_generated_where_the_spec_asks() -> None:
    text = (
        HEADER + USERS + "auth: {model: Member}\n"
        "routes:\n  index: {rule: /, text: hi}\n  mine: {rule: /mine, text: mine, login_required: true}\n"
        "  cls: {rule: /cls, view: class, json: true, login_required: true}\n"
        "blueprints:\n  admin:\n    url_prefix: /admin\n    login_required: true\n    routes:\n      home: {rule: /, text: hi}\n"
    )
    files = render_text(text)
    views = files["xapp/views.py"]
    assert "@login_required\ndef mine()" in views
    assert "def index()" in views and "@login_required\ndef index()" not in views
    assert "decorators = [login_required]" in views
    assert "@bp.before_request\n@login_required\ndef require_access() -> None:" in files["xapp/admin/views.py"]
    routes = files["tests/test_routes.py"]
    assert re.search(r'"mine GET": \(\n\s+"GET",\n\s+"http://localhost/mine",\n\s+Expect\(.*login=True\)', routes)
    assert re.search(r'"index GET": \(\n[^)]*Expect\(200[^)]*\)', routes) and "login=True" not in routes.split('"index GET"')[1].split("),")[0]


def test_production_remember_cookie_follows_the_session_cookie() -> None:
    text = HEADER + USERS + ROUTES + "auth: {model: Member}\nconfig:\n  production:\n    SESSION_COOKIE_SAMESITE: Strict\n"
    production = parse_spec(text).profile("production")
    assert production is not None
    assert production.get("REMEMBER_COOKIE_SAMESITE") is not None
    assert pysrc(production.get("REMEMBER_COOKIE_SAMESITE").value) == "'Strict'"  # type: ignore[union-attr]
    assert pysrc(production.get("REMEMBER_COOKIE_SECURE").value) == "True"  # type: ignore[union-attr]


def test_subdomain_guards_share_the_login_cookie_with_subdomains() -> None:
    text = (
        HEADER + USERS + ROUTES + "auth: {model: Member}\nconfig:\n  testing: {SERVER_NAME: 'app.test:8000'}\n"
        "blueprints:\n  admin:\n    subdomain: admin\n    login_required: true\n    routes:\n      home: {rule: /, text: hi}\n"
    )
    spec = parse_spec(text)
    testing, production = spec.profile("testing"), spec.profile("production")
    assert testing is not None and production is not None
    assert pysrc(testing.get("SESSION_COOKIE_DOMAIN").value) == pysrc(testing.get("REMEMBER_COOKIE_DOMAIN").value) == "'app.test'"  # type: ignore[union-attr]
    assert production.get("SESSION_COOKIE_DOMAIN") is None
    assert parse_spec(HEADER + USERS + ROUTES + "auth: {model: Member}\n").profile("testing").get("SESSION_COOKIE_DOMAIN") is None  # type: ignore[union-attr]


def test_regen_adding_auth_adds_the_hash_column_migration(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + USERS + ROUTES, encoding="utf-8")
    project = tmp_path / "app"
    create_project(spec, project)
    spec.write_text(HEADER + USERS + ROUTES + "auth: {model: Member}\n", encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts
    (created,) = [s.relpath for s in report.steps if s.relpath.startswith("migrations/versions/") and s.action == "create"]
    text = (project / created).read_text()
    assert 'op.add_column' in text or "add_column" in text
    assert "password_hash" in text and "drop_table" not in text
    assert (project / "xapp" / "auth" / "views.py").exists()


# -- a real server ------------------------------------------------------------------------------

INSERT = """\
from xapp import create_app
from xapp.extensions import db
from xapp.models import Member
app = create_app()
with app.app_context():
    db.session.add_all([Member(email="old@example.com", nick="old")])
    db.session.commit()
"""
READ = """\
import json
from xapp import create_app
from xapp.extensions import db
from xapp.models import Member
app = create_app()
with app.app_context():
    rows = db.session.scalars(db.select(Member).order_by(Member.id))
    print(json.dumps([[m.email, m.password_hash is None] for m in rows]))
"""


def _run(gen_env: GenEnv, project: Path, env: dict[str, str], *args: str) -> str:
    result = gen_env.run([gen_env.python, *args], cwd=project, env=env)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


# The shared test database may hold tables of an earlier, interrupted run.
RESET = """\
import sys
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1))
with engine.begin() as connection:
    for table in ("alembic_version", "member"):
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
"""


@pytest.mark.slow
def test_regen_adding_auth_keeps_rows_on_sqlite(tmp_path: Path, gen_env: GenEnv) -> None:
    _prove_regen_adding_auth(tmp_path, gen_env, {"FLASK_CONFIG": "development"}, {})


@pytest.mark.slow
@pytest.mark.postgres
def test_regen_adding_auth_keeps_rows_on_postgres(tmp_path: Path, gen_env: GenEnv, postgres_url: str) -> None:
    env = {"FLASK_CONFIG": "production", "DATABASE_URL": postgres_url, "SECRET_KEY": "x" * 32}
    _run(gen_env, tmp_path, {}, "-c", RESET, postgres_url)
    _prove_regen_adding_auth(tmp_path, gen_env, env, {"TEST_DATABASE_URL": postgres_url})
    _run(gen_env, tmp_path / "app", env, "manage.py", "db", "downgrade", "base")


def _prove_regen_adding_auth(tmp_path: Path, gen_env: GenEnv, env: dict[str, str], test_env: dict[str, str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + USERS + ROUTES, encoding="utf-8")
    project = tmp_path / "app"
    create_project(spec, project)
    gen_env.install(project)
    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "-c", INSERT)
    spec.write_text(HEADER + USERS + ROUTES + "auth: {model: Member}\n", encoding="utf-8")
    assert not regen(project, spec).conflicts
    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "manage.py", "db", "check")
    _run(gen_env, project, env, "manage.py", "create-user", "new@example.com", "--password", "a long password")
    assert json.loads(_run(gen_env, project, env, "-c", READ)) == [["old@example.com", True], ["new@example.com", False]]
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=test_env)
    assert result.returncode == 0, result.stdout + result.stderr


def _server_env(gen_env: GenEnv, env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
    return {**clean, "PATH": f"{gen_env.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", **env}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _wait(url: str, server: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until ``url`` answers, the server exits (its stderr is the failure) or ``seconds`` pass.
    Any socket error (refused, reset, a read that timed out under load) means "not yet"."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.communicate()[1])
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds:.0f} seconds")


@pytest.mark.slow
def test_real_server_login_reaches_a_protected_page(tmp_path: Path, gen_env: GenEnv) -> None:
    project = tmp_path / "login"
    create_project(EXAMPLES / "login.yaml", project)
    gen_env.install(project)
    env = {"FLASK_CONFIG": "development", "SECRET_KEY": "a-long-random-secret"}
    _run(gen_env, project, env, "manage.py", "db", "upgrade")
    _run(gen_env, project, env, "manage.py", "create-user", "ada@example.com", "--display-name", "Ada", "--password", "a long password")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [gen_env.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "sessionlogin:create_app()"]
    server = subprocess.Popen(command, cwd=project, env=_server_env(gen_env, env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(base + "/auth/login", server)
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        # Anonymous: the protected page sends the browser to the login page with next.
        plain = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as caught:
            plain.open(base + "/members/")
        caught.value.close()
        assert caught.value.code == 302
        location = caught.value.headers["Location"]
        assert location.startswith("/auth/login?next=")
        with browser.open(base + location) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode({"email": "ada@example.com", "password": "a long password", "csrf_token": token.group(1)})
        with browser.open(base + location, data=form.encode()) as response:
            assert response.url == base + "/members/"
            body = response.read().decode()
        assert "ada@example.com" in body and "Log out" in body
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_a_route_may_redirect_to_the_login_page() -> None:
    spec = parse_spec(HEADER + USERS + ROUTES + "  go: {rule: /go, redirect: auth.login}\nauth: {model: Member}\n")
    assert spec.probe is not None
    (case,) = [c for c in spec.probe.http if c.id == "go GET"]
    assert (case.status, case.location) == (302, "/auth/login")


def test_a_project_generated_before_session_tokens_gets_a_revision_adding_the_column() -> None:
    """A newer flaskgen adds the session token to the auth model of the same spec: regen's
    next revision adds it, as the last generated models.py did not declare it."""
    from flaskgen.generate import render_project
    from flaskgen.regen.revisions import keep_revisions
    from flaskgen.specfile import read_spec

    spec = read_spec(EXAMPLES / "login.yaml")
    files = render_project(spec)
    models = "sessionlogin/models.py"
    token_line = next(line for line in files[models].splitlines(keepends=True) if line.startswith("    session_token: Mapped["))
    before = {**files, models: files[models].replace(token_line, "")}
    after = keep_revisions(files, before, spec, spec)
    added = sorted(set(after) - set(files))
    assert added == ["migrations/versions/0002_models_changed_in_the_spec.py"]
    assert 'add_column(sa.Column("session_token", sa.String(64), nullable=True))' in after[added[0]]
    assert keep_revisions(files, files, spec, spec) == files  # nothing new when it was declared


UPLOAD = "uploads:\n  scans: {rule: /scans, extensions: [pdf], folder: scans%s}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            USERS + "auth: {model: Member}\n" + UPLOAD % ", access: editor",
            ["spec.yaml:12:67: uploads.scans.access: unknown rule 'editor' (auth.roles declares none); a rule is anyone, user or a role of auth.roles"],
        ),
        (
            HEADER + UPLOAD % ", login_required: true",
            ["spec.yaml:4:59: uploads.scans.login_required: login_required needs auth: (session login) in the spec, such as auth: {model: User}"],
        ),
        (
            USERS + "auth: {model: Member}\n" + UPLOAD % ", access: user, login_required: true",
            ["spec.yaml:12:73: uploads.scans.login_required: give access or login_required, not both (login_required: true means access: user)"],
        ),
    ],
    ids=["unknown rule", "login without auth", "both keys"],
)
def test_upload_access_is_checked(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text if text.startswith("flaskgen") else HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("extra", "closed"),
    [("", True), (", access: anyone", False), (", login_required: false", False), (", access: user", True)],
    ids=["closed by default", "opened", "login_required false", "access user"],
)
def test_uploads_are_closed_unless_access_opens_them(extra: str, closed: bool) -> None:
    spec = parse_spec(HEADER + USERS + "auth: {model: Member}\n" + UPLOAD % extra)
    assert spec.uploads[0].login_required is closed
    assert parse_spec(HEADER + UPLOAD % "").uploads[0].login_required is False  # no auth: open
