"""The routing probe: ``validate`` runs the same reachability check as ``new`` without
computing the generated tests' expectations."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.routing import Rule

from flaskgen.core.errors import SpecError
from flaskgen.core.spec.loader import load_spec_text
from flaskgen.core.spec.normalize import normalize
from flaskgen.core.spec.probe import probe
from flaskgen.core.spec.routing import RuleParses
from flaskgen.core.spec.schema import check_shape
from flaskgen.resources import schema_text
from flaskgen.specfile import parse_spec

SPEC = """flaskgen: 1
project: {name: P, package: p}
routes:
  a: {rule: /a/<int:n>, json: true}
  b: {rule: /b, methods: [GET, POST], text: b}
  c: {rule: /c/<name>, text: "{name}"}
"""
SHADOWED = """flaskgen: 1
project: {name: P, package: p}
routes:
  a: {rule: "/p/<any(x):v>", text: a}
  b: {rule: /p/x, text: b}
"""


def test_expectations_are_computed_for_every_route_or_not_at_all() -> None:
    full = parse_spec(SPEC)
    assert full.probe is not None
    assert {c.endpoint for c in full.probe.urls} == {"a", "b", "c"}
    assert len(full.probe.http) >= 3
    checked = parse_spec(SPEC, cases=False)
    assert checked.probe is not None and not checked.probe.http and not checked.probe.urls


@pytest.mark.parametrize("cases", [True, False])
def test_an_unreachable_rule_is_an_error_either_way(cases: bool) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(SHADOWED, cases=cases)
    assert "can never be reached" in caught.value.format()


EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_probe_reuses_the_rules_the_normalization_parsed(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_spec_text(example.read_text(encoding="utf-8"), str(example))
    check_shape(loaded, schema_text())
    parses = RuleParses()
    spec, problems = normalize(loaded, loaded.bad, parses)
    assert spec is not None and not problems
    known = set(parses.parsed)
    parsed: list[str] = []
    real_compile = Rule.compile

    def counting_compile(rule: Rule) -> None:
        parsed.append(rule.rule)
        real_compile(rule)

    monkeypatch.setattr(Rule, "compile", counting_compile)
    shared = probe(spec, parses=parses)
    # Only rules the normalization never saw (static files, ...) are parsed again.
    assert len(parsed) == len(set(parses.parsed) - known)
    assert not any((p, "", True) in known for p in parsed)
    monkeypatch.undo()
    assert shared == probe(spec)
