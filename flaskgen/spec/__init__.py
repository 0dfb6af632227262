"""Spec stages: load (YAML with positions) -> shape (JSON Schema) -> normalize (frozen model)."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

from flaskgen.errors import Problem, SpecError
from flaskgen.spec.loader import LoadedSpec, dotted, load_spec_text
from flaskgen.spec.model import ProjectSpec
from flaskgen.spec.normalize import normalize
from flaskgen.spec.schema import check_shape


def parse_spec(text: str, file: str = "spec.yaml") -> ProjectSpec:
    """Load, validate and normalize a spec; every problem is raised in one SpecError."""
    loaded = load_spec_text(text, file)
    shape, bad = check_shape(loaded)
    # A value the loader refused is reported once, by the loader.
    problems = loaded.problems + [p for p in shape if not _under(p, loaded)]
    spec, more = normalize(loaded, bad | loaded.bad)
    problems.extend(more)
    if problems or spec is None:
        raise SpecError(problems or [Problem(1, 1, "", "invalid spec", file)])
    return _with_probe(spec, loaded)


def _under(problem: Problem, loaded: LoadedSpec) -> bool:
    """True if ``problem`` is about a value the loader refused (or something inside it)."""
    return any(problem.path == dotted(b) or problem.path.startswith((f"{dotted(b)}.", f"{dotted(b)}[")) for b in loaded.bad if b)


def _with_probe(spec: ProjectSpec, loaded: LoadedSpec) -> ProjectSpec:
    """Attach the routing probe; a rule that can never be reached is a spec error."""
    from flaskgen.probe import probe

    result = probe(spec)
    problems = []
    for route, index, why in result.unreachable:
        base: tuple[str | int, ...] = ("blueprints", route.blueprint, "routes", route.key) if route.blueprint else ("routes", route.key)
        path = (*base, "rule", index) if len(route.rules) > 1 else (*base, "rule")
        problems.append(loaded.problem(path, f"this rule can never be reached: {why}"))
    if problems:
        raise SpecError(problems)
    return replace(spec, probe=result)


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


def read_spec(path: Path) -> ProjectSpec:
    """Read and parse the spec file at ``path``."""
    return parse_spec(read_spec_text(path), str(path))
