"""Where the Jinja2 code templates and the JSON Schema live.

In a wheel they ship inside the package (``flaskgen/blueprints_templates``,
``flaskgen/schemas``, ``flaskgen/docs``); in a source checkout they sit beside the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def _data_dir(name: str) -> Path:
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"flaskgen is installed without its {name}/ folder")


def templates_dir() -> Path:
    """The built-in code templates."""
    return _data_dir("blueprints_templates")


def schema_path(filename: str) -> Path:
    """A file of the ``schemas/`` folder."""
    return _data_dir("schemas") / filename


def reference_path() -> Path:
    """The spec reference, ``docs/spec.md``."""
    return _data_dir("docs") / "spec.md"


@cache
def schema_text() -> str:
    """The text of the spec's JSON Schema (read once)."""
    from flaskgen.core.spec import SCHEMA_FILE

    return schema_path(SCHEMA_FILE).read_text(encoding="utf-8")
