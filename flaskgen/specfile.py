"""Reading a spec file: the I/O around the pure spec stages of ``flaskgen.core.spec``."""

from __future__ import annotations

import stat
from pathlib import Path

from flaskgen.core.errors import Problem, SpecError
from flaskgen.core.spec import parse as core_spec
from flaskgen.core.spec.types import ProjectSpec
from flaskgen.resources import schema_text


def parse_spec(text: str, file: str = "spec.yaml", *, cases: bool = True, probe_routes: bool = True) -> ProjectSpec:
    """Load, validate and normalize a spec against flaskgen's schema; every problem is
    raised in one SpecError (``cases=False``: the same checks, without the expectations
    of the generated route tests; ``probe_routes=False``: without the routing probe)."""
    return core_spec.parse_spec(text, schema_text(), file, cases=cases, probe_routes=probe_routes)


MAX_SPEC_BYTES = 1024 * 1024
"""The largest spec file flaskgen reads (1 MiB)."""


def read_spec_text(path: Path) -> str:
    """The text of the spec file at ``path``: a regular UTF-8 file of at most 1 MiB.

    The file is checked before it is opened, so a FIFO, a device such as ``/dev/zero``
    or a folder is refused instead of blocking or filling memory.
    """

    def refuse(message: str) -> SpecError:
        return SpecError([Problem(1, 1, "", message, str(path))])

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise refuse("is a folder, not a spec file")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("is not a regular file (a pipe, socket or device); give a spec file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise refuse("file not found") from None
    except PermissionError:
        raise refuse("permission denied: the spec file cannot be read") from None
    if len(data) > MAX_SPEC_BYTES:
        raise refuse(f"the spec is larger than {MAX_SPEC_BYTES // 1024} KiB; flaskgen reads specs up to that size")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 text ({exc.reason})") from None


def read_spec(path: Path, *, cases: bool = True) -> ProjectSpec:
    """Read and parse the spec file at ``path``."""
    return parse_spec(read_spec_text(path), str(path), cases=cases)
