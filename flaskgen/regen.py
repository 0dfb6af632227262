"""``flaskgen regen``: bring a generated project up to its (edited) spec, keeping every edit.

Per output path, with O on disk, B last generated (from ``.flaskgen/state.json``) and T
the new render:

* O == B: write T.  T == B or O == T: keep O.  Otherwise a three-way merge; a conflict
  is written with diff3 markers and later runs refuse until they are resolved.
* A path the spec no longer produces is deleted only when unchanged, else kept (orphan).
* A path the user deleted stays deleted unless the project cannot start without it.
* Binary or non-UTF-8 files are never merged; the new version goes beside them.
* Without a usable state there is no base: a file that differs from T is kept and T
  is written beside it.

* A body is carried only to the same view or method (or its ``renamed_from``); merged
  Python is checked for new undefined names and syntax errors (:mod:`flaskgen.regen_checks`).
* Conflicts are recorded in the state; until they are resolved the next run refuses.

Applying is crash-safe: one run at a time (``.flaskgen/lock``), the planned writes go to
a journal first, every write is atomic and keeps the file's mode, and the state is
replaced last; a rerun finishes an interrupted run.
"""

from __future__ import annotations

import ast
import base64
import binascii
import difflib
import hashlib
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from flaskgen import __version__
from flaskgen import regen_checks as checks
from flaskgen.actions import Action, WriteResult
from flaskgen.core.errors import RegenError, SpecError, TargetError
from flaskgen.merge import decode, has_markers, merge_text, to_crlf, to_lf, uses_crlf
from flaskgen.regen_disk import linked, mode_for, project_lock, stale_temporaries
from flaskgen.state import (
    STATE_DIR,
    STATE_FILE,
    State,
    folders_sha256,
    load_state,
    path_reference,
    resolve_spec,
    sha256,
    spec_reference,
    with_conflicts,
)
from flaskgen.write import safe_relpath, write_atomic, writing

if TYPE_CHECKING:
    from flaskgen.core.merge.renames import BlockMove
    from flaskgen.core.plan.base import PlannedFile
    from flaskgen.core.spec.types import ProjectSpec

JOURNAL = f"{STATE_DIR}/journal.json"
BACKUP_DIR = f"{STATE_DIR}/backup"
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


# -- deciding one file ---------------------------------------------------------------------


def _encode(text: str, crlf: bool) -> bytes:
    return (to_crlf(text) if crlf else text).encode("utf-8")


def decide(relpath: str, ours: bytes | None, base: str | None, theirs: str | None, *, essential: bool = False) -> list[Step]:
    """The steps for one path (pure).  ``ours`` is on disk, ``base`` last generated,
    ``theirs`` the new render; None means absent."""
    if theirs is None:
        if ours is None or base is None:
            return []
        text = decode(ours)
        if text is not None and to_lf(text) == base:
            return [Step(relpath, Action.DELETE, "no longer in the spec", True, None)]
        return [Step(relpath, Action.ORPHAN, "no longer in the spec; kept because you changed it")]
    if ours is None:
        if base is None:
            return [Step(relpath, Action.CREATE, "", True, theirs.encode("utf-8"))]
        if essential:
            return [Step(relpath, Action.CREATE, "restored: the project cannot run without it", True, theirs.encode("utf-8"))]
        return [Step(relpath, Action.SKIP, "deleted by you; stays deleted")]
    text = decode(ours)
    if text is None:
        if theirs == base:
            return [Step(relpath, Action.KEEP, "binary")]
        return _beside(relpath, theirs, "binary or not UTF-8: yours kept")
    crlf = uses_crlf(text)
    mine = to_lf(text) if crlf else text
    if mine == theirs:
        return [Step(relpath, Action.IDENTICAL)]
    if base is None:
        return _beside(relpath, theirs, "no merge base: yours kept")
    if mine == base:
        return [Step(relpath, Action.UPDATE, "", True, _encode(theirs, crlf))]
    if theirs == base:
        return [Step(relpath, Action.KEEP, "changed by you")]
    merged = merge_text(text, base, theirs)
    if merged.clean:
        return [Step(relpath, Action.MERGE, "your changes kept", True, merged.text.encode("utf-8"))]
    count = f"{merged.conflicts} conflict{'s' if merged.conflicts != 1 else ''}"
    return [Step(relpath, Action.CONFLICT, f"{count} marked in the file", True, merged.text.encode("utf-8"), True)]


