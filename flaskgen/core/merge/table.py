"""regen's decision table, pure: per path, with O on disk, B last generated and T the new
render, the steps to take (the three-way merge itself is passed in)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flaskgen.core.actions import Action, WriteResult
from flaskgen.core.merge.text import MergeResult, decode, to_crlf, to_lf, uses_crlf

Merge = Callable[[str, str, str], MergeResult]  # (ours, base, theirs) -> the three-way merge

BESIDE = ".flaskgen-new"  # suffix of a new version written beside a file that could not be merged


@dataclass(frozen=True)
class Step:
    """What regen does to one path; ``data`` is the new content (None: delete) when ``writes``."""

    relpath: str
    action: Action
    note: str = ""
    writes: bool = False
    data: bytes | None = None
    conflict: bool = False

    @classmethod
    def write(cls, relpath: str, action: Action, data: bytes, note: str = "") -> Step:
        """A step that writes ``data`` to the path."""
        return cls(relpath, action, note, writes=True, data=data)

    @classmethod
    def remove(cls, relpath: str, action: Action, note: str = "") -> Step:
        """A step that removes the file (deleted, or moved away)."""
        return cls(relpath, action, note, writes=True, data=None)

    @classmethod
    def leave(cls, relpath: str, action: Action, note: str = "") -> Step:
        """A step that writes nothing: the file stays as it is."""
        return cls(relpath, action, note)

    @classmethod
    def clash(cls, relpath: str, note: str, data: bytes | None = None) -> Step:
        """A conflict the next run must see resolved: ``data`` (markers, or yours carried
        here) is written when given, else the file stays as it is."""
        return cls(relpath, Action.CONFLICT, note, writes=data is not None, data=data, conflict=True)

    @property
    def result(self) -> WriteResult:
        return WriteResult(self.relpath, self.action, self.note)


@dataclass
class Report:
    """The outcome of a regen (or of its dry run)."""

    steps: list[Step] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)  # unified diffs (dry run only)
    state_changed: bool = False
    resumed: bool = False
    pending: bool = False  # an interrupted run waits to be finished
    backup: str | None = None
    cleaned: list[str] = field(default_factory=list)  # temporary files of killed runs, removed

    @property
    def results(self) -> list[WriteResult]:
        return [s.result for s in self.steps]

    @property
    def conflicts(self) -> list[str]:
        return [s.relpath for s in self.steps if s.conflict]

    @property
    def changes(self) -> bool:
        """True when the project's files change (not counting ``.flaskgen/``)."""
        return any(s.writes for s in self.steps)


def encode(text: str, crlf: bool) -> bytes:
    return (to_crlf(text) if crlf else text).encode("utf-8")


def decide(
    relpath: str,
    ours: bytes | None,
    base: str | None,
    theirs: str | None,
    merge: Merge,
    *,
    essential: bool = False,
    overwrite: str | None = None,
) -> list[Step]:
    """The steps for one path.  ``ours`` is on disk, ``base`` last generated, ``theirs``
    the new render (None means absent); ``merge`` merges ``theirs`` into ``ours``.
    ``overwrite`` (``new --force``) replaces a file that has no base, with that note,
    instead of writing the new version beside it."""
    if theirs is None:
        return _gone(relpath, ours, base)
    if ours is None:
        if base is None:
            return [Step.write(relpath, Action.CREATE, theirs.encode("utf-8"))]
        if essential:
            return [Step.write(relpath, Action.CREATE, theirs.encode("utf-8"), "restored: the project cannot run without it")]
        return [Step.leave(relpath, Action.SKIP, "deleted by you; stays deleted")]
    if base is None and overwrite is not None:
        if ours == theirs.encode("utf-8"):
            return [Step.leave(relpath, Action.IDENTICAL)]
        return [Step.write(relpath, Action.OVERWRITE, theirs.encode("utf-8"), overwrite)]
    text = decode(ours)
    if text is None:
        if theirs == base:
            return [Step.leave(relpath, Action.KEEP, "binary")]
        return beside(relpath, theirs, "binary or not UTF-8: yours kept")
    crlf = uses_crlf(text)
    mine = to_lf(text) if crlf else text
    if mine == theirs:
        return [Step.leave(relpath, Action.IDENTICAL)]
    if base is None:
        return beside(relpath, theirs, "no merge base: yours kept")
    if mine == base:
        return [Step.write(relpath, Action.UPDATE, encode(theirs, crlf))]
    if theirs == base:
        return [Step.leave(relpath, Action.KEEP, "changed by you")]
    merged = merge(text, base, theirs)
    if merged.clean:
        return [Step.write(relpath, Action.MERGE, merged.text.encode("utf-8"), "your changes kept")]
    count = f"{merged.conflicts} conflict{'s' if merged.conflicts != 1 else ''}"
    note = f"{count} marked in the file" + (f": {merged.why}" if merged.why else "")
    return [Step.clash(relpath, note, merged.text.encode("utf-8"))]


def _gone(relpath: str, ours: bytes | None, base: str | None) -> list[Step]:
    """A path the spec no longer produces: deleted when unchanged, else kept (an orphan)."""
    if ours is None or base is None:
        return []
    text = decode(ours)
    if text is not None and to_lf(text) == base:
        return [Step.remove(relpath, Action.DELETE, "no longer in the spec")]
    return [Step.leave(relpath, Action.ORPHAN, "no longer in the spec; kept because you changed it")]


def beside(relpath: str, theirs: str, why: str) -> list[Step]:
    side = relpath + BESIDE
    return [
        Step.clash(relpath, f"{why}; the new version is in {side}"),
        Step.write(side, Action.CREATE, theirs.encode("utf-8"), f"new version of {relpath}"),
    ]
