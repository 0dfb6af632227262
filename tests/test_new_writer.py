"""``new`` is a regen from an empty base: one planner, one writer (journal, atomic
writes, the state last), one rule for executable files, and a dry run that writes nothing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen import write
from flaskgen.cli import main
from flaskgen.project import create_project
from flaskgen.regen.apply import JOURNAL
from flaskgen.state import load_state
from flaskgen.write import new_mode
from tests.regen_support import Project, tree

EXAMPLES = Path(__file__).parent.parent / "examples"


def _new(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["new", *args])
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_prints_one_word_per_file_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "app"
    code, stdout, _ = _new(str(EXAMPLES / "minimal.yaml"), "-o", str(out), "--dry-run")
    assert code == 0, stdout
    lines = stdout.splitlines()
    planned = [line.split()[1] for line in lines[:-1]]
    assert {line.split()[0] for line in lines[:-1]} == {"create"}
    assert planned == sorted(planned) and "manage.py" in planned and "hello/__init__.py" in planned
    assert (
        lines[-1]
        == f"dry run: {len(planned)} would change, 0 unchanged in {out}; nothing was written"
    )
    assert list(tmp_path.iterdir()) == []  # not even the parent folder
    code, stdout, _ = _new(str(EXAMPLES / "minimal.yaml"), "-o", str(out))
    assert code == 0 and sorted(tree(out)) == planned


def test_dry_run_with_force_says_identical_or_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    project = Project.create(tmp_path)
    project.edit("shop/views.py", 'Response("Hello"', 'Response("Hi")')
    (project.root / "README.md").unlink()
    before = tree(project.root)
    state = (project.root / ".flaskgen" / "state.json").read_bytes()
    code, stdout, _ = _new(
        str(project.spec), "-o", str(project.root), "--force", "--dry-run", "--format", "json"
    )
    assert code == 0, stdout
    body = json.loads(stdout)
    actions = {f["path"]: f["action"] for f in body["files"]}
    assert body["dry_run"] is True
    assert actions["README.md"] == "create" and actions["shop/views.py"] == "overwrite"
    assert {a for p, a in actions.items() if p not in ("README.md", "shop/views.py")} == {
        "identical"
    }
    assert tree(project.root) == before
    assert (project.root / ".flaskgen" / "state.json").read_bytes() == state
    assert not (project.root / ".flaskgen" / "backup").exists()


def test_dry_run_refuses_a_non_empty_folder_like_a_real_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, _, stderr = _new(str(EXAMPLES / "minimal.yaml"), "-o", str(out), "--dry-run")
    assert code == 1 and "is not empty" in stderr
    assert tree(out) == {"mine.txt": b"keep me"}


def test_new_writes_the_state_and_no_journal_and_modes_follow_the_one_rule(tmp_path: Path) -> None:
    out = tmp_path / "app"
    results = create_project(EXAMPLES / "minimal.yaml", out)
    state = load_state(out)
    assert state is not None and sorted(state.files) == sorted(r.relpath for r in results)
    assert not (out / JOURNAL).exists() and (out / ".flaskgen" / "lock").is_file()
    for relpath, data in tree(out).items():
        assert stat.S_IMODE((out / relpath).stat().st_mode) == new_mode(data), relpath
    assert new_mode(b"#!/usr/bin/env python3\n") & 0o100 and not new_mode(b"print()\n") & 0o100


def test_force_over_a_project_is_one_run_of_the_writer(tmp_path: Path) -> None:
    """Overwritten files keep their old copy and mode; the state is the new one."""
    project = Project.create(tmp_path)
    project.edit("shop/views.py", 'Response("Hello"', 'Response("Hi")')
    project.path("shop/views.py").chmod(0o600)
    create_project(project.spec, project.root, force=True)
    assert 'Response("Hello"' in project.read("shop/views.py")
    assert stat.S_IMODE(project.path("shop/views.py").stat().st_mode) == 0o600
    assert (
        'Response("Hi")'
        in (project.root / ".flaskgen" / "backup" / "shop" / "views.py").read_text()
    )
    assert not (project.root / JOURNAL).exists()
    assert project.regen().changes is False


def test_a_failure_while_applying_leaves_no_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = write.write_atomic

    def flaky(path: Path, data: bytes, mode: int) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device", str(path))
        real(path, data, mode)

    monkeypatch.setattr(write, "write_atomic", flaky)
    monkeypatch.setattr("flaskgen.regen.apply.write_atomic", flaky)
    code, _, stderr = _new(str(EXAMPLES / "minimal.yaml"), "-o", str(tmp_path / "out"))
    assert code == 1 and "No space left on device" in stderr
    assert calls["n"] == 5 and list(tmp_path.iterdir()) == []