def _beside(relpath: str, theirs: str, why: str) -> list[Step]:
    side = relpath + BESIDE
    return [
        Step(relpath, Action.CONFLICT, f"{why}; the new version is in {side}", conflict=True),
        Step(side, Action.CREATE, f"new version of {relpath}", True, theirs.encode("utf-8")),
    ]


# -- files the project cannot run without ------------------------------------------------

_RELATIVE_IMPORT = re.compile(r"^\s*from\s+(\.+)([\w.]*)\s+import\s+([\w, ()]+)", re.MULTILINE)


def _packages(paths: set[str]) -> set[str]:
    return {p.split("/")[0] for p in paths if p.count("/") == 1 and p.endswith("/config.py")}


def _imported(relpath: str, text: str) -> set[str]:
    """Paths of the modules a Python file imports relatively (both spellings of each)."""
    here = relpath.split("/")[:-1]
    out = set()
    for dots, module, names in _RELATIVE_IMPORT.findall(text):
        up = len(dots) - 1
        folder = here[: len(here) - up] if up else here
        targets = [module.split(".")] if module else [[n.strip()] for n in names.replace("(", "").replace(")", "").split(",") if n.strip()]
        for parts in targets:
            stem = "/".join([*folder, *parts])
            out |= {f"{stem}.py", f"{stem}/__init__.py"}
    return out


def essential_paths(final: dict[str, str], theirs: dict[str, str]) -> set[str]:
    """Generated paths the project needs to start: the package, its config, the
    project files, and every module imported by a Python file of the final tree."""
    needed = {"pyproject.toml", "manage.py"}
    for pkg in _packages(set(theirs)):
        needed |= {f"{pkg}/__init__.py", f"{pkg}/config.py"}
    for relpath, text in final.items():
        if relpath.endswith(".py"):
            needed |= _imported(relpath, text)
    return needed & set(theirs)


# -- view blocks (for routes moved between files) -----------------------------------------


