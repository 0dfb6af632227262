"""Fixtures for flaskgen's own tests.

``gen_env`` is one virtual environment per test run (cached in ``.cache/gen-venv``
across runs, rebuilt when ``gen-requirements.txt`` changes) into which smoke tests
install generated projects and run their suites.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.project import create_project
from flaskgen.spec import parse_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REQUIREMENTS = Path(__file__).with_name("gen-requirements.txt")
CACHE = ROOT / ".cache"


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


@dataclass(frozen=True)
class GenEnv:
    """The shared virtual environment for generated projects."""

    root: Path

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
        full_env.update({"PATH": f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"})
        full_env.update(env or {})
        return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)

    def install(self, project: Path) -> None:
        result = self.run(
            [self.python, "-m", "pip", "install", "-q", "--no-build-isolation", "-e", f"{project}[dev]"],
            cwd=project,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _build_gen_env() -> GenEnv:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()[:16]
    root = CACHE / "gen-venv"
    stamp = root / ".requirements-sha"
    if stamp.exists() and stamp.read_text() == digest:
        return GenEnv(root)
    shutil.rmtree(root, ignore_errors=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    pip = [str(root / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(digest)
    return GenEnv(root)


@pytest.fixture(scope="session")
def gen_env() -> GenEnv:
    """One shared virtual environment for installing generated projects."""
    return _build_gen_env()


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
