"""The generated JSON API: every example's OpenAPI document passes a standard
validator, and the API answers JSON errors without touching the HTML pages' errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from flaskgen.specfile import read_spec
from tests.conftest import EXAMPLES, GenEnv, example_paths

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
def test_openapi_document_is_valid_and_docs_work_offline(spec_path: Path, gen_env: GenEnv, generate) -> None:
    project = generate(spec_path)
    gen_env.install(project)
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


SERVE = """
import sys
from werkzeug.serving import run_simple
from {package} import create_app
from {package}.extensions import db
app = create_app("development", {{"SQLALCHEMY_DATABASE_URI": sys.argv[2], "DEBUG": False}})
with app.app_context():
    db.create_all()
run_simple("127.0.0.1", int(sys.argv[1]), app)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("spec_path", [EXAMPLES / "bookshop.yaml"], ids=lambda p: p.stem)
def test_schemathesis_finds_no_server_error(spec_path: Path, gen_env: GenEnv, generate, tmp_path: Path) -> None:
    """Property-based requests from the OpenAPI document against the API served on
    127.0.0.1 (a bounded run with a fixed seed): no answer is a 5xx."""
    project = generate(spec_path)
    gen_env.install(project)
    port = _free_port()
    serve = [gen_env.python, "-c", SERVE.format(package=read_spec(spec_path).project.package)]
    env = {**os.environ, "SECRET_KEY": "x", "PATH": f"{gen_env.root / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    log = tmp_path / "server.log"  # a file, not a pipe: a full pipe would stall the server
    with log.open("w") as sink:
        server = subprocess.Popen([*serve, str(port), f"sqlite:///{tmp_path / 'api.db'}"], cwd=project, env=env, stderr=sink)
    try:
        run = gen_env.run(
            [
                gen_env.bin("schemathesis"), "run", f"http://127.0.0.1:{port}/api/openapi.json",
                "--checks", "not_a_server_error", "--max-examples", "25", "--seed", "1",
                "--wait-for-schema", "30", "--no-color",
            ],
            cwd=project,
            timeout=600,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert run.returncode == 0, run.stdout[-4000:] + log.read_text()[-4000:]
    assert " passed" in run.stdout
