"""The invalid-spec table: each broken spec gives exactly these messages, at these places.

Every case is appended to a two-line header (flaskgen: 1, project), so its own
lines start at line 3.
"""

from __future__ import annotations

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.specfile import parse_spec

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"

CASES: dict[str, tuple[str, list[str]]] = {
    "unknown top-level key": (
        "routs:\n  index: {rule: /}\n",
        ["spec.yaml:3:1: routs: unknown key 'routs' (did you mean 'routes'?)"],
    ),
    "unknown route key": (
        "routes:\n  index: {rule: /, tempalte: x.html}\n",
        [
            "spec.yaml:4:20: routes.index.tempalte: unknown key 'tempalte' (did you mean 'template'?)"
        ],
    ),
    "missing rule": (
        "routes:\n  index: {text: hi}\n",
        ["spec.yaml:4:10: routes.index.rule: missing required key 'rule'"],
    ),
    "rule without slash": (
        "routes:\n  index: {rule: index}\n",
        ["spec.yaml:4:17: routes.index.rule: 'index' is not valid: a URL rule starts with '/'"],
    ),
    "bad method": (
        "routes:\n  index: {rule: /, methods: [GET, FETCH]}\n",
        [
            "spec.yaml:4:35: routes.index.methods[1]: 'FETCH' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (did you mean 'PATCH'?)"
        ],
    ),
    "lowercase method": (
        "routes:\n  index: {rule: /, methods: [get]}\n",
        [
            "spec.yaml:4:30: routes.index.methods[0]: 'get' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (did you mean 'GET'?)"
        ],
    ),
    "two response keys": (
        "routes:\n  index: {rule: /, text: a, json: true}\n",
        ["spec.yaml:4:29: routes.index.json: a route has one response key; found 'text', 'json'"],
    ),
    "unknown converter": (
        "routes:\n  u: {rule: '/u/<slg:x>'}\n",
        ["spec.yaml:4:13: routes.u.rule: unknown converter 'slg'"],
    ),
    "bad converter args": (
        "routes:\n  u: {rule: '/u/<int(foo=1):x>'}\n",
        [
            "spec.yaml:4:13: routes.u.rule: invalid converter arguments in '/u/<int(foo=1):x>': got an unexpected keyword argument 'foo'"
        ],
    ),
    "malformed rule": (
        "routes:\n  u: {rule: '/u/<x'}\n",
        ["spec.yaml:4:13: routes.u.rule: invalid rule '/u/<x': malformed url rule: '/u/<x'"],
    ),
    "keyword variable": (
        "routes:\n  u: {rule: '/u/<class>'}\n",
        ["spec.yaml:4:13: routes.u.rule: URL variable 'class' is a Python keyword; rename it"],
    ),
    "variable twice": (
        "routes:\n  u: {rule: '/u/<x>/<int:x>'}\n",
        ["spec.yaml:4:13: routes.u.rule: a URL variable appears twice in '/u/<x>/<int:x>'"],
    ),
    "unknown text placeholder": (
        "routes:\n  u: {rule: '/u/<name>', text: 'Hi {nme}'}\n",
        [
            "spec.yaml:4:32: routes.u.text: '{nme}' is not a URL variable of this route (did you mean 'name'?)"
        ],
    ),
    "unbalanced brace": (
        "routes:\n  u: {rule: /u, text: 'a } b'}\n",
        [
            "spec.yaml:4:23: routes.u.text: Single '}' encountered in format string; write {{ and }} for literal braces"
        ],
    ),
    "format spec in text": (
        "routes:\n  u: {rule: '/u/<int:n>', text: '{n:>4}'}\n",
        ["spec.yaml:4:33: routes.u.text: '{n:>4}': only plain {name} placeholders are allowed"],
    ),
    "duplicate rule and method": (
        "routes:\n  a: {rule: /x}\n  b: {rule: /x}\n",
        ["spec.yaml:5:13: routes.b.rule: GET /x is already routed to 'a' (line 4)"],
    ),
    "same rule other variable name": (
        "routes:\n  a: {rule: '/x/<int:a>'}\n  b: {rule: '/x/<int:b>'}\n",
        ["spec.yaml:5:13: routes.b.rule: GET /x/<int:b> is already routed to 'a' (line 4)"],
    ),
    "redirect to missing endpoint": (
        "routes:\n  a: {rule: /a, redirect: hom}\n  home: {rule: /h}\n",
        ["spec.yaml:4:27: routes.a.redirect: no endpoint 'hom' (did you mean 'home'?)"],
    ),
    "redirect needs variables": (
        "routes:\n  a: {rule: /a, redirect: b}\n  b: {rule: '/b/<int:n>'}\n",
        [
            "spec.yaml:4:27: routes.a.redirect: 'b' needs URL variables n that this route does not have"
        ],
    ),
    "redirect_to unknown variable": (
        "routes:\n  a: {rule: '/a/<int:n>', redirect_to: '/b/<m>'}\n",
        [
            "spec.yaml:4:40: routes.a.redirect_to: <m> is not a URL variable of every rule of this route"
        ],
    ),
    "abort with status": (
        "routes:\n  a: {rule: /a, abort: 401, status: 200}\n",
        ["spec.yaml:4:37: routes.a.status: 'status' does not apply to abort"],
    ),
    "abort not an error code": (
        "routes:\n  a: {rule: /a, abort: 302}\n",
        ["spec.yaml:4:24: routes.a.abort: must be at least 400, got 302"],
    ),
    "redirect with 200": (
        "routes:\n  a: {rule: /a, redirect: b, status: 200}\n  b: {rule: /b}\n",
        [
            "spec.yaml:4:38: routes.a.status: a redirect status must be 301, 302, 303, 307 or 308, not 200"
        ],
    ),
    "keyword endpoint": (
        "routes:\n  class: {rule: /a}\n",
        ["spec.yaml:4:3: routes.class: 'class' is a Python keyword and cannot name a view"],
    ),
    "endpoint with dash": (
        "routes:\n  my-page: {rule: /a}\n",
        [
            "spec.yaml:4:3: routes.my-page: invalid name 'my-page': use letters, digits and underscores, not starting with a digit"
        ],
    ),
    "default never used": (
        "routes:\n  a: {rule: '/a/<int:page>', defaults: {page: 1}}\n",
        [
            "spec.yaml:4:47: routes.a.defaults.page: every rule has <page>, so this default is never used"
        ],
    ),
    "example not a variable": (
        "routes:\n  a: {rule: '/a/<int:page>', examples: {pag: 2}}\n",
        [
            "spec.yaml:4:41: routes.a.examples.pag: 'pag' is not a URL variable of this route (did you mean 'page'?)"
        ],
    ),
    "subdomain without SERVER_NAME": (
        "routes:\n  a: {rule: /a, subdomain: '<user>'}\n",
        [
            "spec.yaml:4:28: routes.a.subdomain: subdomain routes need SERVER_NAME in the config (set it in config.testing or config.base)"
        ],
    ),
    "blueprint shadows a module": (
        "blueprints:\n  config:\n    routes: {a: {rule: /a}}\n",
        [
            "spec.yaml:4:3: blueprints.config: 'config' is a module of the generated app; pick another blueprint name"
        ],
    ),
    "blueprint duplicate rule": (
        "routes:\n  a: {rule: /account/x}\nblueprints:\n  account:\n    url_prefix: /account\n    routes: {x: {rule: /x}}\n",
        [
            "spec.yaml:8:24: blueprints.account.routes.x.rule: GET /account/x is already routed to 'a' (line 4)"
        ],
    ),
    "error code not an error": (
        "errors:\n  302: {text: moved}\n",
        [
            "spec.yaml:4:3: errors.302: invalid name '302': error handlers are keyed by a 4xx or 5xx status code"
        ],
    ),
    "error code unknown": (
        "errors:\n  499: {text: nope}\n",
        ["spec.yaml:4:3: errors.499: 499 is not an HTTP error status werkzeug knows"],
    ),
    "error with two responses": (
        "errors:\n  404: {text: a, html: b}\n",
        ["spec.yaml:4:18: errors.404.html: a route has one response key; found 'text', 'html'"],
    ),
    "config profile unknown key": (
        "config:\n  base:\n    debug: true\n",
        [
            "spec.yaml:5:5: config.base.debug: unknown key 'debug' (Flask settings are UPPERCASE; the only directive is 'extends')"
        ],
    ),
    "config extends unknown": (
        "config:\n  staging: {extends: prod}\n",
        [
            "spec.yaml:4:22: config.staging.extends: unknown profile 'prod' (did you mean 'production'?)"
        ],
    ),
    "config extends cycle": (
        "config:\n  a: {extends: b}\n  b: {extends: a}\n",
        ["spec.yaml:4:16: config.a.extends: profiles extend each other in a cycle: a -> b -> a"],
    ),
    "config malformed env": (
        "config:\n  base:\n    SECRET_KEY: ${SECRET_KEY\n",
        [
            "spec.yaml:5:17: config.base.SECRET_KEY: malformed environment reference in '${SECRET_KEY': write ${NAME} or ${NAME:-default}"
        ],
    ),
    "converter shadows builtin": (
        "converters:\n  int: {regex: '\\d+'}\n",
        ["spec.yaml:4:3: converters.int: 'int' is a built-in converter; pick another name"],
    ),
    "converter bad regex": (
        "converters:\n  slug: {regex: '[a-'}\n",
        [
            "spec.yaml:4:17: converters.slug.regex: invalid regular expression: unterminated character set at position 0"
        ],
    ),
    "converter bad type": (
        "converters:\n  slug: {regex: '[a-z]+', type: integer}\n",
        [
            "spec.yaml:4:33: converters.slug.type: 'integer' is not one of str, int, float (did you mean 'int'?)"
        ],
    ),
    "duplicate key": (
        "routes:\n  a: {rule: /a}\n  a: {rule: /b}\n",
        ["spec.yaml:5:3: routes.a: duplicate key 'a' (first defined at line 4)"],
    ),
    "json false": (
        "routes:\n  a: {rule: /a, json: false}\n",
        ["spec.yaml:4:23: routes.a.json: must be true, not false"],
    ),
    "invalid yaml": (
        "routes:\n  a: {rule: /a\n",
        ["spec.yaml:5:1: invalid YAML: expected ',' or '}', but got '<stream end>'"],
    ),
    "unreachable rule": (
        "routes:\n  a: {rule: '/p/<any(x):v>'}\n  b: {rule: /p/x}\n",
        [
            "spec.yaml:4:13: routes.a.rule: this rule can never be reached: GET /p/x is routed to 'b' (/p/x) first"
        ],
    ),
    "number where text is expected": (
        "routes:\n  a: {rule: [/a, 3]}\n",
        ["spec.yaml:4:18: routes.a.rule[1]: '3' is not valid: a URL rule starts with '/'"],
    ),
    "three independent mistakes": (
        "routes:\n  index: {rule: /, tempalte: index.html}\n  show: {rule: '/u/<nope:x>', text: hi}\n  other: {rule: /o, text: 'Hello {nam}'}\n",
        [
            "spec.yaml:4:20: routes.index.tempalte: unknown key 'tempalte' (did you mean 'template'?)",
            "spec.yaml:5:16: routes.show.rule: unknown converter 'nope'",
            "spec.yaml:6:27: routes.other.text: '{nam}' is not a URL variable of this route",
        ],
    ),
}

