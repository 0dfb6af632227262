"""Use cases behind the CLI: create a project from a spec file.

``new`` is a regen from an empty base: the render is planned against what is on disk
with no state (every file is new, identical, or — with ``force`` — overwritten) and
applied by the one writer of :mod:`flaskgen.regen.apply` (journal, atomic writes, one
rule for scripts, the state last)."""

from __future__ import annotations

from pathlib import Path

from flaskgen import __version__
from flaskgen.core.actions import Action
from flaskgen.core.errors import TargetError
from flaskgen.core.merge.table import Step
from flaskgen.generate import render_project
from flaskgen.regen.apply import BACKUP_DIR, apply_fresh, apply_steps, backup
from flaskgen.regen.disk import project_lock
from flaskgen.regen.plan import Inputs, plan_steps
from flaskgen.specfile import parse_spec, read_spec_text
from flaskgen.state import STATE_DIR, State, folders_sha256, path_reference, sha256, spec_reference
from flaskgen.write import SPEC_SCHEMA, WriteResult, is_empty_dir, is_fresh, writing

OVERWRITTEN = f"old copy in {BACKUP_DIR}/"


def create_project(
    spec_path: Path,
    output: Path,
    *,
    force: bool = False,
    templates: tuple[Path, ...] = (),
    dry_run: bool = False,
) -> list[WriteResult]:
    """Validate the spec, render everything, plan, then write it (nothing is written on
    error, nor at all with ``dry_run``): one result per file.

    A new or empty ``output`` is built beside it and renamed into place. A folder holding
    only the spec (and its schema copy, as ``flaskgen init`` lays it out) is written into;
    any other non-empty folder needs ``force``, and files that would change are first
    copied to ``.flaskgen/backup/``.
    """
    spec_text = read_spec_text(spec_path)
    spec = parse_spec(spec_text, str(spec_path))
    fresh = is_fresh(output) or not (output.exists() or output.is_symlink())
    if not fresh:
        _check_target(spec_path, output, force)
    files = render_project(spec, spec_path.name, templates)
    _keep_spec(spec_path, output, files)
    steps = _plan(output, files)
    if not dry_run:
        state_json = _state(spec_path, spec_text, output, files, templates).to_json()
        with writing(output):
            _apply(output, steps, state_json, fresh=fresh)
    return [s.result for s in steps]


def _check_target(spec_path: Path, output: Path, force: bool) -> None:
    """Refuse a target that is not a folder, or holds more than the spec without ``force``."""
    if output.exists() and not output.is_dir():
        raise TargetError(f"{output} exists and is not a folder")
    inside = output.is_dir() and spec_path.resolve().parent == output.resolve()
    if force or (inside and is_empty_dir(output, frozenset({spec_path.name, SPEC_SCHEMA}))):
        return
    raise TargetError(
        f"{output} is not empty; choose a new folder, use 'flaskgen regen' to update "
        "a generated project, or pass --force to write over it"
    )


def _plan(output: Path, files: dict[str, str]) -> list[Step]:
    """The regen planner with no state and nothing moved: every file is new, identical
    or overwritten."""
    steps, _carried = plan_steps(Inputs(output, None, files, overwrite=OVERWRITTEN))
    return steps


def _apply(output: Path, steps: list[Step], state_json: str, *, fresh: bool) -> None:
    if fresh:
        apply_fresh(output, steps, state_json)
        return
    with project_lock(output):
        if any(s.action == Action.OVERWRITE for s in steps):
            backup(output, steps, into=BACKUP_DIR)
        apply_steps(output, steps, state_json)


def _state(
    spec_path: Path,
    spec_text: str,
    output: Path,
    files: dict[str, str],
    templates: tuple[Path, ...],
) -> State:
    folders = tuple(path_reference(t, output) for t in templates)
    return State(
        __version__,
        spec_reference(spec_path, output),
        sha256(spec_text),
        files,
        spec_text,
        folders,
        (),
        folders_sha256(templates),
    )


def _keep_spec(spec_path: Path, output: Path, files: dict[str, str]) -> None:
    """Refuse to generate a file over the spec itself (a spec inside the output folder)."""
    spec = spec_path.resolve()
    for relpath in [*files, f"{STATE_DIR}/state.json"]:
        if (output / relpath).resolve() == spec:
            raise TargetError(
                f"the project would overwrite its own spec {spec_path} (as {relpath}); "
                "move the spec or choose another output folder"
            )
