"""What flaskgen last generated into a project, kept in ``.flaskgen/state.json``.

The state holds the spec's location and hash, the flaskgen version, the full text of
every generated file (the merge base for ``regen``) and of every kept orphan (so a
resource, an ``api``/``html`` switch or a blueprint that comes back merges), the template folders the project
is rendered with, and the conflicts regen left for the user (the files it wrote markers
into and the new versions it put beside files). It is written last, so an interrupted
run leaves the previous state in place.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".flaskgen"
STATE_FILE = f"{STATE_DIR}/state.json"
FORMAT = 2
READS = (1, 2)  # format 1 had no templates and no conflicts


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class State:
    version: str
    spec: str  # the spec's path, relative to the project
    spec_sha256: str
    files: dict[str, str]  # relpath -> text as last generated
    spec_text: str = ""  # the spec as last generated from: regen finds moved routes in it
    templates: tuple[str, ...] = ()  # template folders that shadow the built-in ones
    conflicts: tuple[str, ...] | None = ()  # files regen wrote markers into or beside (None: format 1)
    templates_sha256: str = ""  # of the template folders' files, so a changed template re-renders
    # relpath -> text last generated, of files the spec no longer makes that regen kept
    # because they were changed: the merge base if the spec brings them back
    orphans: dict[str, str] = field(default_factory=dict)

    def bases(self) -> dict[str, str]:
        """Every merge base: the last render's files, and the kept orphans' last texts."""
        return {**self.orphans, **self.files}

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "flaskgen": self.version,
            "spec": self.spec,
            "spec_sha256": self.spec_sha256,
            "templates": list(self.templates),
            "templates_sha256": self.templates_sha256,
            "conflicts": sorted(self.conflicts or ()),
            "spec_text": self.spec_text,
            "files": dict(sorted(self.files.items())),
            "orphans": dict(sorted(self.orphans.items())),
        }
        return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def spec_reference(spec_path: Path, project: Path) -> str:
    """How the state names the spec: relative to the project (``spec.yaml``,
    ``../specs/blog.yaml``), so the project can move or be cloned with its spec."""
    return Path(os.path.relpath(spec_path.resolve(), project.resolve())).as_posix()


def path_reference(path: Path, project: Path) -> str:
    """How the state names a file or folder: relative when it lives inside the project."""
    absolute = path.resolve()
    project_abs = project.resolve()
    if absolute.is_relative_to(project_abs):
        return absolute.relative_to(project_abs).as_posix()
    return absolute.as_posix()


def resolve_spec(reference: str, project: Path) -> Path:
    path = Path(reference)
    return path if path.is_absolute() else project / path


def folders_sha256(folders: tuple[Path, ...]) -> str:
    """A digest of every file in the template folders (empty when there are none)."""
    if not folders:
        return ""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def with_conflicts(state_json: str, extra: list[str]) -> str:
    """``state_json`` (as :meth:`State.to_json` wrote it) with more recorded conflicts."""
    if not extra:
        return state_json
    data = json.loads(state_json)
    data["conflicts"] = sorted(set(data.get("conflicts", [])) | set(extra))
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def _strings(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def load_state(project: Path) -> State | None:
    """The recorded state, or None when it is missing or unreadable."""
    path = project / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") not in READS:
            return None
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            return None
        spec_text = data.get("spec_text", "")
        templates = _strings(data.get("templates", []))
        conflicts = _strings(data.get("conflicts", []))
        digest = data.get("templates_sha256", "")
        orphans = data.get("orphans", {})
        if not isinstance(spec_text, str) or templates is None or conflicts is None or not isinstance(digest, str):
            return None
        if not isinstance(orphans, dict) or not all(isinstance(v, str) for v in orphans.values()):
            return None
        return State(
            str(data["flaskgen"]),
            str(data["spec"]),
            str(data["spec_sha256"]),
            files,
            spec_text,
            templates,
            conflicts if data["format"] > 1 else None,
            digest,
            orphans,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
