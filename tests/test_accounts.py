"""A real account life: ``mail``, ``auth.password_reset``, ``auth.confirm_email``, the
password page and the user commands.

Fast: the new keys are checked with ``spec.yaml:LINE:COL`` errors, each profile gets
its mail backend, the auth pages follow the keys, and ``regen`` turning on
``confirm_email`` writes a revision that counts the users already there as confirmed.
Slow: tests/data/accounts.yaml generates a project whose own suite (every flow, the
links read from the in-memory outbox) passes on SQLite and PostgreSQL; ``regen`` adds
mail, reset and confirmation to a project with users, who keep logging in; and the
reset flow runs over HTTP against gunicorn, its mail caught by a local SMTP server.
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.project import create_project
from flaskgen.regen import regen
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv, render_text
from tests.servers import free_port, gunicorn, server_env

FIXTURE = Path(__file__).parent / "data" / "accounts.yaml"
HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
USERS = """\
models:
  Member:
    columns:
      email: {type: string, length: 120, unique: true, nullable: false}
      nick: {type: string, length: 20, unique: true}
"""
MAIL = "mail: {sender: 'X <no-reply@x.test>'}\n"
STRONG_KEY = "k" * 40

INVALID = {
    "password_reset without mail": (
        USERS + "auth: {model: Member, password_reset: true}\n",
        ["spec.yaml:8:23: auth.password_reset: password_reset mails a reset link, and the spec has no mail: section; add mail: {sender: ...} or remove password_reset"],
    ),
    "confirm_email without mail": (
        USERS + "auth: {model: Member, confirm_email: true}\n",
        ["spec.yaml:8:23: auth.confirm_email: confirm_email mails a confirmation link, and the spec has no mail: section; add mail: {sender: ...} or remove confirm_email"],
    ),
    "no address to mail": (
        USERS.replace("email", "handle") + "auth: {model: Member, identity: handle, password_reset: true}\n" + MAIL,
        ["spec.yaml:8:41: auth.password_reset: password_reset mails a reset link: Member needs a string column email (or an identity that is an address)"],
    ),
    "a confirmed_at column of its own": (
        USERS.replace("      nick:", "      confirmed_at: {type: datetime}\n      nick:") + "auth: {model: Member, confirm_email: true}\n" + MAIL,
        ["spec.yaml:7:7: models.Member.columns.confirmed_at: auth adds the 'confirmed_at' column to Member; remove this one"],
    ),
    "a sender over two lines": (
        'mail: {sender: "a@b\\nBcc: x@y"}\n',
        ["spec.yaml:3:16: mail.sender: 'a@b\\nBcc: x@y' is not valid: write one line with an address, such as 'Shop <no-reply@shop.example>'"],
    ),
    "mail without a sender": (
        "mail: {}\n",
        ["spec.yaml:3:7: mail.sender: missing required key 'sender'"],
    ),
    "a blueprint named mail": (
        MAIL + "blueprints:\n  mail:\n    routes:\n      x: {rule: /x, text: x}\n",
        ["spec.yaml:5:3: blueprints.mail: mail: generates the module <package>/mail.py; pick another blueprint name"],
    ),
    "a set-password command of its own": (
        USERS + "auth: {model: Member}\ncommands:\n  set-password: {help: x}\n",
        ["spec.yaml:10:3: commands.set-password: auth: generates the set-password command; remove this one or rename it"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID)
def test_invalid_account_keys_report_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


def test_each_profile_gets_its_mail_backend() -> None:
    config = render_text(HEADER + MAIL + "routes:\n  index: {rule: /, text: hi}\n")["xapp/config.py"]
    assert 'MAIL_DEFAULT_SENDER = "X <no-reply@x.test>"' in config
    for backend in ('MAIL_BACKEND = "console"', 'MAIL_BACKEND = "locmem"', 'MAIL_BACKEND = "smtp"'):
        assert backend in config
    assert 'MAIL_SERVER = FromEnv("${MAIL_SERVER}")' in config
    assert "MAIL_USE_TLS = True" in config and "MAIL_PORT = 587" in config


def test_a_profile_that_asks_for_ssl_gets_no_starttls() -> None:
    ssl = "config:\n  production:\n    MAIL_USE_SSL: true\n    MAIL_PORT: 465\n"
    config = render_text(HEADER + MAIL + ssl + "routes:\n  index: {rule: /, text: hi}\n")["xapp/config.py"]
    assert "MAIL_USE_SSL = True" in config and "MAIL_PORT = 465" in config
    assert "MAIL_USE_TLS" not in config


def test_the_auth_pages_follow_the_keys() -> None:
    plain = render_text(HEADER + USERS + "auth: {model: Member}\n")
    assert "xapp/auth/account.py" in plain and "xapp/templates/auth/password.html" in plain
    assert '@bp.route("/password"' in plain["xapp/auth/account.py"]
    assert not any("links" in path or "/mail" in path for path in plain)
    reset = render_text(HEADER + USERS + "auth: {model: Member, password_reset: true}\n" + MAIL)
    assert '@bp.route("/reset/<token>"' in reset["xapp/auth/account.py"]
    assert "/confirm" not in reset["xapp/auth/account.py"]
    assert "Forgot your password?" in reset["xapp/templates/auth/login.html"]
    assert {"xapp/templates/mail/reset_password.txt", "xapp/templates/mail/reset_password.html"} <= set(reset)
    assert "confirmed_at" not in reset["xapp/models.py"]
    both = render_text(HEADER + USERS + "auth: {model: Member, password_reset: true, confirm_email: true}\n" + MAIL)
    assert '@bp.get("/confirm/<token>")' in both["xapp/auth/account.py"]
    assert "confirmed_at: Mapped[datetime.datetime | None]" in both["xapp/models.py"]
    assert "xapp/templates/mail/signup_attempt.txt" in both


def test_an_address_beside_the_identity_is_asked_for_at_sign_up() -> None:
    users = USERS.replace("unique: true, nullable: false", "unique: true")  # email may be empty
    files = render_text(HEADER + users + "auth: {model: Member, identity: nick, confirm_email: true}\n" + MAIL)
    register = files["xapp/auth/forms.py"].split("class RegisterForm", 1)[1].split("class ", 1)[0]
    assert "email = StringField(" in register and "DataRequired()" in register
    assert '"--email"' in files["xapp/auth/commands.py"]
    assert "_send(\n        user.email," in files["xapp/auth/links.py"]  # the links go to it


def test_regen_turning_on_confirmation_counts_the_users_there_as_confirmed(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + USERS + "auth: {model: Member}\n", encoding="utf-8")
    project = tmp_path / "app"
    create_project(spec, project)
    spec.write_text(HEADER + USERS + "auth: {model: Member, confirm_email: true}\n" + MAIL, encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts
    (created,) = [s.relpath for s in report.steps if s.relpath.startswith("migrations/versions/") and s.action == "create"]
    flat = re.sub(r"\s+", "", (project / created).read_text())  # as formatted, without the layout
    assert 'batch_op.add_column(sa.Column("confirmed_at",sa.DateTime(timezone=True),nullable=True))' in flat
    assert 'op.execute(sa.table("member",sa.column("confirmed_at")).update().values({"confirmed_at":sa.func.current_timestamp()}))' in flat


# -- generated, installed and run ---------------------------------------------------------


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Path:
    root = tmp_path_factory.mktemp("accounts") / "club"
    create_project(FIXTURE, root)
    gen_env.install(root)
    return root


@pytest.mark.slow
def test_the_generated_suite_covers_every_flow_and_passes(club: Path, gen_env: GenEnv) -> None:
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"], cwd=club)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " skipped" not in result.stdout
    for gate in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        checked = gen_env.run([gen_env.bin(gate[0]), *gate[1:]], cwd=club)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.slow
@pytest.mark.postgres
def test_the_account_flows_hold_on_postgresql(club: Path, gen_env: GenEnv, postgres_url: str) -> None:
    command = [gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_accounts.py", "tests/test_auth.py"]
    result = gen_env.run(command, cwd=club, env={"TEST_DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _manage(gen_env: GenEnv, project: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [gen_env.python, "manage.py", *args], cwd=project, env=server_env(gen_env, env),
        input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


# Logs in through the login form (CSRF off) and prints the answer's status: 302 when the
# password is right and the account may log in.
LOG_IN = """\
import sys
from club import create_app
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
response = app.test_client().post("/auth/login", data={"email": sys.argv[1], "password": sys.argv[2]})
print(response.status_code)
"""


@pytest.mark.slow
def test_regen_adds_mail_reset_and_confirmation_and_the_users_keep_logging_in(tmp_path: Path, gen_env: GenEnv) -> None:
    full = FIXTURE.read_text(encoding="utf-8")
    before = full.replace("  password_reset: true\n  confirm_email: true\n", "")
    before = before[: before.index("\nmail:")] + before[before.index("\nresources:") :]
    spec = tmp_path / "spec.yaml"
    spec.write_text(before, encoding="utf-8")
    project = tmp_path / "club"
    create_project(spec, project)
    gen_env.install(project)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}", "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "production"}
    _manage(gen_env, project, env, "db", "upgrade")
    _manage(gen_env, project, env, "create-user", "ada@example.com", "--name", "Ada", "--password-stdin", stdin="a long password\n")
    spec.write_text(full, encoding="utf-8")
    report = regen(project, spec)
    assert not report.conflicts
    env["MAIL_SERVER"] = "localhost"
    _manage(gen_env, project, env, "db", "upgrade")
    _manage(gen_env, project, env, "db", "check")
    answer = subprocess.run(
        [gen_env.python, "-c", LOG_IN, "ada@example.com", "a long password"], cwd=project,
        env=server_env(gen_env, env), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert answer.stdout.strip() == "302", answer.stdout + answer.stderr  # confirmed by the upgrade
    _manage(gen_env, project, env, "set-password", "ada@example.com", "--password-stdin", stdin="another long password\n")
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


class _Browser:
    """A cookie-keeping HTTP client that posts forms with the CSRF token of the page."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def submit(self, path: str, **data: str) -> tuple[int, str]:
        """Post the form on the page at ``path``; redirects are followed."""
        token = self.TOKEN.search(self.get(path)[1])
        assert token is not None, path
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1)}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