def find_block(text: str, name: str) -> tuple[int, int] | None:
    """Line range [start, end) of the top-level ``def``/``class`` ``name`` with its
    decorators, without trailing blank lines; None when absent."""
    lines = text.split("\n")
    head = re.compile(rf"^(async\s+def|def|class)\s+{re.escape(name)}\b")
    start = next((i for i, line in enumerate(lines) if head.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " \t)]}"):
        end += 1
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return start, end


def cut_block(text: str, name: str) -> tuple[str, str | None]:
    """(``text`` without the block and the blank lines before it, the block)."""
    found = find_block(text, name)
    if found is None:
        return text, None
    lines = text.split("\n")
    start, end = found
    block = "\n".join(lines[start:end])
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    return "\n".join(lines[:start] + lines[end:]), block


# -- the project on disk -------------------------------------------------------------------


def _read(root: Path, relpath: str) -> bytes | None:
    try:
        return (root / relpath).read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _io_write(path: Path, data: bytes | None) -> None:
    """The one place regen changes the disk: atomic replace keeping the file's mode (the
    umask's for a new file), or delete when ``data`` is None."""
    if data is None:
        path.unlink(missing_ok=True)
        for folder in path.parents:  # drop folders the delete left empty (a renamed blueprint's)
            if folder.name == "" or any(folder.iterdir()):
                break
            folder.rmdir()
        return
    write_atomic(path, data, mode_for(path, path.name))


def _unresolved(root: Path, state: State) -> list[str]:
    """Conflicts of an earlier run still open: files regen wrote markers into that still
    hold them, and new versions written beside a file that are still there.  A state of
    format 1 did not record its conflicts: there any generated file with markers counts."""
    recorded = state.conflicts if state.conflicts is not None else sorted(state.files)
    out = []
    for relpath in recorded:
        if linked(root, relpath):
            continue
        data = _read(root, relpath)
        if relpath.endswith(BESIDE):
            if data is not None:
                out.append(f"a new version waits in {relpath}: merge what you want into {relpath[: -len(BESIDE)]}, then delete {relpath}")
            continue
        text = decode(data) if data is not None else None
        if text is not None and has_markers(text):
            out.append(
                f"conflict markers remain in {relpath}: resolve each block (keep the lines you want, delete the <<<<<<<, |||||||, "
                "======= and >>>>>>> lines)"
            )
    return out


def _check_paths(paths: list[str], where: str) -> None:
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


def _git_dirty(root: Path) -> list[str] | None:
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


# -- planning ------------------------------------------------------------------------------


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


def _render(
    spec_path: Path, spec_text: str, state: State | None, folders: tuple[Path, ...], root: Path
) -> tuple[dict[str, str], dict[str, str], tuple[BlockMove, ...], dict[str, str]]:
    """The new render, plus file and block moves and view renames from the last generated spec."""
    if (
        state is not None
        and state.version == __version__
        and state.spec_sha256 == sha256(spec_text)
        and state.templates_sha256 == folders_sha256(folders)
    ):
        return dict(state.files), {}, (), {}  # same spec, flaskgen and templates: the render is the base
    from flaskgen.generate import render_project
    from flaskgen.specfile import parse_spec

    spec = parse_spec(spec_text, str(spec_path))
    theirs = render_project(spec, spec_path.name, folders)
    if state is None or not state.spec_text:
        return theirs, {}, (), {}
    try:
        old = parse_spec(state.spec_text, "previous spec")
    except SpecError:  # an old spec this version rejects: no move detection
        return theirs, {}, (), {}
    from flaskgen.core.merge.renames import find_moves, view_renames

    theirs = keep_revisions(theirs, state.files, old, spec, root, folders)
    moves = find_moves(old, spec, set(state.files), set(theirs))
    return theirs, moves.files, moves.blocks, view_renames(old, spec)


VERSIONS = "migrations/versions/"


def keep_revisions(
    theirs: dict[str, str],
    bases: dict[str, str],
    old: ProjectSpec,
    new: ProjectSpec,
    root: Path | None = None,
    folders: tuple[Path, ...] = (),
) -> dict[str, str]:
    """Migration revisions are history: those already generated stay exactly as they
    were, and a change of the models adds one revision on top of the current head of
    the whole history (the user's own revisions included, read from ``root``)."""
    done = {p: t for p, t in bases.items() if p.startswith(VERSIONS)}
    if not done or not any(p.startswith(VERSIONS) for p in theirs):
        return theirs
    from flaskgen.core.migrate.diff import revision, revision_file, schema_of

    out = {p: t for p, t in theirs.items() if not p.startswith(VERSIONS)} | done
    before = schema_of(old.models, old.association_tables)
    after = schema_of(new.models, new.association_tables)
    if before == after:
        return out
    history = {**done, **(_versions_on_disk(root) if root is not None else {})}
    number = len(done) + 1
    while any(PurePosixPath(p).name.startswith(f"{number:04d}_") for p in history):
        number += 1
    head = _head(history)
    rev = revision(before, after, number=number, down_revision=head, message="Models changed in the spec")
    if not rev.upgrade:
        return out
    out.update(_render_planned([revision_file(rev)], folders))
    return dict(sorted(out.items()))


def _versions_on_disk(root: Path) -> dict[str, str]:
    """Every revision file in the project's ``migrations/versions/`` (yours too)."""
    folder = root / VERSIONS
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob("*.py")):
        text = decode(path.read_bytes())
        if text is not None:
            out[VERSIONS + path.name] = text
    return out


