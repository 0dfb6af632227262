"""Three-way merge of text files for ``regen``, by ``git merge-file --diff3``.

O is the file on disk (the user's), B what flaskgen last generated (the base), T the
new render. The merge itself is git's; this module only feeds it and reads the result.
Binary or non-UTF-8 content is never merged, and CRLF files are merged in LF and
converted back, so a Windows editor does not turn every line into a conflict.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from flaskgen.core.errors import ToolError
from flaskgen.core.merge.text import (
    LABEL_BASE,
    LABEL_OURS,
    LABEL_THEIRS,
    MergeResult,
    decode,
    has_markers,
    resolve_adjacent,
    to_crlf,
    to_lf,
    uses_crlf,
)

__all__ = ["MergeResult", "decode", "has_markers", "merge3", "merge_text", "to_crlf", "to_lf", "uses_crlf"]


def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise ToolError("git is not installed; regen needs 'git merge-file' to merge your edits")
    return found


def merge3(ours: str, base: str, theirs: str) -> MergeResult:
    """Merge ``theirs`` (new render) into ``ours`` (the user's file) over ``base``.

    All three are LF text. A conflict is returned in diff3 style with the labels
    :data:`LABEL_OURS`, :data:`LABEL_BASE` and :data:`LABEL_THEIRS`.
    """
    if ours == base or ours == theirs:
        return MergeResult(theirs, 0)
    if theirs == base:
        return MergeResult(ours, 0)
    with tempfile.TemporaryDirectory(prefix="flaskgen-merge-") as tmp:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        labels = ["-L", LABEL_OURS, "-L", LABEL_BASE, "-L", LABEL_THEIRS]
        proc = subprocess.run(
            [_git(), "merge-file", "-p", "--diff3", *labels, *paths],
            capture_output=True,
            check=False,
        )
    # git returns the number of conflicts (capped at 127), or a negative value (255) on error.
    if proc.returncode < 0 or proc.returncode > 127:
        detail = proc.stderr.decode("utf-8", "replace").strip()
        raise ToolError(f"git merge-file failed ({proc.returncode}): {detail}")
    if proc.returncode == 0:
        return MergeResult(proc.stdout.decode("utf-8"), 0)
    return resolve_adjacent(proc.stdout.decode("utf-8"))


def merge_text(ours: str, base: str, theirs: str) -> MergeResult:
    """:func:`merge3` that keeps a CRLF file CRLF (``base`` and ``theirs`` are LF)."""
    crlf = uses_crlf(ours)
    result = merge3(to_lf(ours) if crlf else ours, base, theirs)
    if crlf:
        return MergeResult(to_crlf(result.text), result.conflicts)
    return result
