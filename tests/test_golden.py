"""Golden trees: every example renders to exactly the files in tests/golden/<example>/.

After an intended change to the output, refresh the snapshots with

    FLASKGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.spec import read_spec
from tests.conftest import example_paths

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("FLASKGEN_UPDATE_GOLDEN") == "1"
HINT = "if the change is intended, run: FLASKGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"


def _render(spec_path: Path) -> dict[str, str]:
    return render_project(read_spec(spec_path), spec_path.name)


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_example_matches_golden_tree(spec_path: Path) -> None:
    files = _render(spec_path)
    golden = GOLDEN / spec_path.stem
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        for relpath, text in files.items():
            target = golden / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
    expected = _tree(golden)
    assert sorted(files) == sorted(expected), f"the file list changed; {HINT}"
    for relpath, text in files.items():
        assert text == expected[relpath], f"{relpath} changed; {HINT}"


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_every_generated_python_file_compiles(spec_path: Path) -> None:
    for relpath, text in _render(spec_path).items():
        if relpath.endswith(".py"):
            compile(text, relpath, "exec")


@pytest.mark.parametrize("spec_path", example_paths(), ids=lambda p: p.stem)
def test_rendering_is_deterministic(spec_path: Path) -> None:
    assert _render(spec_path) == _render(spec_path)
