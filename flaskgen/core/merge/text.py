"""Pure text helpers of the three-way merge: line endings, binary detection, conflict
markers, and settling diff3 hunks whose two sides changed different lines."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Labels shown on the conflict markers.
LABEL_OURS = "yours"


LABEL_BASE = "last generated"


LABEL_THEIRS = "new spec"


MARKER_RE = re.compile(r"^(<{7} |\|{7} |>{7} )", re.MULTILINE)


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int  # 0: clean
    why: str = ""  # what the conflicts are about, when the merge knows better than "lines"

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def decode(data: bytes) -> str | None:
    """``data`` as text, or None when it is binary (NUL bytes) or not UTF-8."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def uses_crlf(text: str) -> bool:
    """True when the text's line endings are (mostly) CRLF."""
    crlf = text.count("\r\n")
    return crlf > 0 and crlf >= text.count("\n") - crlf


def to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def to_crlf(text: str) -> str:
    return to_lf(text).replace("\n", "\r\n")


def has_markers(text: str) -> bool:
    """True when ``text`` still holds diff3 conflict markers written by a merge."""
    found = {m.group(1)[0] for m in MARKER_RE.finditer(text)}
    return "<" in found and ">" in found


def resolve_adjacent(text: str) -> MergeResult:
    """Settle the diff3 hunks in which both sides changed *different* lines.

    git treats edits on touching lines as a conflict: a generated docstring that changed
    right above a view body the user rewrote would be one. When the two sides' edits
    touch disjoint lines of the base, both are applied; other hunks keep their markers.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    conflicts = 0
    i = 0
    while i < len(lines):
        hunk = _read_hunk(lines, i)
        if hunk is None:
            out.append(lines[i])
            i += 1
            continue
        end, ours, base, theirs = hunk
        merged = _merge_disjoint(ours, base, theirs)
        if merged is None:
            out += lines[i:end]
            conflicts += 1
        else:
            out += merged
        i = end
    return MergeResult("".join(out), conflicts)


def keep_side(text: str, side: int) -> str:
    """``text`` with every diff3 hunk resolved to one side: 0 yours, 2 the new spec's."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        hunk = _read_hunk(lines, i)
        if hunk is None:
            out.append(lines[i])
            i += 1
            continue
        end, mine, _base, theirs = hunk
        out += theirs if side == 2 else mine
        i = end
    return "".join(out)


def _read_hunk(lines: list[str], i: int) -> tuple[int, list[str], list[str], list[str]] | None:
    """(index after the hunk, ours, base, theirs) when a diff3 hunk starts at ``i``."""
    if not lines[i].startswith(f"<<<<<<< {LABEL_OURS}"):
        return None
    parts: list[list[str]] = [[], [], []]
    seps = (f"||||||| {LABEL_BASE}", "=======", f">>>>>>> {LABEL_THEIRS}")
    part = 0
    for j in range(i + 1, len(lines)):
        if part < 3 and lines[j].rstrip("\r\n") == seps[part]:
            part += 1
            if part == 3:
                return j + 1, parts[0], parts[1], parts[2]
            continue
        parts[part].append(lines[j])
    return None


def _edits(base: list[str], side: list[str]) -> list[tuple[int, int, list[str]]]:
    matcher = difflib.SequenceMatcher(None, base, side, autojunk=False)
    return [(i1, i2, side[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _merge_disjoint(ours: list[str], base: list[str], theirs: list[str]) -> list[str] | None:
    edits = [(e, 0) for e in _edits(base, ours)] + [(e, 1) for e in _edits(base, theirs)]
    for (a, side_a) in edits:
        for (b, side_b) in edits:
            if side_a < side_b and _overlap(a[:2], b[:2]):
                return None
    out: list[str] = []
    at = 0
    # Insertions (empty ranges) sort before a change that starts at the same line.
    for (start, stop, new), _side in sorted(edits, key=lambda e: (e[0][0], e[0][1] > e[0][0])):
        out += base[at:start] + new
        at = stop
    return out + base[at:]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    (a1, a2), (b1, b2) = a, b
    if a1 == a2 and b1 == b2:
        return a1 == b1  # two insertions at one place: their order is a real question
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2
