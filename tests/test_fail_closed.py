"""Generated apps fail closed under a real server: a server that names no profile runs
production (never development's well-known key), production refuses a short key,
every response carries the security headers, and request bodies are limited."""

from __future__ import annotations

import http.client
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, GenEnv
from tests.servers import free_port, gunicorn, server_env

APP = "sessionlogin:create_app()"
STRONG_KEY = "k" * 32
# A session cookie signed with development's key, for user 1: what anyone who read the
# generated config could forge.
FORGE = """\
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
app = Flask("forge")
app.secret_key = "dev-not-secret"
print(SecureCookieSessionInterface().get_signing_serializer(app).dumps({"_user_id": "1", "_fresh": True}))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Path:
    from flaskgen.project import create_project

    root = tmp_path_factory.mktemp("fail-closed") / "login"
    create_project(EXAMPLES / "login.yaml", root)
    gen_env.install(root)
    return root


def _start_fails(gen_env: GenEnv, project: Path, env: dict[str, str]) -> str:
    """gunicorn's output when the app refuses to load (the server must exit)."""
    port = free_port()
    command = [gen_env.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", APP]
    result = subprocess.run(
        command, cwd=project, env=server_env(gen_env, env), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    return result.stdout + result.stderr


@pytest.mark.slow
def test_a_server_without_flask_config_runs_production(project: Path, gen_env: GenEnv, tmp_path: Path) -> None:
    # The example mails: production needs its mail server too, which this test gives.
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "MAIL_SERVER": "127.0.0.1"}
    assert "needs the environment variable(s) SECRET_KEY" in _start_fails(gen_env, project, database)
    short = _start_fails(gen_env, project, {**database, "SECRET_KEY": "x"})
    assert "needs a SECRET_KEY of at least 32 bytes (this one has 1)" in short
    upgrade = subprocess.run(
        [gen_env.python, "manage.py", "db", "upgrade"],
        cwd=project,
        env=server_env(gen_env, {**database, "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "production"}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    ada = [gen_env.python, "manage.py", "create-user", "ada@example.com", "--display-name", "Ada", "--password", "a long password"]
    created = subprocess.run(
        ada,
        cwd=project,
        env=server_env(gen_env, {**database, "SECRET_KEY": STRONG_KEY, "FLASK_CONFIG": "production"}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    forged = gen_env.run([gen_env.python, "-c", FORGE], cwd=project).stdout.strip()
    with gunicorn(gen_env, project, APP, {**database, "SECRET_KEY": STRONG_KEY}) as base:
        no_redirect = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(base + "/members/", headers={"Cookie": f"session={forged}"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            no_redirect.open(request, timeout=10)
        caught.value.close()
        assert caught.value.code == 302  # to the login page: the forged session is nobody
        assert caught.value.headers["Location"].startswith("/auth/login")
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")  # the spec's own hook may set it first
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        # A 20 MiB form post is refused from its Content-Length, before any of it is read.
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.putrequest("POST", "/auth/login")
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(20 * 1024 * 1024))
            connection.endheaders()
            assert connection.getresponse().status == 413
        finally:
            connection.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
