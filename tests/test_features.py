"""Uploads, sessions, hooks, filters, globals, middleware, commands and logging:
normalization, invalid specs, planning, and (slow) the generated projects at work,
including uploads against a real server."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.plan.features import command_ctx, upload_ctx
from flaskgen.core.spec.types import Command, CommandOption
from flaskgen.specfile import parse_spec, read_spec
from tests.conftest import EXAMPLES, BuiltExample, GenEnv, render_text

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
UPLOAD = "uploads:\n  pics: {rule: /up, extensions: [png], folder: up}\n"


# -- normalization -------------------------------------------------------------------------


def test_spec_v1_keys_normalize() -> None:
    spec = read_spec(EXAMPLES / "spec-v1.yaml")
    (upload,) = spec.uploads
    assert (upload.name, upload.rule, upload.field) == ("avatars", "/upload", "file")
    assert upload.extensions == ("png", "jpg", "jpeg", "gif")
    assert upload.max_size == 2 * 1024 * 1024
    assert (upload.folder, upload.serve, upload.overwrite) == ("uploads", "/uploads/<filename>", False)
    assert spec.hooks == (
        ("before_request", ("load_user",)),
        ("after_request", ("add_headers",)),
        ("teardown_request", ("close_resources",)),
        ("context_processors", ("inject_now",)),
    )
    assert (spec.template_filters, spec.template_globals) == (("money",), ("site_name",))
    assert spec.proxy_fix == (("x_for", 1), ("x_proto", 1))
    assert spec.middleware == ("RequestTimer",)
    assert spec.session_permanent is True
    (command,) = spec.commands
    assert command == Command(
        "seed-db",
        "seed_db_command",
        "Fill the database with demo rows.",
        ("count",),
        (CommandOption("name", "demo", "Name prefix for the rows.", "str", False),),
    )
    assert (spec.log_level, spec.log_format) == ("INFO", None)


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("[.PNG, Jpg, png]", ("png", "jpg")),
        ("['tar.gz', ' txt ']", ("tar.gz", "txt")),
    ],
)
def test_upload_extensions_are_normalized(written: str, normalized: tuple[str, ...]) -> None:
    spec = parse_spec(HEADER + f"uploads:\n  pics: {{rule: /up, extensions: {written}, folder: up}}\n")
    assert spec.uploads[0].extensions == normalized


@pytest.mark.parametrize(("written", "normalized"), [("up", "up"), ("a/./b/", "a/b"), ("a/../b", "b"), ("files\\\\in", "files/in")])
def test_upload_folder_is_normalized(written: str, normalized: str) -> None:
    spec = parse_spec(HEADER + f"uploads:\n  pics: {{rule: /up, extensions: [png], folder: '{written}'}}\n")
    assert spec.uploads[0].folder == normalized


def test_upload_sizes_accept_units_and_bytes() -> None:
    for written, size in (("1KB", 1024), ("3 MB", 3 * 1024**2), ("1GB", 1024**3), ("512", 512)):
        spec = parse_spec(HEADER + f"uploads:\n  pics: {{rule: /up, extensions: [png], folder: up, max_size: {written}}}\n")
        assert spec.uploads[0].max_size == size


def test_uploads_turn_csrf_on() -> None:
    assert parse_spec(HEADER + UPLOAD).project.csrf is True
    off = parse_spec("flaskgen: 1\nproject: {name: X, package: xapp, csrf: false}\n" + UPLOAD)
    assert off.project.csrf is False


# -- invalid specs -------------------------------------------------------------------------

INVALID: dict[str, tuple[str, list[str]]] = {
    "upload folder above the instance folder": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: ../x}\n",
        ["spec.yaml:4:48: uploads.pics.folder: '../x' is not inside the instance folder; write a subfolder such as uploads"],
    ),
    "upload folder that climbs out": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: a/../../b}\n",
        ["spec.yaml:4:48: uploads.pics.folder: 'a/../../b' is not inside the instance folder; write a subfolder such as uploads"],
    ),
    "upload folder is the instance folder": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: ./}\n",
        ["spec.yaml:4:48: uploads.pics.folder: './' is not inside the instance folder; write a subfolder such as uploads"],
    ),
    "absolute upload folder": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: /srv/files}\n",
        ["spec.yaml:4:48: uploads.pics.folder: '/srv/files' is an absolute path; write a folder relative to the instance folder, such as uploads"],
    ),
    "windows drive upload folder": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: 'C:/files'}\n",
        ["spec.yaml:4:48: uploads.pics.folder: 'C:/files' is an absolute path; write a folder relative to the instance folder, such as uploads"],
    ),
    "empty extension": (
        "uploads:\n  pics: {rule: /up, extensions: [png, ''], folder: up}\n",
        ["spec.yaml:4:39: uploads.pics.extensions[1]: '' is not a file extension; write one such as png"],
    ),
    "dot only extension": (
        "uploads:\n  pics: {rule: /up, extensions: ['.'], folder: up}\n",
        ["spec.yaml:4:34: uploads.pics.extensions[0]: '.' is not a file extension; write one such as png"],
    ),
    "no extensions": (
        "uploads:\n  pics: {rule: /up, extensions: [], folder: up}\n",
        ["spec.yaml:4:33: uploads.pics.extensions: must not be empty"],
    ),
    "bad upload size": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: up, max_size: 2 MiB}\n",
        ["spec.yaml:4:62: uploads.pics.max_size: '2 MiB' is not valid: must match ^[0-9]+ ?(B|KB|MB|GB)$"],
    ),
    "serve rule without filename": (
        "uploads:\n  pics: {rule: /up, extensions: [png], folder: up, serve: '/f/<name>'}\n",
        ["spec.yaml:4:59: uploads.pics.serve: the serve rule needs exactly one URL variable, <filename>"],
    ),
    "upload rule with a variable": (
        "uploads:\n  pics: {rule: '/up/<int:x>', extensions: [png], folder: up}\n",
        ["spec.yaml:4:16: uploads.pics.rule: an upload rule takes no URL variables"],
    ),
    "upload endpoint taken by a route": (
        "routes:\n  pics: {rule: /p, text: hi}\nuploads:\n  pics: {rule: /up, extensions: [png], folder: up}\n",
        ["spec.yaml:6:3: uploads.pics: endpoint 'pics' is already defined (line 4); rename this upload"],
    ),
    "upload rule taken by a route": (
        "routes:\n  index: {rule: /up, methods: [POST], text: hi}\nuploads:\n  pics: {rule: /up, extensions: [png], folder: up}\n",
        ["spec.yaml:6:16: uploads.pics.rule: POST /up is already routed to 'index' (line 4)"],
    ),
    "upload named like the uploads module's own functions": (
        "uploads:\n  receive: {rule: /up, extensions: [png], folder: up}\n",
        ["spec.yaml:4:3: uploads.receive: 'receive' is a name the generated uploads module uses itself; pick another upload name"],
    ),
    "built-in command": (
        "commands:\n  run: {help: Run it.}\n",
        ["spec.yaml:4:3: commands.run: 'run' is a built-in flask command (db, routes, run, shell); pick another name"],
    ),
    "flask-migrate's command": (
        "commands:\n  db: {}\n",
        ["spec.yaml:4:3: commands.db: 'db' is a built-in flask command (db, routes, run, shell); pick another name"],
    ),
    "commands differing in - and _": (
        "commands:\n  seed-db: {}\n  seed_db: {}\n",
        ["spec.yaml:5:3: commands.seed_db: 'seed_db' and 'seed-db' differ only in - and _; give the commands distinct names"],
    ),
    "the same command twice": (
        "commands:\n  seed-db: {}\n  seed-db: {}\n",
        ["spec.yaml:5:3: commands.seed-db: duplicate key 'seed-db' (first defined at line 4)"],
    ),
    "option named like an argument": (
        "commands:\n  seed: {arguments: [count], options: {count: {default: 1}}}\n",
        ["spec.yaml:4:40: commands.seed.options.count: 'count' is already an argument of this command"],
    ),
    "option default of the wrong type": (
        "commands:\n  seed: {options: {count: {type: int, default: many}}}\n",
        ["spec.yaml:4:48: commands.seed.options.count.default: the default 'many' is not an int"],
    ),
    "parameters that would break the module": (
        "commands:\n  seed: {arguments: [click], options: {class: {}}}\n",
        [
            "spec.yaml:4:22: commands.seed.arguments[0]: 'click' is a name the generated commands module uses; pick another argument name",
            "spec.yaml:4:40: commands.seed.options.class: 'class' is a Python keyword; pick another option name",
        ],
    ),
    "one function name for two hooks": (
        "hooks:\n  before_request: [load_user]\n  after_request: [load_user]\n",
        ["spec.yaml:5:19: hooks.after_request[0]: 'load_user' is already used at line 4; function names must be unique"],
    ),
    "a hook and a filter with one name": (
        "hooks:\n  before_request: [money]\ntemplate_filters: [money]\n",
        ["spec.yaml:5:20: template_filters[0]: 'money' is already used at line 4; function names must be unique"],
    ),
    "hook named like flask's request": (
        "hooks:\n  before_request: [request]\n",
        ["spec.yaml:4:20: hooks.before_request[0]: 'request' is a name the generated module uses itself; pick another function name"],
    ),
    "keyword as a template global": (
        "template_globals: [class]\n",
        ["spec.yaml:3:20: template_globals[0]: 'class' is a Python keyword; pick another function name"],
    ),
    "ProxyFix as custom middleware": (
        "middleware:\n  custom: [ProxyFix]\n",
        ["spec.yaml:4:12: middleware.custom[0]: 'ProxyFix' is werkzeug's; configure it with middleware.proxy_fix"],
    ),
    "unknown proxy_fix count": (
        "middleware:\n  proxy_fix: {x_forwarded: 1}\n",
        ["spec.yaml:4:15: middleware.proxy_fix.x_forwarded: unknown key 'x_forwarded' (did you mean 'x_for'?)"],
    ),
    "unknown log level": (
        "logging: {level: VERBOSE}\n",
        ["spec.yaml:3:18: logging.level: 'VERBOSE' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"],
    ),
}


@pytest.mark.parametrize(("text", "messages"), INVALID.values(), ids=list(INVALID))
def test_invalid_spec(text: str, messages: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(HEADER + text)
    assert [p.format() for p in info.value.problems] == messages


# -- planning ------------------------------------------------------------------------------


def test_setup_order_in_create_app() -> None:
    files = render_text((EXAMPLES / "spec-v1.yaml").read_text(encoding="utf-8"))
    factory = files["mycrm/__init__.py"]
    order = [
        "configure_logging(app)",
        "csrf.init_app(app)",
        "register_templating(app)",
        "register_hooks(app)",
        "register_uploads(app)",
        "register_commands(app)",
        "apply_middleware(app)",
    ]
    positions = [factory.index(line) for line in order]
    assert positions == sorted(positions)
    assert factory.rstrip().endswith("apply_middleware(app)\n    return app")


def test_upload_context() -> None:
    spec = read_spec(EXAMPLES / "spec-v1.yaml")
    item = upload_ctx(spec.uploads[0])
    assert (item.const, item.config_key, item.template) == ("AVATARS", "AVATARS_UPLOAD_FOLDER", "uploads/avatars.html")
    assert (item.size_expr, item.size_text) == ("2 * 1024 * 1024", "2 MB")
    assert item.accept == ".gif,.jpeg,.jpg,.png"
    assert (item.serve_prefix, item.serve_suffix) == ("/uploads/", "")
    assert item.foreign_name == "notes.exe"


def test_command_context_for_every_option_type() -> None:
    options = (
        CommandOption("dry_run", None, "Only show.", "bool", False),
        CommandOption("count", 2, "", "int", False),
        CommandOption("ratio", None, "", "float", True),
    )
    ctx = command_ctx(Command("load-rows", "load_rows_command", "", ("path",), options))
    assert ctx.decorators == (
        "@click.command('load-rows')",
        "@click.argument('path')",
        "@click.option('--dry-run/--no-dry-run', default=False, show_default=True, help='Only show.')",
        "@click.option('--count', type=int, default=2, show_default=True)",
        "@click.option('--ratio', type=float, required=True)",
        "@with_appcontext",
    )
    assert ctx.signature == "path: str, dry_run: bool, count: int, ratio: float"
    assert ctx.args == ("load-rows", "3", "--dry-run", "--count", "7", "--ratio", "1.5")
    assert ctx.echo == "f'load-rows: path={path} dry_run={dry_run} count={count} ratio={ratio}'"
    assert ctx.default_args == ("load-rows", "3", "--ratio", "1.5")


def test_command_tests_pin_no_output_and_have_the_database() -> None:
    """A person replaces the placeholder body: the generated tests assert what the spec
    declares (the command exists and exits 0), not what the placeholder prints."""
    command = "commands:\n  seed-db: {arguments: [count]}\n"
    model = "models:\n  Row:\n    columns:\n      id: {type: integer, primary_key: true}\n"
    for extra, has_db in (("", False), (model, True)):
        tests = render_text(HEADER + command + extra)["tests/test_commands.py"]
        assert "seed-db: count=" not in tests and "result.output ==" not in tests
        assert ("database: SQLAlchemy" in tests) is has_db


def test_features_absent_means_no_modules() -> None:
    files = render_text(HEADER + "routes:\n  index: {rule: /, text: hi}\n")
    for module in ("uploads", "hooks", "templating", "middleware", "commands"):
        assert f"xapp/{module}.py" not in files
    assert "tests/test_security.py" in files


# -- the generated projects at work (slow) -------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("example", ["spec-v1", "uploads", "login"])
def test_generated_project_runs_its_suite_and_commands(example: str, gen_env: GenEnv, built_example: Callable[[Path], BuiltExample]) -> None:
    built = built_example(EXAMPLES / f"{example}.yaml")  # generated, installed, its suite run
    project, suite = built.project, built.suite
    env = {"SECRET_KEY": "feature-test-secret"}
    assert suite.returncode == 0, suite.stdout + suite.stderr
    lint = gen_env.run([gen_env.bin("ruff"), "check", "--no-cache", "."], cwd=project, env=env)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    spec = read_spec(EXAMPLES / f"{example}.yaml")
    listed = gen_env.run([gen_env.python, "manage.py", "--help"], cwd=project, env=env)
    assert listed.returncode == 0, listed.stderr
    for command in spec.commands:
        assert re.search(rf"^\s+{re.escape(command.name)}\s", listed.stdout, re.MULTILINE), listed.stdout
        helped = gen_env.run([gen_env.bin("flask"), command.name, "--help"], cwd=project, env=env)
        assert helped.returncode == 0, helped.stderr
        assert f"Usage: flask {command.name}" in helped.stdout
    if example == "spec-v1":
        seeded = gen_env.run([gen_env.python, "manage.py", "seed-db", "3", "--name", "x"], cwd=project, env=env)
        assert (seeded.returncode, seeded.stdout) == (0, "seed-db: count=3 name=x\n"), seeded.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """Just enough of a browser for the upload form: one session cookie, the CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            all_headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
            try:
                conn.request(method, path, body=body, headers=all_headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered before reading the whole body (a 413); read that answer
            response = conn.getresponse()
            data = response.read()
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def upload(self, path: str, field: str, filename: str, data: bytes, token: str) -> tuple[int, dict[str, str], bytes]:
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _server_env(gen_env: GenEnv, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
    env["PATH"] = f"{gen_env.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**env, **extra}


def _wait_until_up(browser: Browser, server: subprocess.Popen[bytes], path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.communicate()[0].decode(errors='replace')}")
        try:
            browser.request("GET", path)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start within 30 seconds")


@pytest.mark.slow
@pytest.mark.parametrize("server_kind", ["manage.py run", "gunicorn"])
def test_uploads_against_a_real_server(server_kind: str, gen_env: GenEnv, generate) -> None:
    project = generate(EXAMPLES / "uploads.yaml")
    gen_env.install(project)
    upload = read_spec(EXAMPLES / "uploads.yaml").uploads[0]
    assert upload.max_size is not None
    port = _free_port()
    if server_kind == "gunicorn":
        args = [gen_env.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "fileshare:create_app()"]
    else:
        args = [gen_env.python, "manage.py", "run", "--host", "127.0.0.1", "--port", str(port)]
    env = _server_env(gen_env, {"SECRET_KEY": "real-server-secret", "FLASK_CONFIG": "development"})
    # A session of its own: `manage.py run` serves from a reloader child (FLASK_DEBUG=1).
    server = subprocess.Popen(args, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        browser = Browser(port)
        _wait_until_up(browser, server, upload.rule)
        status, _, page = browser.request("GET", upload.rule)
        assert status == 200 and b'enctype="multipart/form-data"' in page
        found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        token = found.group(1).decode()
        status, headers, _ = browser.upload(upload.rule, upload.field, "report.pdf", b"%PDF-1.4 hello", token)
        assert status == 302 and headers["location"] == "/uploads/report.pdf"
        status, _, data = browser.request("GET", "/uploads/report.pdf")
        assert (status, data) == (200, b"%PDF-1.4 hello")
        assert (project / "instance" / upload.folder / "report.pdf").read_bytes() == b"%PDF-1.4 hello"
        status, _, body = browser.upload(upload.rule, upload.field, "script.exe", b"MZ", token)
        assert status == 400 and b"not accepted" in body
        for size in (upload.max_size + 1, upload.max_size * 4):
            status, _, body = browser.upload(upload.rule, upload.field, "big.pdf", b"x" * size, token)
            assert status == 413, body[:200]
        status, _, _ = browser.upload(upload.rule, upload.field, "big.pdf", b"x" * (upload.max_size + 1), "")
        assert status == 413
        assert sorted(p.name for p in (project / "instance" / upload.folder).iterdir()) == ["report.pdf"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