def _revision_ids(relpath: str, text: str) -> tuple[str | None, tuple[str, ...]]:
    """(revision, down revisions) of one Alembic script, read with ``ast``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        raise RegenError(f"{relpath} is not valid Python, so the migration history cannot be read; fix it") from None
    found: dict[str, object] = {}
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and value is not None and target.id in ("revision", "down_revision"):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                pass
    down = found.get("down_revision")
    downs = tuple(down) if isinstance(down, (tuple, list)) else ((down,) if isinstance(down, str) else ())
    rev = found.get("revision")
    return (rev if isinstance(rev, str) else None), tuple(str(d) for d in downs)


def _head(revisions: dict[str, str]) -> str | None:
    """The one revision no other revision revises; several heads stop regen."""
    ids: set[str] = set()
    parents: set[str] = set()
    for relpath, text in sorted(revisions.items()):
        rev, downs = _revision_ids(relpath, text)
        if rev is not None:
            ids.add(rev)
        parents.update(downs)
    heads = sorted(ids - parents)
    if len(heads) > 1:
        raise RegenError(
            f"the migration history has several heads ({', '.join(heads)}), so a new revision has no "
            "single parent; merge them first ('flask db merge heads'), then run regen again"
        )
    return heads[0] if heads else None


def _render_planned(planned: list[PlannedFile], folders: tuple[Path, ...] = ()) -> dict[str, str]:
    """Render and format a few planned files, as ``render_project`` does."""
    from flaskgen.format import format_python
    from flaskgen.generate import _normalize
    from flaskgen.render import render

    with tempfile.TemporaryDirectory(prefix="flaskgen-regen-") as tmp:
        root = Path(tmp)
        for item in render(planned, folders):
            (root / item.relpath).parent.mkdir(parents=True, exist_ok=True)
            (root / item.relpath).write_text(_normalize(item.text), encoding="utf-8", newline="\n")
        format_python(root, [p.relpath for p in planned if p.python])
        return {p.relpath: (root / p.relpath).read_text(encoding="utf-8") for p in planned}


def plan(inputs: Inputs) -> list[Step]:
    """Every step, sorted by path (reads the disk, writes nothing)."""
    root, state, theirs = inputs.root, inputs.state, inputs.theirs
    bases = dict(state.files) if state else {}
    ours: dict[str, bytes | None] = {p: _read(root, p) for p in set(bases) | set(theirs)}
    renamed: dict[str, str] = {}
    for new, old in inputs.moves_files.items():
        if ours.get(new) is None and ours.get(old) is not None and decode(ours[old] or b"") is not None:
            renamed[new] = old
    eff_ours = dict(ours)
    eff_base: dict[str, str | None] = {p: bases.get(p) for p in ours}
    for new, old in renamed.items():
        eff_ours[new], eff_base[new] = ours[old], bases.get(old)
        eff_ours[old], eff_base[old] = None, None
    patches = _block_patches(inputs.moves_blocks, renamed, eff_ours, eff_base, theirs)
    steps = _decide_all(eff_ours, eff_base, theirs, renamed, patches)
    steps = [_materialize(s, eff_ours.get(s.relpath), ours.get(s.relpath)) for s in steps]
    for new, old in sorted(renamed.items()):
        steps.append(Step(old, Action.RENAME, f"moved to {new}", True, None))
    steps += _user_files_moved(root, {**inputs.moves_files, **renamed}, set(bases) | set(theirs))
    arrived = frozenset(m.new_name for m in inputs.moves_blocks)
    steps = check_merges(steps, eff_ours, eff_base, theirs, inputs.view_renames, arrived)
    guarded = [_guard_step(root, s, theirs, bases) for s in steps]
    return sorted((s for group in guarded for s in group), key=lambda s: s.relpath)


def _folder_renames(moves: dict[str, str]) -> dict[str, str]:
    """Old folder -> new folder, for the folders whose generated files all moved together."""
    out: dict[str, str] = {}
    for new, old in moves.items():
        a, b = PurePosixPath(old), PurePosixPath(new)
        while a.name == b.name and str(a.parent) != "." and str(b.parent) != "." and a.parent != b.parent:
            a, b = a.parent, b.parent
            out[str(a)] = str(b)
    return out


def _user_files_moved(root: Path, moves: dict[str, str], generated: set[str]) -> list[Step]:
    """Your own files in a renamed folder move with it; a clash stops regen."""
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
            steps.append(Step(target, Action.RENAME, f"your file, from {relpath}", True, path.read_bytes()))
            steps.append(Step(relpath, Action.RENAME, f"moved to {target}", True, None))
    if clashes:
        raise RegenError(
            "a renamed folder holds files of yours that cannot move with it:\n"
            + "\n".join(clashes)
            + "\nmove or rename them yourself, then run 'flaskgen regen' again; nothing was changed"
        )
    return steps


def check_merges(
    steps: list[Step],
    ours: dict[str, bytes | None],
    bases: dict[str, str | None],
    theirs: dict[str, str],
    renames: dict[str, str],
    arrived: frozenset[str],
) -> list[Step]:
    """Turn merges that break the code (see :mod:`flaskgen.regen_checks`) into conflicts,
    or re-add an import the merge lost when it is certain."""
    todo = [s for s in steps if s.action == Action.MERGE and s.relpath.endswith(".py") and s.data is not None]
    if not todo:
        return steps
    items = {}
    for step in todo:
        data = ours.get(step.relpath)
        mine = decode(data) if data is not None else None
        merged = to_lf((step.data or b"").decode("utf-8"))
        items[step.relpath] = checks.Merged(step.relpath, None if mine is None else to_lf(mine), bases.get(step.relpath), theirs[step.relpath], merged)
    fixed = _check_names(items, ours)
    out = []
    for step in steps:
        item = items.get(step.relpath)
        why = item and (checks.identity_problem(item, renames, arrived) or fixed[step.relpath][1])
        if item is None:
            out.append(step)
        elif why:
            out += _refuse_merge(step, item, ours.get(step.relpath), why)
        else:
            text = fixed[step.relpath][0]
            note = step.note + ("; " + fixed[step.relpath][2] if fixed[step.relpath][2] else "")
            crlf = uses_crlf((step.data or b"").decode("utf-8"))
            out.append(Step(step.relpath, step.action, note, True, step.data if text == item.merged else _encode(text, crlf)))
    return out


def _refuse_merge(step: Step, item: checks.Merged, mine: bytes | None, why: str) -> list[Step]:
    """Keep the user's file (written here when it came from elsewhere) and put the new
    render beside it."""
    steps = _beside(step.relpath, item.theirs, f"{why}; yours kept")
    if mine is not None:
        steps[0] = Step(step.relpath, Action.CONFLICT, steps[0].note, True, mine, True)
    return steps


def _check_names(items: dict[str, checks.Merged], ours: dict[str, bytes | None]) -> dict[str, tuple[str, str, str]]:
    """Per path: (text, the problem or "", a note on imports re-added)."""
    texts = {f"{r}#merged": i.merged for r, i in items.items()}
    texts |= {f"{r}#before": i.ours if i.ours is not None else i.theirs for r, i in items.items()}
    found = checks.ruff_findings(texts)
    out: dict[str, tuple[str, str, str]] = {}
    others: list[str] | None = None
    for relpath, item in items.items():
        fresh = checks.new_findings(found[f"{relpath}#merged"], found[f"{relpath}#before"])
        if not fresh:
            out[relpath] = (item.merged, "", "")
            continue
        if others is None:
            others = [decode(d) or "" for p, d in sorted(ours.items()) if p.endswith(".py") and d is not None]
        out[relpath] = _repair(item, fresh, others, found[f"{relpath}#before"])
    return out


def _repair(item: checks.Merged, fresh: list[tuple[str, str, int]], others: list[str], before: list[tuple[str, str, int]]) -> tuple[str, str, str]:
    """Re-add the imports the merge lost, when each is certain; else say what is wrong."""
    lines = [checks.missing_import(checks.undefined_name(m) or "", item, others) for code, m, _ in fresh if code == "F821"]
    problem = f"line {fresh[0][2]}: {fresh[0][1]} ({fresh[0][0]})"
    if len(lines) != len(fresh) or None in lines:
        return item.merged, f"the merged file would not run ({problem})", ""
    text = item.merged
    found = sorted({line for line in lines if line is not None})
    for line in found:
        text = checks.add_import(text, line)
    again = checks.new_findings(checks.ruff_findings({item.relpath: text})[item.relpath], before)
    if again:
        return item.merged, f"the merged file would not run ({problem})", ""
    return text, "", "re-added " + ", ".join(f"'{line}'" for line in found)


def _guard_step(root: Path, step: Step, theirs: dict[str, str], bases: dict[str, str]) -> list[Step]:
    """Never write through a symbolic link, nor restore a module the user turned into a
    package (the package would shadow it): say so instead."""
    if step.writes and linked(root, step.relpath):
        return [Step(step.relpath, Action.SKIP, "a symbolic link (or in a linked folder): left alone; update it yourself")]
    folder = step.relpath.removesuffix(".py")
    if step.writes and step.relpath.endswith(".py") and (root / folder / "__init__.py").is_file():
        if _read(root, step.relpath) is None and step.data is not None:
            if theirs.get(step.relpath) == bases.get(step.relpath):
                return [Step(step.relpath, Action.SKIP, f"you turned it into the package {folder}/")]
            return _beside(step.relpath, theirs[step.relpath], f"you turned it into the package {folder}/; move the changes in")
    return [step]


def _decide_all(
    ours: dict[str, bytes | None],
    bases: dict[str, str | None],
    theirs: dict[str, str],
    renamed: dict[str, str],
    patches: dict[str, list[tuple[str, str, int]]],
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
        found = decide(relpath, ours[relpath], bases.get(relpath), theirs.get(relpath), essential=relpath in essential)
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


# -- applying ------------------------------------------------------------------------------


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _backup(root: Path, steps: list[Step]) -> str:
    """Copy every file about to change to ``.flaskgen/backup/<n>/``; returns that folder."""
    folder = root / BACKUP_DIR
    taken = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
    target = f"{BACKUP_DIR}/{max(taken, default=0) + 1}"
    for step in steps:
        data = _read(root, step.relpath) if step.writes else None
        if data is not None:
            _io_write(root / target / safe_relpath(step.relpath), data)
    return target


def _journal_entry(root: Path, step: Step) -> dict[str, object]:
    data = step.data
    text = None if data is None else decode(data)
    return {
        "path": step.relpath,
        "action": step.action.value,
        "note": step.note,
        "conflict": step.conflict,
        "old": _digest(_read(root, step.relpath)),
        "data": text,
        "base64": None if data is None or text is not None else base64.b64encode(data).decode("ascii"),
    }


def _entry_data(entry: dict[str, Any]) -> bytes | None:
    if entry.get("base64") is not None:
        return base64.b64decode(entry["base64"])
    return None if entry["data"] is None else str(entry["data"]).encode("utf-8")


def _apply(root: Path, steps: list[Step], state_json: str) -> None:
    """Journal, write, record the state, drop the journal: a crash anywhere leaves a
    journal that the next run finishes (or, before the journal, nothing changed)."""
    writes = [s for s in steps if s.writes]
    _check_paths([s.relpath for s in writes], "the plan")
    if writes:
        journal = {"state": state_json, "steps": [_journal_entry(root, s) for s in writes]}
        _io_write(root / JOURNAL, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        for step in writes:
            _io_write(root / safe_relpath(step.relpath), step.data)
    _io_write(root / STATE_FILE, state_json.encode("utf-8"))
    if writes:
        _io_write(root / JOURNAL, None)


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
    _check_paths([str(e["path"]) for e in entries], str(root / JOURNAL))
    return entries, state_json


def _resume(root: Path) -> Report:
    """Finish a run that was interrupted after writing its journal.  A file changed since
    keeps the user's version; the one the run meant to write goes beside it."""
    entries, state_json = _read_journal(root)
    report = Report(resumed=True, state_changed=True)
    extra: list[str] = []
    for entry in entries:
        relpath, data = str(entry["path"]), _entry_data(entry)
        current = _read(root, relpath)
        step = Step(relpath, Action(entry["action"]), entry["note"], True, data, bool(entry["conflict"]))
        if current != data and _digest(current) != entry["old"]:
            step = _pending_changed(root, relpath, data, extra)
        elif current != data:
            _io_write(root / safe_relpath(relpath), data)
        report.steps.append(step)
    _io_write(root / STATE_FILE, with_conflicts(state_json, extra).encode("utf-8"))
    _io_write(root / JOURNAL, None)
    return report


