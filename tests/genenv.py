"""The shared virtual environment for generated projects (standard library only, so
``dev.py`` can use it before flaskgen is installed)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = Path(__file__).with_name("gen-requirements.txt")
CACHE = ROOT / ".cache"


@dataclass(frozen=True)
class GenEnv:
    """The shared virtual environment for generated projects."""

    root: Path

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)

    def environ(self) -> dict[str, str]:
        """This environment's variables: its bin/ first on PATH, no FLASK_/PYTEST_ leftovers."""
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
        full_env["PATH"] = f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return full_env

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**self.environ(), **(env or {})}
        return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)

    def installing(self) -> contextlib.AbstractContextManager[None]:
        """Hold while pip installs into this venv: one pip at a time (test workers share it)."""
        return locked(self.root.with_name(self.root.name + ".lock"))

    def install(self, project: Path) -> None:
        with self.installing():
            result = self.run(
                [self.python, "-m", "pip", "install", "-q", "--no-build-isolation", "-e", f"{project}[dev]"],
                cwd=project,
            )
        assert result.returncode == 0, result.stdout + result.stderr


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes (the test workers share the venv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_gen_env() -> GenEnv:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()[:16]
    root = CACHE / "gen-venv"
    stamp = root / ".requirements-sha"
    with locked(root.with_name(root.name + ".lock")):  # one builder; the others wait for it
        if stamp.exists() and stamp.read_text() == digest:
            return GenEnv(root)
        shutil.rmtree(root, ignore_errors=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(root)
        pip = [str(root / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(digest)
        return GenEnv(root)


