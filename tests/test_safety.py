"""Generated projects are safe to run and to test: the tests never touch a database a
person uses, CSRF stays on in testing (``csrf: false`` exempts), route tests do not pin
placeholder bodies, the dev server runs with the debugger, files follow the umask."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.pysrc import pysrc
from flaskgen.project import create_project
from flaskgen.specfile import parse_spec
from flaskgen.state import load_state, resolve_spec
from tests.conftest import EXAMPLES, render_text
from tests.genenv import GenEnv

HEADER = "flaskgen: 1\nproject: {name: Shop, package: shop}\n"
MODELS = "models:\n  Item:\n    columns:\n      name: {type: string, length: 20}\n"


def _setting(text: str, profile: str, key: str) -> str | None:
    spec = parse_spec(text)
    found = next(p for p in spec.profiles if p.name == profile).get(key)
    return pysrc(found.value) if found else None


# -- the testing profile's database ----------------------------------------------------------

DATABASE_CASES = {
    "nothing set": ("", "'sqlite://'"),
    "base sets one": ("config:\n  base: {SQLALCHEMY_DATABASE_URI: 'sqlite:///shop.db'}\n", "'sqlite://'"),
    "testing extends development": (
        "config:\n  development: {SQLALCHEMY_DATABASE_URI: 'sqlite:///dev.db'}\n"
        "  testing: {extends: development}\n",
        "'sqlite://'",
    ),
    "testing sets its own": (
        "config:\n  testing: {SQLALCHEMY_DATABASE_URI: '${TEST_DB:-sqlite://}'}\n",
        "FromEnv('${TEST_DB:-sqlite://}')",
    ),
}


@pytest.mark.parametrize(("config", "expected"), DATABASE_CASES.values(), ids=DATABASE_CASES)
def test_testing_profile_never_inherits_a_database(config: str, expected: str) -> None:
    assert _setting(HEADER + config + MODELS, "testing", "SQLALCHEMY_DATABASE_URI") == expected


SECRET_CASES = {
    "base needs the variable": ("config:\n  base:\n    SECRET_KEY: \"${SECRET_KEY}\"\n", "'testing-not-secret'"),
    "base sets a literal": ("config:\n  base: {SECRET_KEY: abc}\n", "'testing-not-secret'"),
    "testing sets its own": ("config:\n  testing:\n    SECRET_KEY: \"${T_KEY:-t}\"\n", None),
}


@pytest.mark.parametrize(("config", "expected"), SECRET_CASES.values(), ids=SECRET_CASES.keys())
def test_testing_profile_never_needs_a_real_secret(config: str, expected: str | None) -> None:
    found = _setting(HEADER + config + "routes:\n  i: {rule: /, text: x}\n", "testing", "SECRET_KEY")
    if expected is None:
        assert found is not None and "T_KEY" in found
    else:
        assert found == expected


PRODUCTION_SECRET_CASES = {
    # (config, base's key, production's own key or None when it inherits base's)
    "nothing set": ("", "FromEnv('${SECRET_KEY}')", None),
    "a literal in base stays development's": ("config:\n  base: {SECRET_KEY: hard to guess}\n", "'hard to guess'", "FromEnv('${SECRET_KEY}')"),
    "a key for development alone": ("config:\n  development: {SECRET_KEY: dev}\n", "FromEnv('${SECRET_KEY}')", None),
    "production names its variable": ("config:\n  production: {SECRET_KEY: '${APP_SECRET}'}\n", None, "FromEnv('${APP_SECRET}')"),
}


@pytest.mark.parametrize(("config", "base", "production"), PRODUCTION_SECRET_CASES.values(), ids=PRODUCTION_SECRET_CASES)
def test_production_reads_its_secret_key_from_the_environment(config: str, base: str | None, production: str | None) -> None:
    text = HEADER + config + "routes:\n  i: {rule: /, text: x}\n"
    assert _setting(text, "base", "SECRET_KEY") == base
    assert _setting(text, "production", "SECRET_KEY") == production


def test_a_secret_key_written_in_production_is_refused() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + "config:\n  production: {SECRET_KEY: abc}\nroutes:\n  i: {rule: /, text: x}\n")
    assert "config.production.SECRET_KEY: production's SECRET_KEY must not be written in the spec" in str(caught.value)


def test_testing_profile_without_models_has_no_database() -> None:
    assert _setting(HEADER + "routes:\n  index: {rule: /, text: hi}\n", "testing", "SQLALCHEMY_DATABASE_URI") is None


# -- CSRF --------------------------------------------------------------------------------------

ROUTES = """\
routes:
  index: {rule: /, template: index.html}
  contact: {rule: /contact, methods: [GET, POST], template: contact.html}
  ping: {rule: /ping, methods: [POST], csrf: false, json: {pong: true}}
  store: {rule: /store, methods: [PUT, DELETE], view: class, csrf: false, text: stored}
