"""Fixtures for flaskgen's own tests.

``gen_env`` is one virtual environment per test run (cached in ``.cache/gen-venv``
across runs, rebuilt when ``gen-requirements.txt`` changes) into which smoke tests
install generated projects and run their suites. ``built_example`` generates an
example, installs it there and runs its own suite once per test run, for every test
that checks that project; ``mypy_cache`` is one mypy cache per test run, so the shared
venv's libraries are type-checked once, not once per project.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.project import create_project
from flaskgen.specfile import parse_spec
from tests.genenv import CACHE, REQUIREMENTS, GenEnv, build_gen_env, locked
from tests.shapes_run import forget_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="session")
def gen_env() -> GenEnv:
    """One shared virtual environment for installing generated projects."""
    return build_gen_env()


@dataclass(frozen=True)
class MypyCache:
    """A mypy cache shared by the projects of one test run (one at a time).

    Each run checks the project from scratch: its own modules are dropped from the cache
    afterwards (``forget_project``: every project has modules of the same names, and
    mypy trusts a cached module whose file has the same size and modification time).
    What stays are the libraries of the shared venv, the same files for every project.
    """

    root: Path

    def run(self, gen_env: GenEnv, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """``mypy ARGS`` from ``project``'s folder, with this cache."""
        try:
            return gen_env.run([gen_env.bin("mypy"), "--cache-dir", str(self.root), *args], cwd=project)
        finally:
            forget_project(self.root, project)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> MypyCache:
    return MypyCache(tmp_path_factory.mktemp("mypy-cache"))


# The environment each example's own suite runs in (the testing profile has its own key).
SUITE_ENV = {"SECRET_KEY": "smoke-test-secret"}


class BuiltExample:
    """An example generated into a fresh folder and installed into the shared venv with
    ``pip install -e .[dev]``; ``suite`` is the result of its own test suite, run there
    once (on first use, by whichever test process needs it first)."""

    def __init__(self, spec_path: Path, project: Path, gen_env: GenEnv) -> None:
        self.spec_path, self.project, self._gen_env = spec_path, project, gen_env

    @functools.cached_property
    def suite(self) -> subprocess.CompletedProcess[str]:
        saved = self.project.parent / "suite.json"
        with locked(self.project.parent / "suite.lock"):
            if not saved.exists():
                env = self._gen_env
                run = env.run([env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=self.project, env=SUITE_ENV)
                saved.write_text(json.dumps([run.args, run.returncode, run.stdout, run.stderr]), encoding="utf-8")
            args, code, out, err = json.loads(saved.read_text(encoding="utf-8"))
        return subprocess.CompletedProcess(args, code, out, err)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This test run's temporary folder, shared by its pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Callable[[Path], BuiltExample]:
    """``built_example(spec_path)``: that example generated, installed and its suite run,
    once per test run however many tests (in however many test processes) check it; the
    first to need it builds it, holding a lock the others wait on. Tests may run the
    project's commands (a database in its instance folder) but never edit its files."""
    root = _run_folder(tmp_path_factory) / "examples"
    root.mkdir(exist_ok=True)

    def get(spec_path: Path) -> BuiltExample:
        folder = root / spec_path.stem
        project = folder / "project"
        with locked(root / f"{spec_path.stem}.lock"):
            if not (folder / "built").exists():
                shutil.rmtree(folder, ignore_errors=True)
                create_project(spec_path, project)
                gen_env.install(project)
                (folder / "built").touch()
        return BuiltExample(spec_path, project, gen_env)

    return get


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A running PostgreSQL server's URL (scripts/postgres.sh installs and starts one)."""
    env = dict(os.environ)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # each test process its own database: two never share tables
        env["PGTEST_DB"] = f"{env.get('PGTEST_DB', 'flaskgen_test')}_{worker}"
    return setup_script("postgres.sh", 900, env)  # it may install and start the server


def setup_script(name: str, seconds: float, env: dict[str, str] | None = None) -> str:
    """What ``scripts/<name>`` prints, run under the lock every system set-up takes (one
    apt-get at a time)."""
    with locked(CACHE / "system-setup.lock"):
        result = subprocess.run(
            [str(ROOT / "scripts" / name)], capture_output=True, text=True, check=False, timeout=seconds, env=env
        )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The redis-server binary (scripts/redis.sh installs Debian's package where missing)."""
    return setup_script("redis.sh", 900)


@pytest.fixture()
def redis_url(redis_server: str, tmp_path: Path) -> Iterator[str]:
    """A Redis of this test's own on 127.0.0.1 (no persistence), stopped after it."""
    from tests.servers import running_redis

    with running_redis(redis_server, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium's binary (scripts/chromium.sh installs Debian's package where missing)."""
    return setup_script("chromium.sh", 1500)


@pytest.fixture()
def generate(tmp_path: Path) -> Callable[..., Path]:
    """Generate a spec file (path) or spec text into a fresh folder and return it."""

    def run(spec: Path | str, name: str = "project") -> Path:
        if isinstance(spec, str):
            spec_path = tmp_path / "spec.yaml"
            spec_path.write_text(spec, encoding="utf-8")
        else:
            spec_path = spec
        out = tmp_path / name
        create_project(spec_path, out)
        return out

    return run


def render_text(text: str) -> dict[str, str]:
    """Render a spec given as text, without writing anything."""
    return render_project(parse_spec(text))


__all__ = ["CACHE", "REQUIREMENTS", "GenEnv"]
