"""Use cases behind the CLI: create a project from a spec file."""

from __future__ import annotations

from pathlib import Path

from flaskgen import __version__
from flaskgen.core.errors import TargetError
from flaskgen.generate import render_project
from flaskgen.specfile import parse_spec, read_spec_text
from flaskgen.state import STATE_DIR, State, folders_sha256, path_reference, sha256, spec_reference
from flaskgen.write import WriteResult, write_new, writing


def create_project(
    spec_path: Path, output: Path, *, force: bool = False, templates: tuple[Path, ...] = ()
) -> list[WriteResult]:
    """Validate the spec, render everything, then write it (nothing is written on error)."""
    spec_text = read_spec_text(spec_path)
    spec = parse_spec(spec_text, str(spec_path))
    files = render_project(spec, spec_path.name, templates)
    _keep_spec(spec_path, output, files)
    folders = tuple(path_reference(t, output) for t in templates)
    state = State(
        __version__, spec_reference(spec_path, output), sha256(spec_text), files, spec_text, folders, (), folders_sha256(templates)
    )
    inside = spec_path.resolve().parent == output.resolve()
    with writing(output):
        return write_new(output, files, state, force=force, spec_name=spec_path.name if inside else None)


def _keep_spec(spec_path: Path, output: Path, files: dict[str, str]) -> None:
    """Refuse to generate a file over the spec itself (a spec inside the output folder)."""
    spec = spec_path.resolve()
    for relpath in [*files, f"{STATE_DIR}/state.json"]:
        if (output / relpath).resolve() == spec:
            raise TargetError(
                f"the project would overwrite its own spec {spec_path} (as {relpath}); "
                "move the spec or choose another output folder"
            )
