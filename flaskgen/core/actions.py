"""What happened to a file: one shared vocabulary for ``new`` and ``regen``, and the
summary and JSON forms of a run's per-file results (printing stays in the CLI)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """One word per file and run; a ``str``, so it compares and serializes as its word."""

    CREATE = "create"  # a new file
    UPDATE = "update"  # replaced by the new render (you had not changed it)
    MERGE = "merge"  # the new render merged into your changes, cleanly
    CONFLICT = "conflict"  # your changes and the new render clash: markers, or a file beside
    DELETE = "delete"  # no longer in the spec, and unchanged by you
    RENAME = "rename"  # moved with a renamed blueprint, model or package
    OVERWRITE = "overwrite"  # `new --force`: an existing file replaced, old copy backed up
    ORPHAN = "orphan"  # no longer in the spec, kept because you changed it
    SKIP = "skip"  # the render changed it, but it is left alone (symlink, deleted by you, ...)
    KEEP = "keep"  # yours, changed by you; the spec changed nothing there
    IDENTICAL = "identical"  # already as rendered


# Actions that write the file (or remove it): each gets a line and counts as changed.
CHANGED = frozenset(
    {
        Action.CREATE,
        Action.UPDATE,
        Action.MERGE,
        Action.CONFLICT,
        Action.DELETE,
        Action.RENAME,
        Action.OVERWRITE,
    }
)
# Actions that write nothing but that you should hear about: a line, counted apart.
NOTED = frozenset({Action.ORPHAN, Action.SKIP})


@dataclass(frozen=True)
class WriteResult:
    """One file's action, with a short note on why."""

    relpath: str
    action: Action
    note: str = ""

    @property
    def shown(self) -> bool:
        """Whether a run prints a line for this file (unchanged files are only counted)."""
        return self.action in CHANGED or self.action in NOTED

    def format(self) -> str:
        note = f"  ({self.note})" if self.note else ""
        return f"{self.action.value:<9} {self.relpath}{note}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.relpath, "action": self.action.value, "note": self.note}


@dataclass(frozen=True)
class Summary:
    """Counts of a run: changed files, noted ones (left alone), unchanged ones, conflicts."""

    changed: int
    noted: int
    unchanged: int
    conflicts: int

    def format(self, verb: str = "changed") -> str:
        """``3 changed, 48 unchanged`` (with ``, 1 left alone`` / ``, 1 conflict`` when any)."""
        parts = [f"{self.changed} {verb}"]
        if self.noted:
            parts.append(f"{self.noted} left alone")
        parts.append(f"{self.unchanged} unchanged")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, int]:
        return {
            "changed": self.changed,
            "noted": self.noted,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
        }


def summarize(results: Iterable[WriteResult]) -> Summary:
    """The counts of ``results``, by kind of action."""
    counts = Counter(r.action for r in results)
    changed = sum(counts[a] for a in CHANGED)
    noted = sum(counts[a] for a in NOTED)
    return Summary(changed, noted, sum(counts.values()) - changed - noted, counts[Action.CONFLICT])


def results_json(results: Iterable[WriteResult]) -> list[dict[str, str]]:
    """Every file's action as JSON objects, sorted by path then action (stable for tools)."""
    return [r.as_dict() for r in sorted(results, key=lambda r: (r.relpath, r.action.value))]
