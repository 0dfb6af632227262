"""Planning a regen: the new render, moves and renames, and a step for every path
(reads the disk, writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flaskgen import __version__
from flaskgen.core.actions import Action
from flaskgen.core.errors import RegenError, SpecError
from flaskgen.core.merge import table
from flaskgen.core.merge.blocks import cut_block
from flaskgen.core.merge.essential import essential_paths
from flaskgen.core.merge.identity import rename_names
from flaskgen.core.merge.methods import merge_methods
from flaskgen.core.merge.moves import BlockMove, Moves
from flaskgen.core.merge.table import BESIDE, Step, beside
from flaskgen.merge import MergeResult, decode, merge_text, uses_crlf
from flaskgen.regen.checks import check_imports, check_merges, final_tree, hint_conflicts
from flaskgen.regen.disk import linked
from flaskgen.regen.guards import read_bytes
from flaskgen.state import (
    State,
    folders_sha256,
    sha256,
)


@dataclass(frozen=True)
class Inputs:
    root: Path
    spec_path: Path
    spec_text: str
    state: State | None
    theirs: dict[str, str]
    moves_files: dict[str, str] = field(default_factory=dict)  # new path -> old path
    moves_blocks: tuple[BlockMove, ...] = ()
    view_renames: dict[str, str] = field(default_factory=dict)  # new view name -> old (renamed_from)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {old name: new}, renamed in place
    # The project's Python modules as on disk, yours too (:func:`flaskgen.regen.disk.python_sources`)
    python: dict[str, str] = field(default_factory=dict)
    overwrite: str | None = None  # `new --force`: a file without a base is replaced, with this note


def render_new(
    spec_path: Path, spec_text: str, state: State | None, folders: tuple[Path, ...], root: Path
) -> tuple[dict[str, str], Moves, dict[str, str]]:
    """The new render, plus file and block moves and view renames from the last generated spec."""
    if (
        state is not None
        and state.version == __version__
        and state.spec_sha256 == sha256(spec_text)
        and state.templates_sha256 == folders_sha256(folders)
    ):
        return dict(state.files), Moves(), {}  # same spec, flaskgen and templates: the render is the base
    from flaskgen.generate import render_project
    from flaskgen.specfile import parse_spec

    spec = parse_spec(spec_text, str(spec_path))
    theirs = render_project(spec, spec_path.name, folders)
    if state is None or not state.spec_text:
        return theirs, Moves(), {}
    try:
        old = parse_spec(state.spec_text, "previous spec", probe_routes=False)  # moves need no probe
    except SpecError:  # an old spec this version rejects: no move detection
        return theirs, Moves(), {}
    from flaskgen.core.merge.renames import find_moves, view_renames
    from flaskgen.core.migrate.diff import MigrationIntentError
    from flaskgen.core.spec.loader import load_spec_text
    from flaskgen.regen.revisions import keep_revisions

    try:
        theirs = keep_revisions(theirs, state.files, old, spec, root, folders)
    except MigrationIntentError as exc:  # said at the keys of the spec that must change
        raise exc.located(load_spec_text(spec_text, str(spec_path))) from None
    moves = find_moves(old, spec, set(state.files), set(theirs))
    return theirs, moves, view_renames(old, spec)


def plan_steps(inputs: Inputs) -> tuple[list[Step], dict[str, str]]:
    """Every step, sorted by path (reads the disk, writes nothing), and the files that
    move: new path -> old path (a moved file keeps its mode)."""
    root, state, theirs = inputs.root, inputs.state, inputs.theirs
    bases = state.bases() if state else {}
    ours: dict[str, bytes | None] = {p: read_bytes(root, p) for p in set(bases) | set(theirs)}
    renamed: dict[str, str] = {}
    for new, old in inputs.moves_files.items():
        if ours.get(new) is None and ours.get(old) is not None and decode(ours[old] or b"") is not None:
            renamed[new] = old
    eff_ours = dict(ours)
    eff_base: dict[str, str | None] = {p: bases.get(p) for p in ours}
    for new, old in renamed.items():
        eff_ours[new], eff_base[new] = ours[old], bases.get(old)
        eff_ours[old], eff_base[old] = None, None
    for relpath, names in inputs.names.items():
        _rename_in(relpath, names, eff_ours, eff_base)
    patches = _block_patches(inputs.moves_blocks, renamed, eff_ours, eff_base, theirs)
    steps = _decide_all(eff_ours, eff_base, theirs, renamed, patches, inputs.overwrite)
    steps = [_materialize(s, eff_ours.get(s.relpath), ours.get(s.relpath)) for s in steps]
    for new, old in sorted(renamed.items()):
        steps.append(Step(old, Action.RENAME, f"moved to {new}", True, None))
    carried = dict(renamed)
    steps += _user_files_moved(root, {**inputs.moves_files, **renamed}, set(bases) | set(theirs), carried)
    arrived = frozenset(m.new_name for m in inputs.moves_blocks)
    before = inputs.python
    modules = final_tree(before, steps)
    steps = check_merges(steps, eff_ours, eff_base, theirs, inputs.view_renames, arrived, modules)
    steps = hint_conflicts(steps, eff_ours, modules)
    guarded = [s for step in steps for s in _guard_step(root, step, theirs, bases)]
    steps = check_imports(guarded, before, eff_ours, theirs, carried)
    return sorted(steps, key=lambda s: s.relpath), carried


def _rename_in(relpath: str, names: dict[str, str], ours: dict[str, bytes | None], bases: dict[str, str | None]) -> None:
    """Spell the renamed names the new way in yours and the base of ``relpath``."""
    data, base = ours.get(relpath), bases.get(relpath)
    text = decode(data) if data is not None else None
    if text is None or base is None:
        return
    ours[relpath] = rename_names(text, names).encode("utf-8")
    bases[relpath] = rename_names(base, names)


def _folder_renames(moves: dict[str, str]) -> dict[str, str]:
    """Old folder -> new folder, for the folders whose generated files all moved together."""
    out: dict[str, str] = {}
    for new, old in moves.items():
        a, b = PurePosixPath(old), PurePosixPath(new)
        while a.name == b.name and str(a.parent) != "." and str(b.parent) != "." and a.parent != b.parent:
            a, b = a.parent, b.parent
            out[str(a)] = str(b)
    return out


def _user_files_moved(root: Path, moves: dict[str, str], generated: set[str], carried: dict[str, str]) -> list[Step]:
    """Your own files in a renamed folder move with it (recorded in ``carried``, new path
    -> old); a clash stops regen."""
    folders = _folder_renames(moves)
    steps: list[Step] = []
    clashes: list[str] = []
    for old_folder in sorted(folders, key=len):
        if any(old_folder.startswith(f + "/") for f in folders):
            continue  # inside a folder that moves as a whole
        for path in sorted((root / old_folder).rglob("*")):
            relpath = path.relative_to(root).as_posix()
            if relpath in generated or "__pycache__" in path.parts or path.is_symlink() or not path.is_file():
                continue
            target = folders[old_folder] + relpath[len(old_folder) :]
            if (root / target).exists() or target in generated:
                clashes.append(f"  {relpath} -> {target} (already there)")
                continue
            carried[target] = relpath
            steps.append(Step(target, Action.RENAME, f"your file, from {relpath}", True, path.read_bytes()))
            steps.append(Step(relpath, Action.RENAME, f"moved to {target}", True, None))
    if clashes:
        raise RegenError(
            "a renamed folder holds files of yours that cannot move with it:\n"
            + "\n".join(clashes)
            + "\nmove or rename them yourself, then run 'flaskgen regen' again; nothing was changed"
        )
    return steps


def _guard_step(root: Path, step: Step, theirs: dict[str, str], bases: dict[str, str]) -> list[Step]:
    """Never write through a symbolic link, nor restore a module the user turned into a
    package (the package would shadow it): say so instead."""
    if step.writes and linked(root, step.relpath):
        return [Step(step.relpath, Action.SKIP, "a symbolic link (or in a linked folder): left alone; update it yourself")]
    folder = step.relpath.removesuffix(".py")
    if step.writes and step.relpath.endswith(".py") and (root / folder / "__init__.py").is_file():
        if read_bytes(root, step.relpath) is None and step.data is not None:
            if theirs.get(step.relpath) == bases.get(step.relpath):
                return [Step(step.relpath, Action.SKIP, f"you turned it into the package {folder}/")]
            return beside(step.relpath, theirs[step.relpath], f"you turned it into the package {folder}/; move the changes in")
    return [step]


def _decide_all(
    ours: dict[str, bytes | None],
    bases: dict[str, str | None],
    theirs: dict[str, str],
    renamed: dict[str, str],
    patches: dict[str, list[tuple[str, str, int]]],
    overwrite: str | None,
) -> list[Step]:
    steps: list[Step] = []
    deleted = [p for p in theirs if ours.get(p) is None and bases.get(p) is not None]
    final = {p: (decode(d) or "") for p, d in ours.items() if d is not None and p.endswith(".py")}
    essential: set[str] = set()
    while True:  # restoring a module can make the modules it imports needed too
        now = essential_paths({**final, **{p: theirs[p] for p in essential}}, theirs) & set(deleted)
        if now <= essential:
            break
        essential |= now
    for relpath in sorted(ours):
        found = decide(relpath, ours[relpath], bases.get(relpath), theirs.get(relpath), essential=relpath in essential, overwrite=overwrite)
        found = [_apply_patches(s, patches.get(relpath, [])) for s in found]
        if relpath in renamed:
            found = [_as_rename(s, renamed[relpath]) for s in found]
        steps += found
    return steps


def _as_rename(step: Step, old: str) -> Step:
    """A step at a renamed path says where the file came from."""
    note = f"from {old}" + (f"; {step.note}" if step.note else "")
    action = step.action if step.writes or step.action in (Action.CONFLICT, Action.SKIP) else Action.RENAME
    return Step(step.relpath, action, note, step.writes, step.data, step.conflict)


def _materialize(step: Step, effective: bytes | None, disk: bytes | None) -> Step:
    """Keeping the effective O of a path whose O was rewritten (a file moved here, a
    view moved out) means writing it."""
    if step.writes or step.relpath.endswith(BESIDE) or effective is None or effective == disk:
        return step
    if step.action in (Action.IDENTICAL, Action.KEEP, Action.RENAME):
        action = Action.RENAME if step.action == Action.RENAME else Action.UPDATE
        note = step.note or "a moved view taken out"
        return Step(step.relpath, action, note, True, effective)
    return step


def _block_patches(
    blocks: tuple[BlockMove, ...],
    renamed: dict[str, str],
    ours: dict[str, bytes | None],
    bases: dict[str, str | None],
    theirs: dict[str, str],
) -> dict[str, list[tuple[str, str, int]]]:
    """Cut moved views out of their old file (both O and B, so the old file merges
    cleanly) and return, per new file, (new block, merged block, conflicts) to splice."""
    origin = {old: new for new, old in renamed.items()}
    patches: dict[str, list[tuple[str, str, int]]] = {}
    for move in blocks:
        src = origin.get(move.old_file, move.old_file)
        data, base = ours.get(src), bases.get(src)
        text = decode(data) if data is not None else None
        if text is None or base is None or uses_crlf(text) or move.new_file not in theirs:
            continue
        new_text, block_t = cut_block(theirs[move.new_file], move.new_name)
        rest_o, block_o = cut_block(text, move.old_name)
        rest_b, block_b = cut_block(base, move.old_name)
        if block_t is None or block_o is None or block_b is None:
            continue
        ours[src], bases[src] = rest_o.encode("utf-8"), rest_b
        if block_o != block_b:
            merged = merge_text(block_o, block_b, block_t)
            patches.setdefault(move.new_file, []).append((block_t, merged.text, merged.conflicts))
    return patches


def _apply_patches(step: Step, patches: list[tuple[str, str, int]]) -> Step:
    if not patches or not step.writes or step.data is None:
        return step
    text = step.data.decode("utf-8")
    conflicts = 0
    for block_t, merged, count in patches:
        if block_t in text:
            text = text.replace(block_t, merged.rstrip("\n"), 1)
            conflicts += count
    if conflicts:
        return Step(step.relpath, Action.CONFLICT, f"{conflicts} conflict(s) in a moved view", True, text.encode("utf-8"), True)
    note = "your changes to a moved view kept" if step.action != Action.CONFLICT else step.note
    action = Action.MERGE if step.action in (Action.CREATE, Action.UPDATE) else step.action
    return Step(step.relpath, action, note, True, text.encode("utf-8"), step.conflict)


def decide(
    relpath: str, ours: bytes | None, base: str | None, theirs: str | None, *, essential: bool = False, overwrite: str | None = None
) -> list[Step]:
    """:func:`flaskgen.core.merge.table.decide` with git's three-way merge (Python class
    views merged per method)."""
    merge = _merge_python if relpath.endswith(".py") else merge_text
    return table.decide(relpath, ours, base, theirs, merge, essential=essential, overwrite=overwrite)


def _merge_python(ours: str, base: str, theirs: str) -> MergeResult:
    return merge_methods(ours, base, theirs, merge_text)