"""
BLUEPRINTS = """\
blueprints:
  webhooks:
    url_prefix: /hooks
    csrf: false
    routes:
      payment: {rule: /payment, methods: [POST], json: {received: true}}
  api:
    url_prefix: /api
    routes:
      create: {rule: /items, methods: [POST], json: true, status: 201}
"""
CSRF_SPEC = HEADER + ROUTES + BLUEPRINTS
# Placeholders the user replaces: a `json: true` body and a template page.
PLACEHOLDER_SPEC = HEADER + ROUTES + "  show: {rule: '/show/<int:n>', json: true}\n  page: {rule: '/p/<name>', template: p.html}\n" + BLUEPRINTS
LOGGING = "logging: {level: WARNING, format: '%(levelname)s %(name)s: %(message)s'}\n"


def test_csrf_stays_on_in_testing() -> None:
    files = render_text(CSRF_SPEC)
    assert "WTF_CSRF_ENABLED" not in files["shop/config.py"]
    assert '<meta name="csrf-token" content="{{ csrf_token() }}">' in files["shop/templates/base.html"]
    assert "\"X-CSRFToken\": token_for(client)" in files["tests/test_routes.py"]


def test_csrf_false_exempts_routes_and_blueprints() -> None:
    files = render_text(CSRF_SPEC)
    views = files["shop/views.py"]
    assert "from .extensions import csrf" in views
    assert '@csrf.exempt\ndef ping()' in views
    assert 'view_func=csrf.exempt(StoreView.as_view("store"))' in views
    assert "def index()" in views and views.count("csrf.exempt") == 2
    assert "csrf.exempt(bp)" in files["shop/webhooks/views.py"]
    assert "csrf" not in files["shop/api/views.py"]
    security = files["tests/test_security.py"]
    assert '"api.create POST": ("POST", "http://localhost/api/items", 201)' in security
    for case in ('"ping POST"', '"store PUT"', '"store DELETE"', '"webhooks.payment POST"'):
        assert case in security.split("EXEMPT = {")[1]


def test_a_route_cannot_opt_back_into_csrf_in_an_exempt_blueprint() -> None:
    text = HEADER + "blueprints:\n  webhooks:\n    csrf: false\n    routes:\n      pay: {rule: /pay, methods: [POST], csrf: true, text: ok}\n"
    with pytest.raises(SpecError) as info:
        parse_spec(text)
    assert [p.format() for p in info.value.problems] == [
        "spec.yaml:7:48: blueprints.webhooks.routes.pay.csrf: the blueprint has csrf: false, "
        "so its routes cannot turn CSRF protection back on"
    ]


# -- route tests assert what the spec declares ---------------------------------------------------


def test_route_tests_do_not_pin_placeholder_bodies() -> None:
    tests = render_text(PLACEHOLDER_SPEC)["tests/test_routes.py"]
    assert "json={'pong': True}" in tests.replace('"', "'")  # a literal mapping is declared
    assert "'n': 1" not in tests.split("\nURLS")[0].replace('"', "'")  # json: true is not
    assert "contains=" not in tests
    assert 'template="p.html"' in tests


def test_logging_configures_a_stream_handler_through_dict_config() -> None:
    files = render_text(PLACEHOLDER_SPEC + LOGGING)
    logconfig = files["shop/logconfig.py"]
    assert "logging.config.dictConfig(logging_config(app.logger.name))" in logconfig
    assert '"class": "logging.StreamHandler"' in logconfig
    assert "LOG_LEVEL = \"WARNING\"" in logconfig
    assert "LOG_FORMAT = \"%(levelname)s %(name)s: %(message)s\"" in logconfig
    assert "configure_logging(app)" in files["shop/__init__.py"]
    assert "setLevel" not in files["shop/__init__.py"]


# -- models, state, file modes -------------------------------------------------------------------


def test_non_nullable_uuid_gets_a_uuid4_default() -> None:
    spec = parse_spec(HEADER + "models:\n  Item:\n    columns:\n      a: {type: uuid, nullable: false}\n      b: {type: uuid}\n")
    columns = {c.name: c.default_expr for c in spec.models[0].columns}
    assert (columns["a"], columns["b"]) == ("uuid.uuid4", None)


def test_models_docstring_names_a_model_of_the_spec() -> None:
    models = render_text((EXAMPLES / "blog.yaml").read_text(encoding="utf-8"))["blog/models.py"]
    assert "db.session.get(Author, 1)" in models
    assert "User" not in models


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_new_follows_the_umask(tmp_path: Path, mask: int, file_mode: int, dir_mode: int) -> None:
    out = tmp_path / "crm"
    with _umask(mask):
        create_project(EXAMPLES / "crm.yaml", out)
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    assert stat.S_IMODE(out.stat().st_mode) == dir_mode
    assert modes.pop("manage.py") == dir_mode  # executable: python manage.py or ./manage.py
    assert {path for path, mode in modes.items() if mode not in (file_mode, dir_mode)} == set()
    assert modes["crm/__init__.py"] == file_mode and modes["crm"] == dir_mode
    assert (out / "manage.py").read_text().startswith("#!/usr/bin/env python3\n")


def test_state_names_the_spec_relative_to_the_project(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "crm.yaml"
    spec.parent.mkdir()
    spec.write_text((EXAMPLES / "crm.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    create_project(spec, tmp_path / "work" / "crm")
    moved = tmp_path / "elsewhere"
    (tmp_path / "work").rename(moved)
    (tmp_path / "specs").rename(tmp_path / "elsewhere-specs")
    state = load_state(moved / "crm")
    assert state is not None
    assert state.spec == "../../specs/crm.yaml"
    # Moved together, the project still finds its spec.
    (tmp_path / "elsewhere-specs").rename(tmp_path / "specs")
    moved.rename(tmp_path / "work")
    assert resolve_spec(state.spec, tmp_path / "work" / "crm").resolve() == spec.resolve()


# -- generated projects, run -----------------------------------------------------------------------


def _pytest(gen_env: GenEnv, project: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)


@pytest.mark.slow
def test_generated_tests_never_touch_the_development_database(generate: Callable[..., Path], gen_env: GenEnv) -> None:
    project = generate(EXAMPLES / "blog.yaml")
    gen_env.install(project)
    env = {"FLASK_CONFIG": "development"}
    result = gen_env.run([gen_env.python, "manage.py", "db", "upgrade"], cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    database = project / "instance" / "blog.db"
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO author (name, email, karma) VALUES ('Ann', 'ann@example.com', 3)")
    result = _pytest(gen_env, project)
    assert result.returncode == 0, result.stdout + result.stderr
    # A testing profile that would inherit the development database is refused up front.
    config = project / "blog" / "config.py"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^    SQLALCHEMY_DATABASE_URI(: .+)? = [\"']sqlite://[\"']\n", "", text, flags=re.M), encoding="utf-8")
    assert config.read_text(encoding="utf-8") != text
    result = _pytest(gen_env, project)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "refusing to run the tests against sqlite:///" in result.stdout + result.stderr
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name, email FROM author").fetchall()
    assert rows == [("Ann", "ann@example.com")]


@pytest.mark.slow
def test_generated_suite_survives_real_view_bodies_and_pages(generate: Callable[..., Path], gen_env: GenEnv) -> None:
    project = generate(PLACEHOLDER_SPEC + LOGGING)
    gen_env.install(project)
    views = project / "shop" / "views.py"
    text = views.read_text(encoding="utf-8")
    placeholder = 'return jsonify({"n": n})'
    assert placeholder in text
    views.write_text(text.replace(placeholder, 'return jsonify({"id": n, "name": f"item {n}", "stock": 4})'), encoding="utf-8")
    page = project / "shop" / "templates" / "contact.html"
    page.write_text('{% extends "base.html" %}\n{% block content %}<p>Write to us.</p>{% endblock %}\n', encoding="utf-8")
    result = _pytest(gen_env, project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_csrf_exempt_view_needs_no_token" in _pytest_names(gen_env, project)


def _pytest_names(gen_env: GenEnv, project: Path) -> str:
    return gen_env.run([gen_env.python, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=project).stdout


@pytest.mark.slow
def test_dev_server_runs_with_the_debugger_and_bad_profiles_are_reported(generate: Callable[..., Path], gen_env: GenEnv) -> None:
    project = generate(EXAMPLES / "minimal.yaml")
    gen_env.install(project)
    for args in ([gen_env.python, "manage.py", "routes"], [gen_env.bin("flask"), "routes"]):
        result = gen_env.run(args, cwd=project, env={"FLASK_CONFIG": "nope"})
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Error: unknown config profile 'nope'" in result.stderr
        assert "Traceback" not in result.stderr
    assert _first_lines(gen_env, project, "Debug mode: on")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _first_lines(gen_env: GenEnv, project: Path, wanted: str) -> bool:
    """Start ``python manage.py run`` (with its reloader) and wait for ``wanted``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
    env["PATH"] = f"{gen_env.root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen(
        [gen_env.python, "manage.py", "run", "--port", str(_free_port())],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        assert server.stdout is not None
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line or wanted in line:
                return bool(line)
        return False
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the reloader serves from a child process
        server.communicate(timeout=15)


@pytest.mark.slow
def test_csrf_without_any_page_still_tests_with_a_token(generate: Callable[..., Path], gen_env: GenEnv) -> None:
    spec = (
        "flaskgen: 1\nproject: {name: Api, package: api_app, csrf: true}\n"
        "config:\n  base: {SERVER_NAME: api.test}\n"
        "routes:\n  create: {rule: /items, methods: [POST], json: {ok: true}, status: 201}\n"
    )
    project = generate(spec)
    assert "generate_csrf()" in (project / "tests" / "conftest.py").read_text(encoding="utf-8")
    gen_env.install(project)
    result = _pytest(gen_env, project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_a_request_without_the_csrf_token_gets_400" in _pytest_names(gen_env, project)
