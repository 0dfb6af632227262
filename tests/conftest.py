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
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.project import create_project
from flaskgen.specfile import parse_spec
from tests.genenv import CACHE, REQUIREMENTS, GenEnv, build_gen_env
from tests.shapes_run import forget_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With several workers (pytest-xdist, ``--dist loadgroup``): the tests of one built
    example run on one worker, which builds it once; the PostgreSQL tests, which share one
    test database, run one after another on one worker."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.xdist_group("postgres"))
        elif "built_example" in getattr(item, "fixturenames", ()):
            params = getattr(getattr(item, "callspec", None), "params", {})
            example = params.get("spec_path") or params.get("example")
            stem = example.stem if isinstance(example, Path) else str(example)
            item.add_marker(pytest.mark.xdist_group(f"example-{stem}"))


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
    once (on first use)."""

    def __init__(self, spec_path: Path, project: Path, gen_env: GenEnv) -> None:
        self.spec_path, self.project, self._gen_env = spec_path, project, gen_env

    @functools.cached_property
    def suite(self) -> subprocess.CompletedProcess[str]:
        env = self._gen_env
        return env.run([env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=self.project, env=SUITE_ENV)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Callable[[Path], BuiltExample]:
    """``built_example(spec_path)``: that example generated, installed and its suite run,
    once per test run however many tests check it (each builds on first use). Tests may
    run the project's commands (a database in its instance folder) but never edit its files."""
    built: dict[Path, BuiltExample] = {}

    def get(spec_path: Path) -> BuiltExample:
        if spec_path not in built:
            project = tmp_path_factory.mktemp(f"example-{spec_path.stem}") / "project"
            create_project(spec_path, project)
            gen_env.install(project)
            built[spec_path] = BuiltExample(spec_path, project, gen_env)
        return built[spec_path]

    return get


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A running PostgreSQL server's URL (scripts/postgres.sh installs and starts one)."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True, check=False, timeout=900
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium's binary (scripts/chromium.sh installs Debian's package where missing)."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "chromium.sh")], capture_output=True, text=True, check=False, timeout=1500
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


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
