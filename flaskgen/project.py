"""Use cases behind the CLI: create a project from a spec file."""

from __future__ import annotations

from pathlib import Path

from flaskgen import __version__
from flaskgen.generate import render_project
from flaskgen.spec import read_spec
from flaskgen.state import State, folders_sha256, path_reference, sha256, spec_reference
from flaskgen.write import WriteResult, write_new


def create_project(
    spec_path: Path, output: Path, *, force: bool = False, templates: tuple[Path, ...] = ()
) -> list[WriteResult]:
    """Validate the spec, render everything, then write it (nothing is written on error)."""
    spec = read_spec(spec_path)
    files = render_project(spec, spec_path.name, templates)
    spec_text = spec_path.read_text(encoding="utf-8")
    folders = tuple(path_reference(t, output) for t in templates)
    state = State(
        __version__, spec_reference(spec_path, output), sha256(spec_text), files, spec_text, folders, (), folders_sha256(templates)
    )
    inside = spec_path.resolve().parent == output.resolve()
    return write_new(output, files, state, force=force, spec_name=spec_path.name if inside else None)