def _received(log: Path, pattern: str, seconds: float = 20) -> str:
    """The first text matching ``pattern`` in what the SMTP sink printed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no mail with {pattern} arrived:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_a_reset_over_http_follows_the_link_from_a_real_smtp_server(club: Path, gen_env: GenEnv, tmp_path: Path) -> None:
    smtp_port = free_port()
    log = tmp_path / "smtp.log"
    command = [gen_env.python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Debugging"]
    with log.open("w") as out:
        sink = subprocess.Popen(command, cwd=tmp_path, env=server_env(gen_env, {"PYTHONUNBUFFERED": "1"}), stdout=out, stderr=out)
    try:
        env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}", "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "staging",
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port)}  # fmt: skip
        _manage(gen_env, club, env, "db", "upgrade")
        _manage(gen_env, club, env, "create-user", "ada@example.com", "--name", "Ada", "--password-stdin", stdin="a long password\n")
        with gunicorn(gen_env, club, "club:create_app()", env) as base:
            browser = _Browser(base)
            status, page = browser.submit("/auth/reset", email="ada@example.com")
            assert status == 200 and "we sent it a link" in page
            link = _received(log, re.escape(base) + r"/auth/reset/[\w.-]+")
            path = link.removeprefix(base)
            assert browser.submit(path, password="a new long password", confirm="a new long password")[0] == 200
            assert browser.get(path)[0] == 400  # used once
            assert browser.submit("/auth/login", email="ada@example.com", password="a long password")[0] == 422
            assert browser.submit("/auth/login", email="ada@example.com", password="a new long password")[0] == 200
            assert "You are logged in as ada@example.com" in browser.get("/auth/login")[1]
    finally:
        sink.terminate()
        sink.wait(timeout=10)
