"""Applying the steps of ``new`` or ``regen``, crash-safe: journal first, atomic writes,
the state last; an interrupted run is finished by the next; a new project is built beside
its folder and renamed into place; backups and dry-run diffs."""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from flaskgen.core.actions import Action
from flaskgen.core.errors import RegenError
from flaskgen.core.merge.table import BESIDE, Report, Step
from flaskgen.merge import decode
from flaskgen.regen.disk import LOCK, mode_for
from flaskgen.regen.guards import check_paths, read_bytes
from flaskgen.state import (
    STATE_DIR,
    STATE_FILE,
    with_conflicts,
)
from flaskgen.write import safe_relpath, staging_for, umask, write_atomic

JOURNAL = f"{STATE_DIR}/journal.json"


BACKUP_DIR = f"{STATE_DIR}/backup"


def _io_write(path: Path, data: bytes | None, mode: int | None = None) -> None:
    """The one place regen changes the disk: atomic replace keeping the file's mode (for
    a new file ``mode``, else the umask's), or delete when ``data`` is None."""
    if data is None:
        path.unlink(missing_ok=True)
        for folder in path.parents:  # drop folders the delete left empty (a renamed blueprint's)
            if folder.name == "" or any(folder.iterdir()):
                break
            folder.rmdir()
        return
    write_atomic(path, data, mode if mode is not None and not path.exists() else mode_for(path, data))


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def backup(root: Path, steps: list[Step], into: str | None = None) -> str:
    """Copy every file about to change to ``into`` (default: a new ``.flaskgen/backup/<n>/``);
    returns that folder."""
    folder = root / BACKUP_DIR
    taken = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
    target = into or f"{BACKUP_DIR}/{max(taken, default=0) + 1}"
    for step in steps:
        data = read_bytes(root, step.relpath) if step.writes else None
        if data is not None:
            _io_write(root / target / safe_relpath(step.relpath), data)
    return target


def carried_modes(root: Path, carried: dict[str, str]) -> dict[str, int]:
    """The mode each moved file takes along (new path -> mode), read before anything moves."""
    modes = {}
    for new, old in carried.items():
        try:
            modes[new] = stat.S_IMODE((root / safe_relpath(old)).lstat().st_mode)
        except OSError:
            continue
    return modes


def _journal_entry(root: Path, step: Step, mode: int | None) -> dict[str, object]:
    data = step.data
    text = None if data is None else decode(data)
    return {
        "path": step.relpath,
        "mode": mode,
        "action": step.action.value,
        "note": step.note,
        "conflict": step.conflict,
        "old": _digest(read_bytes(root, step.relpath)),
        "data": text,
        "base64": None if data is None or text is not None else base64.b64encode(data).decode("ascii"),
    }


def _entry_data(entry: dict[str, Any]) -> bytes | None:
    if entry.get("base64") is not None:
        return base64.b64decode(entry["base64"])
    return None if entry["data"] is None else str(entry["data"]).encode("utf-8")


def apply_steps(root: Path, steps: list[Step], state_json: str, carried: dict[str, str] | None = None) -> None:
    """Journal, write, record the state, drop the journal: a crash anywhere leaves a
    journal that the next run finishes (or, before the journal, nothing changed).
    ``carried`` (new path -> old) names moved files, which keep their mode."""
    writes = [s for s in steps if s.writes]
    check_paths([s.relpath for s in writes], "the plan")
    modes = carried_modes(root, carried or {})
    if writes:
        journal = {"state": state_json, "steps": [_journal_entry(root, s, modes.get(s.relpath)) for s in writes]}
        _io_write(root / JOURNAL, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        for step in writes:
            _io_write(root / safe_relpath(step.relpath), step.data, modes.get(step.relpath))
    _io_write(root / STATE_FILE, state_json.encode("utf-8"))
    if writes:
        _io_write(root / JOURNAL, None)


def apply_fresh(target: Path, steps: list[Step], state_json: str) -> None:
    """Apply ``steps`` to a new project: in a private folder beside ``target`` (missing or
    empty), renamed into place once complete, so a failure leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_for(target)
    try:
        apply_steps(staging, steps, state_json)
        _io_write(staging / LOCK, b"")  # regen's lock, there from the start
        staging.chmod(0o777 & ~umask())  # mkdtemp makes it private (0700)
        if target.is_dir():
            target.rmdir()
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _checked_entry(entry: Any) -> dict[str, Any]:
    """One journal step, checked so a damaged journal is reported, not a KeyError later."""
    if not isinstance(entry, dict):
        raise TypeError("a step is not a mapping")
    missing = {"path", "action", "note", "data", "conflict", "old"} - entry.keys()
    if missing:
        raise KeyError(f"a step lacks {', '.join(sorted(missing))}")
    if not all(isinstance(entry[k], str) for k in ("path", "action", "note")) or not isinstance(entry["data"], str | None):
        raise TypeError(f"the step for {entry['path']!r} has malformed values")
    return entry


def _read_journal(root: Path) -> tuple[list[dict[str, Any]], str]:
    try:
        journal = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
        entries = [_checked_entry(entry) for entry in journal["steps"]]
        state_json = str(journal["state"])
        for entry in entries:
            _entry_data(entry), str(entry["path"]), Action(entry["action"]), entry["note"], entry["old"]
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise RegenError(
            f"{root / JOURNAL} is unreadable ({exc}); check the project, delete that file and run regen again"
        ) from None
    check_paths([str(e["path"]) for e in entries], str(root / JOURNAL))
    return entries, state_json


def resume(root: Path) -> Report:
    """Finish a run that was interrupted after writing its journal.  A file changed since
    keeps the user's version; the one the run meant to write goes beside it."""
    entries, state_json = _read_journal(root)
    report = Report(resumed=True, state_changed=True)
    extra: list[str] = []
    for entry in entries:
        relpath, data = str(entry["path"]), _entry_data(entry)
        current = read_bytes(root, relpath)
        step = Step(relpath, Action(entry["action"]), entry["note"], writes=True, data=data, conflict=bool(entry["conflict"]))
        if current != data and _digest(current) != entry["old"]:
            step = _pending_changed(root, relpath, data, extra)
        elif current != data:
            mode = entry.get("mode")
            _io_write(root / safe_relpath(relpath), data, mode if isinstance(mode, int) else None)
        report.steps.append(step)
    _io_write(root / STATE_FILE, with_conflicts(state_json, extra).encode("utf-8"))
    _io_write(root / JOURNAL, None)
    return report


def _pending_changed(root: Path, relpath: str, data: bytes | None, extra: list[str]) -> Step:
    """The step for a file the user changed while an interrupted run was pending."""
    if data is None or relpath.endswith(BESIDE):
        return Step.leave(relpath, Action.SKIP, "changed while an interrupted regen was pending; yours kept")
    side = relpath + BESIDE
    _io_write(root / safe_relpath(side), data)
    extra.append(side)
    return Step.clash(relpath, f"changed while an interrupted regen was pending; the new version is in {side}")


def diffs(root: Path, steps: list[Step]) -> list[str]:
    out = []
    for step in steps:
        if not step.writes:
            continue
        before = decode(read_bytes(root, step.relpath) or b"") or ""
        after = "" if step.data is None else step.data.decode("utf-8")
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{step.relpath}",
            f"b/{step.relpath}",
        )
        out.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines))
    return [d for d in out if d]
