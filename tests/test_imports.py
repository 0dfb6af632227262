"""Commands load only what they use: ``--help`` and a no-op ``regen`` stay near
start-up cost, ``validate`` never loads the renderer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from flaskgen.project import create_project

HEAVY = ("jinja2", "jsonschema", "fastjsonschema", "werkzeug", "flaskgen.generate", "flaskgen.core.plan", "flaskgen.core.spec.normalize")
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('LOADED', sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr))\n"
    "sys.argv = ['flaskgen', *sys.argv[1:]]\n"
    "from flaskgen.cli import main\n"
    "main()\n"
)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "minimal.yaml"
CRM = EXAMPLE.with_name("crm.yaml")
SCHEMA_VALIDATORS = {"jsonschema", "fastjsonschema"}


def _loaded(*args: str, cwd: Path | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED "))
    return set(ast.literal_eval(line.removeprefix("LOADED ")))


@pytest.mark.parametrize("args", [("--help",), ("new", "--help"), ("schema",)])
def test_help_and_schema_load_nothing_heavy(args: tuple[str, ...]) -> None:
    assert _loaded(*args) == set()


def test_validate_does_not_load_the_renderer() -> None:
    assert _loaded("validate", str(EXAMPLE)) <= {"werkzeug", "flaskgen.core.spec.normalize"}


@pytest.mark.parametrize("spec", [EXAMPLE, CRM], ids=lambda p: p.name)
def test_a_valid_spec_is_validated_without_a_schema_library(spec: Path, tmp_path: Path) -> None:
    assert not _loaded("validate", str(spec)) & SCHEMA_VALIDATORS
    assert not _loaded("new", str(spec), "-o", str(tmp_path / "app")) & SCHEMA_VALIDATORS
    assert (tmp_path / "app" / "pyproject.toml").is_file()


def test_an_invalid_spec_is_explained_by_jsonschema(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(EXAMPLE.read_text(encoding="utf-8").replace("flaskgen: 1", "flaskgen: true"), encoding="utf-8")
    assert "jsonschema" in _loaded("validate", str(spec))


def test_a_noop_regen_loads_neither_the_spec_stages_nor_the_renderer(tmp_path: Path) -> None:
    project = tmp_path / "app"
    create_project(EXAMPLE, project)
    assert _loaded("regen", "-o", str(project)) == set()
