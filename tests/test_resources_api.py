"""The generated JSON API: every example's OpenAPI document passes a standard
validator, and the API answers JSON errors without touching the HTML pages' errors."""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.specfile import read_spec
from tests.conftest import EXAMPLES, BuiltExample, GenEnv, example_paths
from tests.servers import gunicorn, server_env

pytestmark = pytest.mark.slow

API_EXAMPLES = [p for p in example_paths() if any(r.api for r in read_spec(p).resources)]

DUMP = """
import json, sys
from {package} import create_app
app = create_app("testing")
client = app.test_client()
document = client.get("/api/openapi.json")
missing = client.get("/no/such/page")
docs = client.get("/api/docs")
asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
print(json.dumps({{"document": document.json, "html_404": missing.content_type,
    "docs": docs.status_code, "asset": asset.status_code, "cdn": "cdn" in docs.get_data(as_text=True)}}))
"""

VALIDATE = "import json, sys; from openapi_spec_validator import validate; validate(json.load(sys.stdin))"


@pytest.mark.parametrize("spec_path", API_EXAMPLES, ids=lambda p: p.stem)
def test_openapi_document_is_valid_and_docs_work_offline(spec_path: Path, gen_env: GenEnv, built_example: Callable[[Path], BuiltExample]) -> None:
    project = built_example(spec_path).project  # generated and installed
    package = read_spec(spec_path).project.package
    dumped = gen_env.run([gen_env.python, "-c", DUMP.format(package=package)], cwd=project, env={"SECRET_KEY": "x"})
    assert dumped.returncode == 0, dumped.stderr
    result = json.loads(dumped.stdout.splitlines()[-1])
    assert result["document"]["openapi"].startswith("3.")
    assert result["html_404"].startswith("text/html")  # the API's JSON errors stay under the API
    assert (result["docs"], result["asset"], result["cdn"]) == (200, 200, False)
    checked = subprocess.run(
        [gen_env.python, "-c", VALIDATE],
        input=json.dumps(result["document"]),
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr







# schemathesis's "positive data acceptance" expects a schema-valid request to succeed.
# Two answers the contract gives to schema-valid requests are added to its list: 422 for
# a reference to a row that does not exist (author_id: 7, named in the errors) and 412
# for an If-Match that names another version of the row. Every other check runs as shipped.
SCHEMATHESIS_CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]
"""
# gunicorn answers a request line over 4 KiB itself (an HTML 414) before the app sees it;
# the generated URLs can be that long, and the app's answers are what is checked here.
LONG_URLS = ("--limit-request-line", "0")


def _log_in_cookie(base: str, identity: str, password: str) -> str:
    """The session cookie of a browser that logged in through the login form."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(base + "/auth/login", timeout=30) as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode())
    assert token is not None
    form = urllib.parse.urlencode({"email": identity, "password": password, "csrf_token": token.group(1)})
    with browser.open(base + "/auth/login", data=form.encode(), timeout=30):
        pass
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "session" in cookies
    return f"session={cookies['session']}"


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(gen_env: GenEnv, generate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Property-based requests from the OpenAPI document (every check, a fixed seed)
    against the bookshop under gunicorn on 127.0.0.1, anonymous, logged in and with a
    bearer token: no 5xx,
    every answer as documented (bodies, headers, content types, status codes)."""
    project = generate(EXAMPLES / "bookshop.yaml")
    gen_env.install(project)
    # The development profile (its database in the project's instance folder): production's
    # session cookie is HTTPS-only, and the server here speaks plain HTTP on loopback.
    database = {"SECRET_KEY": "s" * 32, "FLASK_CONFIG": "development"}
    env = server_env(gen_env, database)
    for command in (["db", "upgrade"], ["create-user", "ada@example.com", "--name", "Ada", "--password", "a long password"]):
        done = subprocess.run([gen_env.python, "manage.py", *command], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    made = subprocess.run([gen_env.python, "manage.py", "create-token", "ada@example.com"], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    bearer = made.stdout.strip()
    with gunicorn(gen_env, project, "bookshop:create_app()", database, LONG_URLS) as base:
        cookie = _log_in_cookie(base, "ada@example.com", "a long password")
        runs = (("anonymous", []), ("logged in", ["-H", f"Cookie: {cookie}"]), ("with a token", ["-H", f"Authorization: Bearer {bearer}"]))
        for who, headers in runs:
            run = gen_env.run(
                [
                    gen_env.bin("schemathesis"), "--config-file", str(config), "run", f"{base}/api/openapi.json",
                    "--checks", "all", "--max-examples", "25", "--seed", "1", "--no-color", *headers,
                ],
                cwd=project,
                timeout=900,
            )  # fmt: skip
            assert run.returncode == 0, f"{who}:\n{run.stdout[-6000:]}"
            assert " passed" in run.stdout and "failures" not in run.stdout.split("SUMMARY")[-1], f"{who}:\n{run.stdout[-3000:]}"
