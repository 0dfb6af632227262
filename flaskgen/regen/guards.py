"""What regen checks on disk before it plans: open conflicts, paths in its records,
the git work tree, leftovers of killed runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from flaskgen.core.errors import RegenError, TargetError
from flaskgen.core.merge.table import BESIDE
from flaskgen.merge import decode, has_markers
from flaskgen.regen.checks import code_problems
from flaskgen.regen.disk import linked, python_sources
from flaskgen.state import (
    STATE_DIR,
    State,
)
from flaskgen.write import safe_relpath


def read_bytes(root: Path, relpath: str) -> bytes | None:
    try:
        return (root / relpath).read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def unresolved(root: Path, state: State) -> list[str]:
    """Conflicts of an earlier run still open: files regen wrote markers into that still
    hold them, new versions written beside a file that are still there, and then the
    Python files among them that would not run or import (once no markers remain and no
    new version waits beside them).  A state of format 1 did not record its conflicts:
    there any generated file with markers counts."""
    recorded = state.conflicts if state.conflicts is not None else sorted(state.files)
    open_ = _open_markers(root, recorded)
    out = list(open_.values())
    if state.conflicts is None:
        return out
    waiting = {p.removesuffix(BESIDE) for p in open_}
    code = sorted({p.removesuffix(BESIDE) for p in recorded} - waiting)
    code = [p for p in code if p.endswith(".py") and not linked(root, p)]
    if code:
        tree = python_sources(root, set(state.files) | set(code))
        out += [f"{line}; fix it so the code imports again" for line in code_problems(tree, code)]
    return out


def _open_markers(root: Path, recorded: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Path -> what to do, for the recorded conflicts that still hold markers or whose
    new version still waits beside them."""
    out = {}
    for relpath in recorded:
        if linked(root, relpath):
            continue
        data = read_bytes(root, relpath)
        if relpath.endswith(BESIDE):
            if data is not None:
                out[relpath] = f"a new version waits in {relpath}: merge what you want into {relpath[: -len(BESIDE)]}, then delete {relpath}"
            continue
        text = decode(data) if data is not None else None
        if text is not None and has_markers(text):
            out[relpath] = (
                f"conflict markers remain in {relpath}: resolve each block (keep the lines you want, delete the <<<<<<<, |||||||, "
                "======= and >>>>>>> lines)"
            )
    return out


def check_paths(paths: list[str], where: str) -> None:
    """Refuse a state or journal that names a path outside the project."""
    for relpath in paths:
        try:
            safe_relpath(relpath)
        except TargetError:
            raise RegenError(
                f"{where} names {relpath!r}, which is outside the project; nothing was changed. "
                f"Delete {where} and run 'flaskgen regen SPEC' (files that differ from the new render "
                f"then get it beside them as {BESIDE} files)"
            ) from None


def git_dirty(root: Path) -> list[str] | None:
    """Uncommitted changes in the git work tree around ``root`` (outside ``.flaskgen/``);
    None when ``root`` is not in a git repository."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "-z", "--untracked-files=no", "--", "."],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    if proc.returncode != 0:
        return None
    entries = [e[3:] for e in proc.stdout.split("\0") if len(e) > 3 and e[2] == " "]
    return sorted(e for e in entries if f"/{STATE_DIR}/" not in f"/{e}")