def _pending_changed(root: Path, relpath: str, data: bytes | None, extra: list[str]) -> Step:
    """The step for a file the user changed while an interrupted run was pending."""
    if data is None or relpath.endswith(BESIDE):
        return Step(relpath, Action.SKIP, "changed while an interrupted regen was pending; yours kept")
    side = relpath + BESIDE
    _io_write(root / safe_relpath(side), data)
    extra.append(side)
    return Step(relpath, Action.CONFLICT, f"changed while an interrupted regen was pending; the new version is in {side}", conflict=True)


def _diffs(root: Path, steps: list[Step]) -> list[str]:
    out = []
    for step in steps:
        if not step.writes:
            continue
        before = decode(_read(root, step.relpath) or b"") or ""
        after = "" if step.data is None else step.data.decode("utf-8")
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{step.relpath}",
            f"b/{step.relpath}",
        )
        out.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines))
    return [d for d in out if d]


# -- the use case --------------------------------------------------------------------------


def regen(
    project: Path,
    spec_path: Path | None = None,
    *,
    dry_run: bool = False,
    check: bool = False,
    allow_dirty: bool = False,
    templates: tuple[Path, ...] | None = None,
) -> Report:
    """Bring ``project`` up to date with ``spec_path`` (default: the recorded spec), with
    the template folders ``templates`` (default: those recorded).

    ``dry_run`` and ``check`` plan without writing. Raises :class:`RegenError` when it
    cannot proceed safely; holds ``.flaskgen/lock`` while it runs.
    """
    if not project.is_dir():
        raise RegenError(f"{project} is not a folder; create the project with 'flaskgen new SPEC -o {project}'")
    with project_lock(project):
        state = load_state(project)
        cleaned = [] if dry_run or check else _clean_temporaries(project, state)
        if (project / JOURNAL).exists() and not (dry_run or check):
            report = _resume(project)
        else:
            report = _regen(
                project, spec_path, state, dry_run=dry_run, check=check, allow_dirty=allow_dirty, templates=templates
            )
        report.cleaned = cleaned
        return report


