"""regen's planner, pure: from a :class:`Snapshot` of the disk, the new render, the
last generated files and what moved, every step to take — no I/O.

Each generated path becomes one :class:`Entry` (yours, the base and the new render,
after moved files, names renamed in place and views cut out of their old file), and
each entry goes through the decision table (:func:`flaskgen.core.merge.table.decide`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from flaskgen.core.actions import Action
from flaskgen.core.errors import RegenError
from flaskgen.core.merge import table
from flaskgen.core.merge.blocks import cut_block
from flaskgen.core.merge.essential import essential_paths
from flaskgen.core.merge.identity import rename_names
from flaskgen.core.merge.moves import BlockMove, Moves
from flaskgen.core.merge.table import BESIDE, Merge, Step, beside
from flaskgen.core.merge.text import decode, uses_crlf
from flaskgen.regen.snapshot import Snapshot, folder_renames, outermost


@dataclass(frozen=True)
class Changes:
    """What this run brings: the new render, the last generated files (the base), what
    the spec moved, and (``new --force``) the note of a file replaced without a base."""

    theirs: Mapping[str, str]
    bases: Mapping[str, str] = field(default_factory=dict)
    moves: Moves = field(default_factory=Moves)
    overwrite: str | None = None


@dataclass(frozen=True)
class Patch:
    """A view that moved into a file: the block as the new render has it, and the same
    block merged with your edits of it (with its conflicts)."""

    block: str
    merged: str
    conflicts: int


@dataclass(frozen=True)
class Entry:
    """One generated path as planning sees it: yours (as on disk, or carried here from
    the path it moved from), the base, the new render, what is on disk at the path
    itself, and the views that moved in."""

    relpath: str
    ours: bytes | None
    base: str | None
    theirs: str | None
    disk: bytes | None
    moved_from: str | None = None
    patches: tuple[Patch, ...] = ()
    essential: bool = False

    @property
    def text(self) -> str | None:
        return decode(self.ours) if self.ours is not None else None


@dataclass(frozen=True)
class Plan:
    """The steps (sorted by path), the files that move (new path -> old, so they keep
    their mode) and the entries the steps came from (for the checks that follow)."""

    steps: tuple[Step, ...]
    carried: Mapping[str, str]
    entries: Mapping[str, Entry]

    def ours(self) -> dict[str, bytes | None]:
        return {p: e.ours for p, e in self.entries.items()}

    def bases(self) -> dict[str, str | None]:
        return {p: e.base for p, e in self.entries.items()}


def plan(snapshot: Snapshot, changes: Changes, merge: Merge) -> Plan:
    """Every step for ``changes`` over ``snapshot``; ``merge`` is the three-way merge."""
    entries = _entries(snapshot, changes)
    moved = _files_that_move(entries, changes.moves.files)
    entries = _move_files(entries, moved)
    entries = _rename_in_place(entries, changes.moves.names)
    entries = _cut_moved_views(entries, changes.moves.blocks, moved, merge)
    entries = _mark_essential(entries)
    steps = [
        s
        for e in sorted(entries.values(), key=lambda e: e.relpath)
        for s in _steps(e, merge, changes.overwrite)
    ]
    steps += [
        Step.remove(old, Action.RENAME, f"moved to {new}") for new, old in sorted(moved.items())
    ]
    carried = dict(moved)
    steps += _your_files_moved(snapshot, changes.moves.files, set(entries), carried)
    guarded = [s for step in steps for s in _guard(step, snapshot, changes)]
    return Plan(tuple(sorted(guarded, key=lambda s: s.relpath)), carried, entries)


def _entries(snapshot: Snapshot, changes: Changes) -> dict[str, Entry]:
    paths = sorted(set(changes.bases) | set(changes.theirs))
    out = {}
    for p in paths:
        data = snapshot.at(p).data
        out[p] = Entry(p, data, changes.bases.get(p), changes.theirs.get(p), data)
    return out


def _files_that_move(entries: Mapping[str, Entry], moves: Mapping[str, str]) -> dict[str, str]:
    """The file moves that happen (new path -> old): the new path is free on disk and
    the old one holds text."""
    out = {}
    for new, old in moves.items():
        target, source = entries.get(new), entries.get(old)
        if (
            target is not None
            and target.ours is None
            and source is not None
            and source.text is not None
        ):
            out[new] = old
    return out


def _move_files(entries: dict[str, Entry], moved: Mapping[str, str]) -> dict[str, Entry]:
    """A moved file is yours at its new path (with its base), and gone from the old one."""
    out = dict(entries)
    for new, old in moved.items():
        source = entries[old]
        out[new] = replace(out[new], ours=source.ours, base=source.base, moved_from=old)
        out[old] = replace(out[old], ours=None, base=None)
    return out


def _rename_in_place(
    entries: dict[str, Entry], names: Mapping[str, Mapping[str, str]]
) -> dict[str, Entry]:
    """Spell the names the spec renamed (an upload's views and constant) the new way in
    yours and the base, so your edits merge as if the spec had always used them."""
    out = dict(entries)
    for relpath, renames in names.items():
        entry = out.get(relpath)
        text = entry.text if entry is not None else None
        if entry is None or text is None or entry.base is None:
            continue
        ours = rename_names(text, dict(renames)).encode("utf-8")
        out[relpath] = replace(entry, ours=ours, base=rename_names(entry.base, dict(renames)))
    return out


def _cut_moved_views(
    entries: dict[str, Entry], blocks: tuple[BlockMove, ...], moved: Mapping[str, str], merge: Merge
) -> dict[str, Entry]:
    """Cut each moved view out of its old file (yours and the base, so the old file merges
    cleanly) and give the new file a :class:`Patch` when you had edited the view."""
    origin = {old: new for new, old in moved.items()}
    out = dict(entries)
    for move in blocks:
        src = out.get(origin.get(move.old_file, move.old_file))
        target = out.get(move.new_file)
        text = src.text if src is not None else None
        if (
            src is None
            or text is None
            or src.base is None
            or uses_crlf(text)
            or target is None
            or target.theirs is None
        ):
            continue
        _, block_t = cut_block(target.theirs, move.new_name)
        rest_o, block_o = cut_block(text, move.old_name)
        rest_b, block_b = cut_block(src.base, move.old_name)
        if block_t is None or block_o is None or block_b is None:
            continue
        out[src.relpath] = replace(src, ours=rest_o.encode("utf-8"), base=rest_b)
        if block_o != block_b:
            merged = merge(block_o, block_b, block_t)
            target = out[move.new_file]
            out[move.new_file] = replace(
                target, patches=(*target.patches, Patch(block_t, merged.text, merged.conflicts))
            )
    return out


def _mark_essential(entries: dict[str, Entry]) -> dict[str, Entry]:
    """Mark the deleted files the project cannot start without (restoring a module can
    make the modules it imports needed too)."""
    theirs = {p: e.theirs for p, e in entries.items() if e.theirs is not None}
    deleted = {
        p
        for p, e in entries.items()
        if e.theirs is not None and e.ours is None and e.base is not None
    }
    final = {
        p: (e.text or "") for p, e in entries.items() if e.ours is not None and p.endswith(".py")
    }
    essential: set[str] = set()
    while True:
        now = essential_paths({**final, **{p: theirs[p] for p in essential}}, theirs) & deleted
        if now <= essential:
            break
        essential |= now
    return {p: replace(e, essential=True) if p in essential else e for p, e in entries.items()}


def _steps(entry: Entry, merge: Merge, overwrite: str | None) -> list[Step]:
    """The decision table's steps for one entry, with moved views spliced in, saying
    where a moved file came from, and writing yours where it changed under the path."""
    found = table.decide(
        entry.relpath,
        entry.ours,
        entry.base,
        entry.theirs,
        merge,
        essential=entry.essential,
        overwrite=overwrite,
    )
    found = [_splice(s, entry.patches) for s in found]
    if entry.moved_from is not None:
        found = [_as_rename(s, entry.moved_from) for s in found]
    return [_materialize(s, entry) for s in found]


def _splice(step: Step, patches: tuple[Patch, ...]) -> Step:
    """Put the merged moved views into the step's new text."""
    if not patches or not step.writes or step.data is None:
        return step
    text = step.data.decode("utf-8")
    conflicts = 0
    for patch in patches:
        if patch.block in text:
            text = text.replace(patch.block, patch.merged.rstrip("\n"), 1)
            conflicts += patch.conflicts
    data = text.encode("utf-8")
    if conflicts:
        return Step.clash(step.relpath, f"{conflicts} conflict(s) in a moved view", data)
    if step.action == Action.CONFLICT:
        return replace(step, data=data)
    action = Action.MERGE if step.action in (Action.CREATE, Action.UPDATE) else step.action
    return replace(step, action=action, note="your changes to a moved view kept", data=data)


def _as_rename(step: Step, old: str) -> Step:
    """A step at a moved file's new path says where the file came from."""
    note = f"from {old}" + (f"; {step.note}" if step.note else "")
    action = (
        step.action
        if step.writes or step.action in (Action.CONFLICT, Action.SKIP)
        else Action.RENAME
    )
    return replace(step, action=action, note=note)


def _materialize(step: Step, entry: Entry) -> Step:
    """Keeping yours where yours is not what the disk holds at the path (a file moved
    here, a view cut out, names renamed) means writing it."""
    if (
        step.writes
        or step.relpath.endswith(BESIDE)
        or entry.ours is None
        or entry.ours == entry.disk
    ):
        return step
    if step.action in (Action.IDENTICAL, Action.KEEP, Action.RENAME):
        action = Action.RENAME if step.action == Action.RENAME else Action.UPDATE
        return Step.write(step.relpath, action, entry.ours, step.note or "a moved view taken out")
    return step


def _your_files_moved(
    snapshot: Snapshot, moves: Mapping[str, str], generated: set[str], carried: dict[str, str]
) -> list[Step]:
    """Your own files in a renamed folder move with it (recorded in ``carried``, new path
    -> old); a clash stops regen."""
    folders = outermost(folder_renames(moves))
    steps: list[Step] = []
    clashes: list[str] = []
    for mine in snapshot.yours:
        old, new = next(((o, n) for o, n in folders if mine.relpath.startswith(o + "/")), ("", ""))
        if not old or mine.data is None:
            continue
        target = new + mine.relpath[len(old) :]
        if target in snapshot.taken or target in generated:
            clashes.append(f"  {mine.relpath} -> {target} (already there)")
            continue
        carried[target] = mine.relpath
        steps.append(
            Step.write(target, Action.RENAME, mine.data, f"your file, from {mine.relpath}")
        )
        steps.append(Step.remove(mine.relpath, Action.RENAME, f"moved to {target}"))
    if clashes:
        raise RegenError(
            "a renamed folder holds files of yours that cannot move with it:\n"
            + "\n".join(sorted(clashes))
            + "\nmove or rename them yourself, then run 'flaskgen regen' again; nothing was changed"
        )
    return steps


def _guard(step: Step, snapshot: Snapshot, changes: Changes) -> list[Step]:
    """Never write through a symbolic link, nor restore a module you turned into a
    package (the package would shadow it): say so instead."""
    if step.writes and step.relpath in snapshot.links:
        return [
            Step.leave(
                step.relpath,
                Action.SKIP,
                "a symbolic link (or in a linked folder): left alone; update it yourself",
            )
        ]
    record = snapshot.at(step.relpath)
    if not (step.writes and record.shadowed and record.data is None and step.data is not None):
        return [step]
    folder = step.relpath.removesuffix(".py")
    theirs = changes.theirs.get(step.relpath)
    if theirs is None:
        return [step]
    if theirs == changes.bases.get(step.relpath):
        return [Step.leave(step.relpath, Action.SKIP, f"you turned it into the package {folder}/")]
    return beside(
        step.relpath, theirs, f"you turned it into the package {folder}/; move the changes in"
    )
