"""Where regen and `new --force` render before merging or writing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from flaskgen import generate
from flaskgen.specfile import read_spec

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_tmpdir_set_by_the_user_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert generate.scratch_root() is None  # tempfile then uses TMPDIR


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm on this system")
def test_memory_is_used_only_with_room_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(os, "access", lambda *_args, **_kw: True)
    roomy = SimpleNamespace(f_bavail=generate.SCRATCH_ROOM // 4096, f_frsize=4096)
    monkeypatch.setattr(os, "statvfs", lambda _path: roomy)
    assert generate.scratch_root() == "/dev/shm"
    cramped = SimpleNamespace(f_bavail=generate.SCRATCH_ROOM // 4096 - 1, f_frsize=4096)
    monkeypatch.setattr(os, "statvfs", lambda _path: cramped)
    assert generate.scratch_root() is None


def test_a_scratch_render_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # tempfile caches its choice
    made: list[str] = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **kw: made.append(real(*a, **kw)) or made[-1])
    files = generate.render_project(read_spec(EXAMPLES / "minimal.yaml"))
    assert "manage.py" in files
    assert len(made) == 1 and made[0].startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_render_in_a_given_folder_stays_there_with_the_final_texts(tmp_path: Path) -> None:
    files = generate.render_project(read_spec(EXAMPLES / "minimal.yaml"), workdir=tmp_path)
    on_disk = {p.relative_to(tmp_path).as_posix(): p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk == files
