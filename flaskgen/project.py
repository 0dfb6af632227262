"""Use cases behind the CLI: create a project from a spec file."""

from __future__ import annotations

import shutil
from pathlib import Path

from flaskgen import __version__
from flaskgen.core.errors import TargetError
from flaskgen.core.spec.types import ProjectSpec
from flaskgen.generate import render_project
from flaskgen.specfile import parse_spec, read_spec_text
from flaskgen.state import STATE_DIR, State, folders_sha256, path_reference, sha256, spec_reference
from flaskgen.write import WriteResult, finish_new, is_fresh, staging_for, write_new, writing


def create_project(
    spec_path: Path, output: Path, *, force: bool = False, templates: tuple[Path, ...] = ()
) -> list[WriteResult]:
    """Validate the spec, render everything, then write it (nothing is written on error).

    A new or empty ``output`` is built in a staging folder beside it (ruff formats the
    files there) and renamed into place; otherwise the files are rendered first and
    written over the folder's contents.
    """
    spec_text = read_spec_text(spec_path)
    spec = parse_spec(spec_text, str(spec_path))
    if is_fresh(output):
        return _create_fresh(spec_path, spec_text, spec, output, templates)
    files = render_project(spec, spec_path.name, templates)
    _keep_spec(spec_path, output, files)
    state = _state(spec_path, spec_text, output, files, templates)
    inside = spec_path.resolve().parent == output.resolve()
    with writing(output):
        return write_new(output, files, state, force=force, spec_name=spec_path.name if inside else None)


def _create_fresh(
    spec_path: Path, spec_text: str, spec: ProjectSpec, output: Path, templates: tuple[Path, ...]
) -> list[WriteResult]:
    with writing(output):
        staging = staging_for(output)
    try:
        files = render_project(spec, spec_path.name, templates, workdir=staging)
        state = _state(spec_path, spec_text, output, files, templates)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with writing(output):
        return finish_new(staging, output, files, state)


def _state(spec_path: Path, spec_text: str, output: Path, files: dict[str, str], templates: tuple[Path, ...]) -> State:
    folders = tuple(path_reference(t, output) for t in templates)
    return State(
        __version__, spec_reference(spec_path, output), sha256(spec_text), files, spec_text, folders, (), folders_sha256(templates)
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