def _regen(
    project: Path,
    spec_path: Path | None,
    state: State | None,
    *,
    dry_run: bool,
    check: bool,
    allow_dirty: bool,
    templates: tuple[Path, ...] | None,
) -> Report:
    if state is not None:
        _check_paths(sorted(state.files) + list(state.conflicts or ()), str(project / STATE_FILE))
        open_conflicts = _unresolved(project, state)
        if open_conflicts:
            raise RegenError(
                "the last regen left conflicts that are not resolved yet:\n"
                + "".join(f"  {line}\n" for line in open_conflicts)
                + "then run 'flaskgen regen' again"
            )
    spec_path = _spec_path(project, spec_path, state)
    spec_text = _read_spec(spec_path)
    folders = _template_folders(project, templates, state)
    theirs, file_moves, block_moves, renames = _render(spec_path, spec_text, state, folders, project)
    steps = plan(Inputs(project, spec_path, spec_text, state, theirs, file_moves, block_moves, renames))
    report = Report(steps)
    new_state = State(
        __version__,
        spec_reference(spec_path, project),
        sha256(spec_text),
        theirs,
        spec_text,
        tuple(path_reference(f, project) for f in folders),
        tuple(sorted(_conflict_paths(steps))),
        folders_sha256(folders),
    )
    state_json = new_state.to_json()
    report.pending = (project / JOURNAL).exists()
    report.state_changed = _read(project, STATE_FILE) != state_json.encode("utf-8") or report.pending
    if dry_run:
        report.diffs = _diffs(project, steps)
    if dry_run or check:
        return report
    if report.changes:
        report.backup = _guard_git(project, steps, allow_dirty)
    if report.changes or report.state_changed:
        with writing(project):
            _apply(project, steps, state_json)
    return report


