"""The routing probe: ``validate`` runs the same reachability check as ``new`` without
computing the generated tests' expectations."""

from __future__ import annotations

import pytest

from flaskgen.core.errors import SpecError
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
