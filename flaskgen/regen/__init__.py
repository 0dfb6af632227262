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
  Python is checked for new undefined names and syntax errors, and the whole project
  for imports of its own modules that would no longer resolve (:mod:`flaskgen.regen.checks`).
* A new migration drops a table or column only when the spec's ``dropped`` names it.
* Conflicts are recorded in the state; until they are resolved (a Python file: until it
  imports again) the next run refuses.

Applying is crash-safe: one run at a time (``.flaskgen/lock``), the planned writes go to
a journal first, every write is atomic and keeps the file's mode, and the state is
replaced last; a rerun finishes an interrupted run.
"""

from __future__ import annotations

import json
from pathlib import Path

from flaskgen import __version__
from flaskgen.core.actions import Action
from flaskgen.core.errors import RegenError, TargetError
from flaskgen.core.merge.table import BESIDE, Report, Step
from flaskgen.regen.apply import BACKUP_DIR, JOURNAL, apply_steps, backup, diffs, resume
from flaskgen.regen.disk import project_lock, stale_temporaries
from flaskgen.regen.guards import check_paths, git_dirty, read_bytes, unresolved
from flaskgen.regen.plan import Inputs, plan_steps, render_new
from flaskgen.state import (
    STATE_FILE,
    State,
    folders_sha256,
    load_state,
    path_reference,
    resolve_spec,
    sha256,
    spec_reference,
)
from flaskgen.write import safe_relpath, writing

__all__ = ["Report", "regen"]


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
            report = resume(project)
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
        check_paths(sorted(state.files) + sorted(state.orphans) + list(state.conflicts or ()), str(project / STATE_FILE))
        open_conflicts = unresolved(project, state)
        if open_conflicts:
            raise RegenError(
                "the last regen left conflicts that are not resolved yet:\n"
                + "".join(f"  {line}\n" for line in open_conflicts)
                + "then run 'flaskgen regen' again"
            )
    spec_path = _spec_path(project, spec_path, state)
    spec_text = _read_spec(spec_path)
    folders = _template_folders(project, templates, state)
    theirs, moves, renames = render_new(spec_path, spec_text, state, folders, project)
    steps, carried = plan_steps(Inputs(project, state, theirs, moves, renames))
    report = Report(steps)
    state_json = _new_state(project, spec_path, spec_text, theirs, folders, steps, state).to_json()
    report.pending = (project / JOURNAL).exists()
    report.state_changed = read_bytes(project, STATE_FILE) != state_json.encode("utf-8") or report.pending
    if dry_run:
        report.diffs = diffs(project, steps)
    if dry_run or check:
        return report
    if report.changes:
        report.backup = _guard_git(project, steps, allow_dirty)
    if report.changes or report.state_changed:
        with writing(project):
            apply_steps(project, steps, state_json, carried)
    return report


def _new_state(
    project: Path,
    spec_path: Path,
    spec_text: str,
    theirs: dict[str, str],
    folders: tuple[Path, ...],
    steps: list[Step],
    state: State | None,
) -> State:
    """The state after this run: the new render as the next base, and what is left open."""
    return State(
        __version__,
        spec_reference(spec_path, project),
        sha256(spec_text),
        theirs,
        spec_text,
        tuple(path_reference(f, project) for f in folders),
        tuple(sorted(_conflict_paths(steps))),
        folders_sha256(folders),
        _orphan_bases(steps, state),
    )


def _orphan_bases(steps: list[Step], state: State | None) -> dict[str, str]:
    """The last generated text of every file kept as an orphan this run."""
    bases = state.bases() if state else {}
    return {s.relpath: bases[s.relpath] for s in steps if s.action == Action.ORPHAN and s.relpath in bases}


def _conflict_paths(steps: list[Step]) -> list[str]:
    """The paths a later run must see resolved: files with markers, files kept while the
    new version waits beside them, files whose code would not import, and the new versions."""
    out = [s.relpath for s in steps if s.conflict]
    return out + [s.relpath for s in steps if s.relpath.endswith(BESIDE) and s.writes]


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
    dirty = git_dirty(project)
    if dirty and not allow_dirty:
        raise RegenError(
            "the git work tree has uncommitted changes:\n"
            + "".join(f"  {p}\n" for p in dirty[:20])
            + "commit them first (regen merges into your files), or pass --allow-dirty "
            f"to proceed with a backup of every file it changes in {BACKUP_DIR}/"
        )
    return backup(project, steps) if dirty else None
