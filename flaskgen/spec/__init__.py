"""Spec stages: load (YAML with positions) -> shape (JSON Schema) -> normalize (frozen model)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flaskgen.errors import Problem, SpecError
from flaskgen.spec.loader import LoadedSpec, load_spec_text
from flaskgen.spec.model import ProjectSpec
from flaskgen.spec.normalize import normalize
from flaskgen.spec.schema import check_shape


def parse_spec(text: str, file: str = "spec.yaml") -> ProjectSpec:
    """Load, validate and normalize a spec; every problem is raised in one SpecError."""
    loaded = load_spec_text(text, file)
    problems, bad = check_shape(loaded)
    spec, more = normalize(loaded, bad)
    problems.extend(more)
    if problems or spec is None:
        raise SpecError(problems or [Problem(1, 1, "", "invalid spec", file)])
    return _with_probe(spec, loaded)


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


def read_spec(path: Path) -> ProjectSpec:
    """Read and parse the spec file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([Problem(1, 1, "", "file not found", str(path))]) from None
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(1, 1, "", f"not UTF-8 text ({exc.reason})", str(path))]) from None
    return parse_spec(text, str(path))
