"""What flaskgen last generated into a project, kept in ``.flaskgen/state.json``.

The state holds the spec's location and hash, the flaskgen version and the full text
of every generated file (the merge base for ``regen``). It is written last, so an
interrupted run leaves the previous state in place.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".flaskgen"
STATE_FILE = f"{STATE_DIR}/state.json"
FORMAT = 1


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class State:
    version: str
    spec: str  # the spec's path, relative to the project
    spec_sha256: str
    files: dict[str, str]  # relpath -> text as last generated
    spec_text: str = ""  # the spec as last generated from: regen finds moved routes in it

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "flaskgen": self.version,
            "spec": self.spec,
            "spec_sha256": self.spec_sha256,
            "spec_text": self.spec_text,
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def spec_reference(spec_path: Path, project: Path) -> str:
    """How the state names the spec: relative to the project (``spec.yaml``,
    ``../specs/blog.yaml``), so the project can move or be cloned with its spec."""
    return Path(os.path.relpath(spec_path.resolve(), project.resolve())).as_posix()


def resolve_spec(reference: str, project: Path) -> Path:
    path = Path(reference)
    return path if path.is_absolute() else project / path


def load_state(project: Path) -> State | None:
    """The recorded state, or None when it is missing or unreadable."""
    path = project / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            return None
        spec_text = data.get("spec_text", "")
        if not isinstance(spec_text, str):
            return None
        return State(
            str(data["flaskgen"]), str(data["spec"]), str(data["spec_sha256"]), files, spec_text
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
