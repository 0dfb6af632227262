"""Spec stages, pure: load (YAML text with positions) -> shape (JSON Schema) -> normalize
(frozen, typed values) -> routing probe. Reading the file and the schema is the shell's
job (``flaskgen.specfile``)."""

from __future__ import annotations

from dataclasses import replace

from flaskgen.core.errors import Problem, SpecError
from flaskgen.core.spec.loader import LoadedSpec, dotted, load_spec_text
from flaskgen.core.spec.normalize import normalize
from flaskgen.core.spec.probe import probe
from flaskgen.core.spec.routing import RuleParses
from flaskgen.core.spec.schema import check_shape
from flaskgen.core.spec.types import ProjectSpec


def parse_spec(
    text: str, schema_text: str, file: str = "spec.yaml", *, cases: bool = True, probe_routes: bool = True
) -> ProjectSpec:
    """Load, validate (against ``schema_text``, the JSON Schema) and normalize a spec;
    every problem is raised in one SpecError. ``cases=False`` runs every check but skips
    computing the generated route tests' expectations (for ``validate``);
    ``probe_routes=False`` also skips the routing probe and its reachability check (for
    the spec a project was last generated from, which passed them then)."""
    loaded = load_spec_text(text, file)
    parses = RuleParses()  # each rule is parsed once, for the checks and the probe
    shape, bad = check_shape(loaded, schema_text)
    # A value the loader refused is reported once, by the loader.
    problems = loaded.problems + [p for p in shape if not _under(p, loaded)]
    spec, more = normalize(loaded, bad | loaded.bad, parses)
    problems.extend(more)
    if problems or spec is None:
        raise SpecError(problems or [Problem(1, 1, "", "invalid spec", file)])
    return _with_probe(spec, loaded, cases, parses) if probe_routes else spec


def _under(problem: Problem, loaded: LoadedSpec) -> bool:
    """True if ``problem`` is about a value the loader refused (or something inside it)."""
    return any(problem.path == dotted(b) or problem.path.startswith((f"{dotted(b)}.", f"{dotted(b)}[")) for b in loaded.bad if b)


def _with_probe(spec: ProjectSpec, loaded: LoadedSpec, cases: bool, parses: RuleParses) -> ProjectSpec:
    """Attach the routing probe; a rule that can never be reached is a spec error."""
    result = probe(spec, expectations=cases, parses=parses)
    problems = []
    for route, index, why in result.unreachable:
        base: tuple[str | int, ...] = ("blueprints", route.blueprint, "routes", route.key) if route.blueprint else ("routes", route.key)
        path = (*base, "rule", index) if len(route.rules) > 1 else (*base, "rule")
        problems.append(loaded.problem(path, f"this rule can never be reached: {why}"))
    if problems:
        raise SpecError(problems)
    return replace(spec, probe=result)
