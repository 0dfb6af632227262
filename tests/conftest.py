"""Fixtures for flaskgen's own tests.

``gen_env`` is one virtual environment per test run (cached in ``.cache/gen-venv``
across runs, rebuilt when ``gen-requirements.txt`` changes) into which smoke tests
install generated projects and run their suites.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.project import create_project
from flaskgen.specfile import parse_spec
from tests.genenv import CACHE, REQUIREMENTS, GenEnv, build_gen_env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="session")
def gen_env() -> GenEnv:
    """One shared virtual environment for installing generated projects."""
    return build_gen_env()


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