WHOLE_SPECS: dict[str, tuple[str, list[str]]] = {
    "empty file": ("", ["spec.yaml:1:1: the spec is empty"]),
    "no project": ("flaskgen: 1\n", ["spec.yaml:1:1: project: missing required key 'project'"]),
    "wrong format version": (
        "flaskgen: 2\nproject: {name: X, package: xapp}\n",
        ["spec.yaml:1:11: flaskgen: must be 1, not 2"],
    ),
    "package shadows flask": (
        "flaskgen: 1\nproject: {name: X, package: flask}\n",
        [
            "spec.yaml:2:29: project.package: 'flask' would shadow the module of that name; pick another package name"
        ],
    ),
    "package shadows the stdlib": (
        "flaskgen: 1\nproject: {name: X, package: json}\n",
        [
            "spec.yaml:2:29: project.package: 'json' would shadow the module of that name; pick another package name"
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES)
def test_invalid_spec_reports_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


@pytest.mark.parametrize(("text", "expected"), WHOLE_SPECS.values(), ids=WHOLE_SPECS)
def test_invalid_whole_spec_reports_exactly(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert [p.format() for p in caught.value.problems] == expected


def test_yaml_11_traps_are_plain_text() -> None:
    spec = parse_spec(
        "flaskgen: 1\nproject: {name: X, package: xapp, python: '>=3.10', version: 1.10}\n"
        "routes:\n  on: {rule: /on, text: yes}\n  no: {rule: /no, text: off}\n"
        "errors:\n  404: {text: nothing here}\n"
    )
    assert spec.project.python == ">=3.10"
    assert spec.project.version == "1.10"  # the text written, not the float 1.1
    assert [r.key for r in spec.routes] == ["on", "no"]
    assert [r.response.text for r in spec.routes] == ["yes", "off"]
    assert [e.code for e in spec.errors] == [404]
    with pytest.raises(SpecError) as caught:  # requires-python needs an operator; the text is kept
        parse_spec("flaskgen: 1\nproject: {name: X, package: xapp, python: 3.10}\n")
    assert "project.python: '3.10' is not a version specifier" in str(caught.value)


def test_problems_are_sorted_by_position() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + CASES["three independent mistakes"][0])
    positions = [(p.line, p.col) for p in caught.value.problems]
    assert positions == sorted(positions) and len(positions) == 3
