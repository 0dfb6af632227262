"""The whole render pipeline: spec -> plan -> Jinja -> ruff -> {relpath: text}."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flaskgen import write
from flaskgen.core.plan.base import PlannedFile
from flaskgen.core.plan.project import plan
from flaskgen.core.spec.types import ProjectSpec
from flaskgen.format import Formatting
from flaskgen.render import render


def render_project(
    spec: ProjectSpec,
    spec_name: str = "spec.yaml",
    extra_templates: tuple[Path, ...] = (),
    workdir: Path | None = None,
) -> dict[str, str]:
    """Every generated file's final text, keyed by relative path (sorted)."""
    return render_files(plan(spec, spec_name), extra_templates, workdir)


def render_files(
    planned: list[PlannedFile], extra_templates: tuple[Path, ...] = (), workdir: Path | None = None
) -> dict[str, str]:
    """The final text of planned files (rendered, normalized, formatted), sorted by path.

    ruff formats files on disk: in ``workdir`` when given (an empty folder of the
    caller's, where the files stay), else in a
    scratch folder that is removed afterwards.
    """
    if workdir is not None:
        return _lay_out(workdir, planned, extra_templates)
    with tempfile.TemporaryDirectory(prefix="flaskgen-render-", dir=scratch_root()) as tmp:
        return _lay_out(Path(tmp), planned, extra_templates)


def _lay_out(root: Path, planned: list[PlannedFile], extra_templates: tuple[Path, ...]) -> dict[str, str]:
    """Render the planned files under ``root`` and return every file's final text.

    The Python files come first, so ruff fixes their imports while the rest render.
    """
    python = [f for f in planned if f.python]
    texts = _write(root, python, extra_templates)
    formatting = Formatting(root, sorted(texts)).start()
    try:
        texts.update(_write(root, [f for f in planned if not f.python], extra_templates))
        with write.writing(root):
            formatting.finish()
    except BaseException:
        formatting.cancel()
        raise
    with write.writing(root):
        for item in python:
            texts[item.relpath] = (root / item.relpath).read_text(encoding="utf-8")
    return dict(sorted(texts.items()))


def _write(root: Path, planned: list[PlannedFile], extra_templates: tuple[Path, ...]) -> dict[str, str]:
    """Render ``planned`` and write each file under ``root``; their texts by path."""
    texts = {item.relpath: _normalize(item.text) for item in render(planned, extra_templates)}
    with write.writing(root):
        for relpath, text in texts.items():
            write.write_fresh(root, relpath, text)
    return texts


SCRATCH_ROOM = 256 * 1024 * 1024
"""Free space ``/dev/shm`` needs to hold a scratch render (a 1 MiB spec renders far less)."""


def scratch_root() -> str | None:
    """Where scratch folders go: ``$TMPDIR`` if set, else ``/dev/shm`` (memory) where it
    is a writable folder with room to spare, else the system default.

    ruff rewrites the files it formats, and on ext4 removing a file that was just
    rewritten waits for the disk (about a millisecond a file); in memory it does not.
    """
    if os.environ.get("TMPDIR"):
        return None
    shm = "/dev/shm"  # noqa: S108 - a scratch folder of our own, made by mkdtemp
    if not (os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK)):
        return None
    try:
        info = os.statvfs(shm)
    except OSError:
        return None
    return shm if info.f_bavail * info.f_frsize >= SCRATCH_ROOM else None


def _normalize(text: str) -> str:
    """``\\n`` endings, no trailing spaces, exactly one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"
