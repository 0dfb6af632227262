"""Fault injection: interrupt regen at every disk write; each file is then old or new,
and rerunning regen reaches exactly the tree an uninterrupted run gives."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import flaskgen.regen.apply
from flaskgen.state import STATE_FILE
from tests.regen_support import Project, tree

ADD_ABOUT = ("  hello: {rule: /hello, text: Hello}\n", "  hello: {rule: /hello, text: Hello}\n  about: {rule: /about, template: about.html}\n")
DROP_ADMIN = ("  admin:\n    url_prefix: /admin\n    routes:\n      dashboard: {rule: /, template: admin/dashboard.html}\n", "")


class Crash(Exception):
    pass


def _prepare(root: Path) -> Project:
    project = Project.create(root)
    project.edit("shop/views.py", '    return Response("Hello"', '    print("mine")\n    return Response("Hello"')
    project.edit("shop/store/views.py", '    return render_template("store/items.html")', '    items = ["mine"]\n    return render_template("store/items.html", items=items)')
    project.respec("  store:\n", "  catalog:\n    renamed_from: store\n")
    project.respec(*ADD_ABOUT)
    project.respec(*DROP_ADMIN)
    return project


def _with_state(project: Project) -> dict[str, bytes]:
    """The tree plus the state (without the spec's absolute path, which differs per copy)."""
    files = tree(project.root)
    state = json.loads(project.path(STATE_FILE).read_text())
    state.pop("spec")
    files[STATE_FILE] = json.dumps(state, sort_keys=True).encode()
    return files


def _writes_in_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, bytes], dict[str, bytes]]:
    project = _prepare(tmp_path / "reference")
    before = _with_state(project)
    calls = []
    real = flaskgen.regen.apply._io_write

    def counting(path: Path, data: bytes | None, mode: int | None = None) -> None:
        calls.append(path)
        real(path, data, mode)

    monkeypatch.setattr(flaskgen.regen.apply, "_io_write", counting)
    project.regen()
    monkeypatch.setattr(flaskgen.regen.apply, "_io_write", real)
    return len(calls), before, _with_state(project)


def test_interrupted_at_every_write_is_old_or_new_and_a_rerun_converges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count, before, after = _writes_in_a_clean_run(tmp_path, monkeypatch)
    assert count >= 10  # journal, the files, the state, the journal's removal
    real = flaskgen.regen.apply._io_write
    for k in range(count):
        project = _prepare(tmp_path / f"crash-{k}")
        calls = []

        def failing(
            path: Path, data: bytes | None, mode: int | None = None, k: int = k, calls: list[Path] = calls
        ) -> None:
            calls.append(path)
            if len(calls) == k + 1:
                raise Crash(f"interrupted at write {k}")
            real(path, data, mode)

        monkeypatch.setattr(flaskgen.regen.apply, "_io_write", failing)
        with pytest.raises(Crash):
            project.regen()
        monkeypatch.setattr(flaskgen.regen.apply, "_io_write", real)

        now = _with_state(project)
        for relpath in set(before) | set(after) | set(now):
            assert now.get(relpath) in (before.get(relpath), after.get(relpath)), f"write {k}: {relpath} is neither old nor new"
        project.regen()  # finishes (or redoes) the interrupted run
        assert _with_state(project) == after, f"write {k}: the rerun did not converge"
        assert not project.path(".flaskgen/journal.json").exists()
        assert not project.regen().changes


KILLER = """
import os, signal, sys
from pathlib import Path
import flaskgen.regen.disk
from flaskgen.regen import regen

limit, count = int(sys.argv[3]), [0]
real_replace, real_unlink, real_rmdir = os.replace, Path.unlink, Path.rmdir


def tick():
    if count[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    count[0] += 1


def replace(a, b):
    tick()
    real_replace(a, b)


def unlink(self, missing_ok=False):
    tick()
    real_unlink(self, missing_ok=missing_ok)


def rmdir(self):
    tick()
    real_rmdir(self)


flaskgen.regen.disk.os.replace, Path.unlink, Path.rmdir = replace, unlink, rmdir
regen(Path(sys.argv[1]), Path(sys.argv[2]))
print(count[0])
"""


def _killed_run(project: Project, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(project.root), str(project.spec), str(limit)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parent.parent,
    )


def _without_temporaries(files: dict[str, bytes]) -> dict[str, bytes]:
    return {p: d for p, d in files.items() if not p.endswith(".tmp")}


@pytest.mark.slow
def test_sigkill_at_every_file_operation_leaves_old_or_new_and_a_rerun_converges(tmp_path: Path) -> None:
    reference = _prepare(tmp_path / "reference")
    before = _with_state(reference)
    clean = _killed_run(reference, 10**6)
    assert clean.returncode == 0, clean.stderr
    count, after = int(clean.stdout.split()[-1]), _with_state(reference)
    assert count >= 10
    for k in range(count):
        project = _prepare(tmp_path / f"kill-{k}")
        killed = _killed_run(project, k)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        now = _without_temporaries(_with_state(project))
        for relpath in set(before) | set(after) | set(now):
            assert now.get(relpath) in (before.get(relpath), after.get(relpath)), f"kill {k}: {relpath} is neither old nor new"
        project.regen()
        assert _with_state(project) == after, f"kill {k}: the rerun did not converge"
        assert not [p for p in project.root.rglob("*.tmp")], f"kill {k}: temporaries left"
        assert not project.regen().changes
