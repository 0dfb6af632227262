"""Golden trees: every example renders to exactly the files in tests/golden/<example>/.

After an intended change to the output, refresh the snapshots with

    FLASKGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff before committing it. A refresh run rewrites the snapshots and then
fails on purpose, so it can never pass as a check; run the suite again without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flaskgen.generate import render_project
from flaskgen.specfile import read_spec
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
        pytest.fail(f"refreshed {golden}; review the diff, then run the tests without FLASKGEN_UPDATE_GOLDEN")
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


_DIGEST = """
import hashlib, json, sys
from pathlib import Path
from flaskgen.generate import render_project
from flaskgen.specfile import read_spec
out = {}
for name in sys.argv[1:]:
    files = render_project(read_spec(Path(name)), Path(name).name)
    out[name] = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
print(json.dumps(out, sort_keys=True))
"""


def test_output_is_identical_across_processes_and_hash_seeds() -> None:
    """Set and dict orders differ between processes with other hash seeds; the output must not."""
    specs = [str(p) for p in example_paths()]
    digests = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST, *specs], capture_output=True, text=True, env=env, check=False
        )
        assert result.returncode == 0, result.stderr
        digests.append(json.loads(result.stdout))
    assert digests[0] == digests[1]
    here = {
        str(p): hashlib.sha256(json.dumps(_render(p), sort_keys=True).encode()).hexdigest()
        for p in example_paths()
    }
    assert here == digests[0]
