"""Minimal specs of failure classes that drawn shapes (tests/shapes.py) found, one row
each: every one generates a project whose own tests, ruff, ruff format and mypy pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flaskgen.smoke import Environment
from tests.conftest import GenEnv
from tests.shapes import Shape
from tests.shapes_run import check, generate

pytestmark = pytest.mark.slow

CASES: dict[str, str] = {
    # POST {} made a row (201) where the test expected 422; with no test, `invalid` was unused.
    "resource without a required column": """
models:
  Post:
    columns:
      born: {type: integer, nullable: false, default: 1}
      summary: {type: string, length: 20}
resources:
  posts: {model: Post}
""",
    # No field with a sample: `data = {}` (mypy: needs a type), unused `n`/`parents`
    # (ruff F841), and a PUT that changed nothing was expected to make the ETag stale.
    "resource whose only field is a json column": """
models:
  Note:
    columns:
      due: {type: json}
resources:
  notes: {model: Note}
""",
    # Only an optional picker, whose related rows' label is nullable: the factory left
    # every label NULL and the picker search for the last row found nothing.
    "optional picker over a nullable label": """
models:
  Parent:
    columns:
      name: {type: string, length: 20}
  Child:
    columns:
      parent_id: {type: integer, foreign_key: parent.id}
    relationships:
      parent: {model: Parent, back_populates: children}
resources:
  children: {model: Child}
""",
}


@pytest.mark.parametrize("body", CASES.values(), ids=CASES)
def test_shape_case_passes_its_gates(body: str, gen_env: GenEnv, tmp_path: Path) -> None:
    spec = {"flaskgen": 1, "project": {"name": "Case", "package": "case"}, **yaml.safe_load(body)}
    shape = Shape(0, 0, spec)
    project = generate(shape, tmp_path)
    assert isinstance(project, Path), project
    outcome = check(shape, project, Environment(gen_env.root), tmp_path / "mypy-cache")
    assert outcome.result == "passed", f"{outcome.step}: {outcome.error}\n{outcome.detail}"