def _conflict_paths(steps: list[Step]) -> list[str]:
    """The paths a later run must see resolved: files with markers, files written beside."""
    out = [s.relpath for s in steps if s.conflict and s.writes]
    return out + [s.relpath for s in steps if s.relpath.endswith(BESIDE) and s.writes]


def _clean_temporaries(project: Path, state: State | None) -> list[str]:
    """Remove the temporary files killed runs left where regen writes (the state's and
    the pending journal's folders)."""
    relpaths = set(state.files) if state else set()
    if (project / JOURNAL).exists():
        try:
            relpaths |= {str(e["path"]) for e in json.loads((project / JOURNAL).read_text(encoding="utf-8"))["steps"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    found = stale_temporaries(project, {p for p in relpaths if _inside(p)})
    for relpath in found:
        (project / relpath).unlink(missing_ok=True)
    return found


def _inside(relpath: str) -> bool:
    try:
        safe_relpath(relpath)
    except TargetError:
        return False
    return True


def _guard_git(project: Path, steps: list[Step], allow_dirty: bool) -> str | None:
    """Refuse uncommitted changes unless allowed; then back up what changes."""
    dirty = _git_dirty(project)
    if dirty and not allow_dirty:
        raise RegenError(
            "the git work tree has uncommitted changes:\n"
            + "".join(f"  {p}\n" for p in dirty[:20])
            + "commit them first (regen merges into your files), or pass --allow-dirty "
            f"to proceed with a backup of every file it changes in {BACKUP_DIR}/"
        )
    return _backup(project, steps) if dirty else None


def _template_folders(project: Path, given: tuple[Path, ...] | None, state: State | None) -> tuple[Path, ...]:
    """The template folders to render with: those given, else those the state records."""
    if given is not None:
        return given
    folders = tuple(resolve_spec(ref, project) for ref in (state.templates if state else ()))
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise RegenError(
            f"the project is rendered with the template folder {missing[0]}, which is missing; "
            "restore it, or name the folders to use now with --templates DIR"
        )
    return folders


def _spec_path(project: Path, given: Path | None, state: State | None) -> Path:
    if given is not None:
        return given
    if state is None:
        raise RegenError(
            f"{project / STATE_FILE} is missing or unreadable, so the spec is unknown; "
            f"name it: flaskgen regen SPEC -o {project}"
        )
    return resolve_spec(state.spec, project)


def _read_spec(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegenError(f"the spec {path} does not exist; name it: flaskgen regen SPEC") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegenError(f"cannot read the spec {path}: {exc}") from None
