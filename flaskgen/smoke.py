"""``flaskgen smoke``: prove that specs become projects that install, pass, lint and serve.

For each spec: generate into a temporary folder, install into one virtual environment,
run the project's own tests, ruff and mypy, start it under gunicorn on 127.0.0.1 (the
Dockerfile's command line) and GET every route that needs no URL variables. Each step
is a :class:`Check`; the CLI prints them as a table.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import venv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flaskgen.core.plan.deploy import HEALTH_RULE, wants_healthz
from flaskgen.core.spec.base import join_prefix
from flaskgen.core.spec.types import ProjectSpec
from flaskgen.project import create_project
from flaskgen.specfile import read_spec

STEP_TIMEOUT = 900  # seconds for one install or test run
BOOT_TIMEOUT = 60


@dataclass(frozen=True)
class Check:
    """One step for one spec."""

    spec: str
    step: str  # generate, install, tests, ruff, ruff format, mypy, db upgrade, serve, GET /path
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Probe:
    """A URL to GET and the status it should answer (None: any below 400)."""

    path: str
    expected: int | None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer of its own here


_OPENER = urllib.request.build_opener(_NoRedirect)


class Environment:
    """The one virtual environment that every project of a run is installed into."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if not (root / "bin" / "python").exists():
            venv.EnvBuilder(with_pip=True).create(root)

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)

    def environ(self, extra: dict[str, str]) -> dict[str, str]:
        """The process environment with this venv first on PATH and no FLASK_ leftovers."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env["PATH"] = f"{self.root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env.pop("VIRTUAL_ENV", None)
        return {**env, **extra}

    def run(self, args: list[str], cwd: Path, env: dict[str, str]) -> tuple[bool, str]:
        """Run a command; (succeeded, last lines of its output)."""
        try:
            result = subprocess.run(
                args, cwd=cwd, env=self.environ(env), capture_output=True, text=True,
                timeout=STEP_TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired:
            return False, f"timed out after {STEP_TIMEOUT} s"
        output = (result.stdout + result.stderr).strip().splitlines()
        return result.returncode == 0, "\n".join(output[-15:] if result.returncode else output[-1:])


def probes(spec: ProjectSpec) -> list[Probe]:
    """Every GET URL of the spec without URL variables (subdomain routes need a host)."""
    prefixes = {bp.name: bp.url_prefix for bp in spec.blueprints}
    on_subdomain = {bp.name for bp in spec.blueprints if bp.subdomain}
    out: dict[str, int | None] = {}
    for route in spec.all_routes:
        if "GET" not in route.methods or route.subdomain or route.blueprint in on_subdomain:
            continue
        expected = route.response.abort if route.response.kind == "abort" else route.status
        for rule in route.rules:
            if not rule.variables:
                out.setdefault(join_prefix(prefixes.get(route.blueprint or ""), rule.rule), expected)
    for upload in spec.uploads:
        out.setdefault(upload.rule, 200)
    if wants_healthz(spec):
        out.setdefault(HEALTH_RULE, 200)
    return [Probe(path, expected) for path, expected in sorted(out.items())]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> int:
    try:
        with _OPENER.open(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_for(url: str, server: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            _get(url)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def _serve(name: str, spec: ProjectSpec, project: Path, env: Environment, app_env: dict[str, str]) -> Iterator[Check]:
    """Boot gunicorn on 127.0.0.1 and GET every probe."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [env.bin("gunicorn"), "-c", "gunicorn.conf.py", f"{spec.project.package}:create_app()"]
    run_env = {**app_env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    with subprocess.Popen(
        command, cwd=project, env=env.environ(run_env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as server:
        try:
            if not _wait_for(base + "/", server):
                server.terminate()
                yield Check(name, "serve", False, (server.communicate(timeout=30)[1] or "").strip()[-2000:])
                return
            yield Check(name, "serve", True, base)
            for probe in probes(spec):
                yield _probe(name, base, probe)
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)


def _probe(name: str, base: str, probe: Probe) -> Check:
    try:
        status = _get(base + probe.path)
    except OSError as exc:
        return Check(name, f"GET {probe.path}", False, str(exc))
    ok = status == probe.expected if probe.expected else status < 400
    want = str(probe.expected) if probe.expected else "< 400"
    return Check(name, f"GET {probe.path}", ok, f"{status}" + ("" if ok else f" (expected {want})"))


def app_environment(spec: ProjectSpec) -> dict[str, str]:
    """The development profile, with a value for every variable a profile requires
    (``REDIS_URL`` only when set: without it development runs jobs at once and counts
    logins in memory, and a stand-in would be no Redis at all)."""
    names = {v for p in spec.profiles for s in p.settings for v in s.env_vars} - {"REDIS_URL"}
    values = {name: os.environ.get(name) or f"smoke-{name.lower()}" for name in sorted(names)}
    if os.environ.get("REDIS_URL"):
        values["REDIS_URL"] = os.environ["REDIS_URL"]
    return {**values, "FLASK_CONFIG": "development", "SECRET_KEY": os.environ.get("SECRET_KEY") or "smoke-" + "x" * 32}


def gates(env: Environment, mypy_cache: Path | None = None) -> list[tuple[str, list[str]]]:
    """The project's own checks as (step, command), each run from the project folder:
    its tests, ruff, ruff format and mypy with the project's strict settings.
    ``mypy_cache`` keeps mypy's cache there (one per concurrent run) instead of the
    project's ``.mypy_cache``: the libraries' part is then checked once."""
    cache = ["--cache-dir", str(mypy_cache)] if mypy_cache else []
    return [
        ("tests", [env.bin("python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]),
        ("ruff", [env.bin("ruff"), "check", "--no-cache", "."]),
        ("ruff format", [env.bin("ruff"), "format", "--no-cache", "--check", "."]),
        ("mypy", [env.bin("python"), "-m", "mypy", *cache, "."]),  # strict: the project's [tool.mypy]
    ]


def check_spec(spec_path: Path, workdir: Path, env: Environment) -> Iterator[Check]:
    """Every step for one spec, stopping at the first that fails (but for the GETs)."""
    name = spec_path.name
    spec = read_spec(spec_path)
    project = workdir / spec.project.package
    create_project(spec_path, project)
    yield Check(name, "generate", True, str(project))
    app_env = app_environment(spec)
    steps: list[tuple[str, list[str]]] = [
        ("install", [env.bin("python"), "-m", "pip", "install", "-q", "-e", f"{project}[dev]"]),
        *gates(env),
    ]
    if spec.models:
        steps.append(("db upgrade", [env.bin("python"), "manage.py", "db", "upgrade"]))
    for step, args in steps:
        ok, detail = env.run(args, project, app_env)
        yield Check(name, step, ok, detail)
        if not ok:
            return
    if spec.jobs:
        yield _job_round_trip(name, spec, project, env, app_env)
    yield from _serve(name, spec, project, env, app_env)


def _job_round_trip(name: str, spec: ProjectSpec, project: Path, env: Environment, app_env: dict[str, str]) -> Check:
    """Enqueue the first job on the Redis at ``REDIS_URL``, run a worker until the queue
    is empty, and find no failed job; skipped without ``REDIS_URL``."""
    if not app_env.get("REDIS_URL"):
        return Check(name, "job round trip", True, "skipped: set REDIS_URL to a Redis to run it")
    job = spec.jobs[0]
    manage = [env.bin("python"), "manage.py"]
    for args, expect in (
        ([*manage, "jobs", "enqueue", job.name, *("smoke" for _ in job.arguments)], "enqueued"),
        ([*manage, "worker", "--burst"], ""),
        ([*manage, "jobs", "failed"], "no failed jobs"),
    ):
        try:
            result = subprocess.run(
                args, cwd=project, env=env.environ(app_env), capture_output=True, text=True, timeout=BOOT_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return Check(name, "job round trip", False, f"{' '.join(args[1:])}: timed out after {BOOT_TIMEOUT} s")
        if result.returncode != 0 or expect not in result.stdout:
            return Check(name, "job round trip", False, (result.stdout + result.stderr).strip()[-2000:])
    return Check(name, "job round trip", True, f"{job.name} ran on a worker")


def smoke(
    spec_paths: list[Path], venv_dir: Path | None = None, report: Callable[[Check], None] = lambda c: None
) -> list[Check]:
    """Check every spec; ``report`` sees each check as it completes."""
    checks: list[Check] = []
    with tempfile.TemporaryDirectory(prefix="flaskgen-smoke-") as tmp:
        env = Environment((venv_dir or Path(tmp) / "venv").resolve())
        for index, spec_path in enumerate(spec_paths):
            workdir = Path(tmp) / f"{index}"
            workdir.mkdir()
            for check in check_spec(spec_path, workdir, env):
                checks.append(check)
                report(check)
    return checks


def table(checks: list[Check]) -> str:
    """The checks as an aligned text table, failures with their output below."""
    rows = [("spec", "step", "result", "detail")]
    rows += [(c.spec, c.step, "ok" if c.ok else "FAIL", c.detail.splitlines()[0] if c.ok and c.detail else "") for c in checks]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in rows]
    for check in checks:
        if not check.ok:
            lines += ["", f"{check.spec}: {check.step} failed:", check.detail]
    return "\n".join(line.rstrip() for line in lines)
