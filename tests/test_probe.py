"""The routing probe: ``validate`` runs the same reachability check as ``new`` without
computing the generated tests' expectations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Map, MapAdapter, Rule

from flaskgen.core.errors import SpecError
from flaskgen.core.spec.loader import load_spec_text
from flaskgen.core.spec.normalize import normalize
from flaskgen.core.spec.probe import probe
from flaskgen.core.spec.routing import ProbeRule, RuleParses, SampleTexts, make_map
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


def test_the_probe_binds_the_map_once_per_subdomain(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = parse_spec((Path(__file__).resolve().parent.parent / "examples" / "spec-v1.yaml").read_text(encoding="utf-8"))
    subdomains: list[str | None] = []
    real_bind = Map.bind

    def counting_bind(self: Map, server_name: str, *args: Any, **kwargs: Any) -> MapAdapter:
        subdomains.append(kwargs.get("subdomain"))
        return real_bind(self, server_name, *args, **kwargs)

    monkeypatch.setattr(Map, "bind", counting_bind)
    result = probe(spec)
    assert len(subdomains) == len(set(subdomains)) >= 3  # the root, admin and <user>
    monkeypatch.undo()
    assert result == probe(spec)


def test_sample_texts_are_shared_only_by_converters_that_accept_the_same_texts() -> None:
    url_map = make_map(())
    rules = {text: ProbeRule(text, endpoint=text) for text in ("/a/<int:x>", "/b/<int:y>", "/c/<int(min=50):x>", "/d/<x>", "/e/<any(p, q):x>")}
    for rule in rules.values():
        url_map.add(rule)
    conv = {text: next(iter(rule._converters.values())) for text, rule in rules.items()}
    texts = SampleTexts()
    assert texts.key(conv["/a/<int:x>"]) == texts.key(conv["/b/<int:y>"])
    assert len({texts.key(c) for c in conv.values()}) == 4
    assert texts.accepted(conv["/c/<int(min=50):x>"])[0] == "50"
    assert texts.accepted(conv["/a/<int:x>"])[0] == "1"
    assert texts.accepted(conv["/e/<any(p, q):x>"]) == ["p", "q"]
    assert texts.rejected(conv["/a/<int:x>"]) == "not-a-number"
    assert texts.rejected(conv["/e/<any(p, q):x>"]) == "not-a-number"
    assert texts.rejected(conv["/d/<x>"]) is None  # a string takes any of the candidates


def test_a_spec_read_without_the_probe_is_the_same_spec_without_its_cases() -> None:
    text = (Path(__file__).parent.parent / "examples" / "spec-v1.yaml").read_text(encoding="utf-8")
    full, bare = parse_spec(text), parse_spec(text, probe_routes=False)
    assert full.probe is not None and full.probe.http and full.probe.urls
    assert bare.probe is None
    assert bare == full  # the probe is not part of a spec's value


def test_url_for_expectations_are_built_as_werkzeug_builds_them() -> None:
    spec = parse_spec("flaskgen: 1\nproject: {name: X, package: xapp}\nroutes:\n  greet: {rule: '/grüße/<name>', text: hi}\n")
    assert spec.probe is not None
    (case,) = [c for c in spec.probe.urls if c.endpoint == "greet"]
    assert case.url.startswith("http://localhost/gr%C3%BC%C3%9Fe/")
