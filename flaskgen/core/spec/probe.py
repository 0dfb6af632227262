"""Expected HTTP behaviour of the generated app, computed by real werkzeug matching.

The probe builds the same URL map the generated app will have and asks it, for every
route, which URL to request, what must come back, which method gets 405 and which
URL gets 404. The generated tests then check the real app against these answers.
"""

from __future__ import annotations

import html
import json as jsonlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, MapAdapter, RequestRedirect, Rule
from werkzeug.routing.converters import BaseConverter

from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec import routing
from flaskgen.core.spec.auth import BLUEPRINT, URL_PREFIX, auth_rules
from flaskgen.core.spec.base import join_prefix
from flaskgen.core.spec.config import resolved_setting
from flaskgen.core.spec.types import Constant, ProjectSpec, Route

MISSING = object()
PROBE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CSRF_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # Flask-WTF's WTF_CSRF_METHODS


@dataclass(frozen=True)
class HttpCase:
    """One request of the generated route tests and what must come back."""

    id: str
    method: str
    url: str
    status: int
    mimetype: str | None = None
    text: str | None = None  # the exact body
    json: str | None = None  # Python source of the JSON body
    location: str | None = None
    template: str | None = None  # the template the view renders
    context: str | None = None  # Python source of the URL values the template gets
    token: bool = False  # the request must carry the CSRF token
    exempt: bool = False  # a state-changing request to a `csrf: false` view
    login: bool = False  # the route needs a logged-in user: the test logs in first


@dataclass(frozen=True)
class UrlCase:
    """``url_for(endpoint, **values)`` must give ``url``, and ``url`` must route back."""

    id: str
    endpoint: str
    method: str
    values: str  # Python source of a dict literal
    url: str
    view_args: str | None  # Python source, or None when the rule redirects
    uuid: bool = False  # a value is a UUID (the test module imports UUID)


@dataclass(frozen=True)
class Probe:
    base_url: str
    http: tuple[HttpCase, ...]
    urls: tuple[UrlCase, ...]
    unreachable: tuple[tuple[Route, int, str], ...]  # (route, rule index, why)

    @property
    def uses_uuid(self) -> bool:
        return any(c.uuid for c in self.urls)


def server_name(spec: ProjectSpec) -> str:
    setting = resolved_setting(spec.profiles, "testing", "SERVER_NAME")
    if setting is None or not isinstance(setting.value, Constant) or not isinstance(setting.value.value, str):
        return "localhost"
    return setting.value.value




def build_map(spec: ProjectSpec, parses: routing.RuleParses | None = None) -> tuple[Map, dict[tuple[str, int], Rule]]:
    """The generated app's URL map, and each (endpoint, rule index)'s Rule (parsed
    once: ``parses`` holds the normalization's parse of each rule text)."""
    url_map = routing.make_map(spec.converters, parses)
    rules: dict[tuple[str, int], Rule] = {}
    blueprints: dict[str | None, tuple[str | None, str | None]] = {bp.name: (bp.url_prefix, bp.subdomain) for bp in spec.blueprints}
    for route in spec.all_routes:
        prefix, bp_sub = blueprints.get(route.blueprint, (None, None))
        subdomain = route.subdomain or bp_sub or ""
        methods = set(route.methods) | {"OPTIONS"}
        for i, url_rule in enumerate(route.rules):
            rule = routing.ProbeRule(
                join_prefix(prefix, url_rule.rule),
                endpoint=route.endpoint,
                methods=methods,
                defaults=dict(url_rule.defaults) or None,
                strict_slashes=route.strict_slashes,
                subdomain=subdomain,
                redirect_to=route.response.target if route.response.kind == "redirect_to" else None,
            )
            url_map.add(rule)
            rules[(route.endpoint, i)] = rule
    for upload in spec.uploads:
        url_map.add(routing.ProbeRule(upload.rule, endpoint=upload.name, methods={"GET", "POST", "OPTIONS"}))
        if upload.serve:
            url_map.add(routing.ProbeRule(upload.serve, endpoint=f"{upload.name}_file", methods={"GET", "OPTIONS"}))
    if spec.auth is not None:
        for rule_text, key, verbs in auth_rules(spec.auth):
            url_map.add(routing.ProbeRule(URL_PREFIX + rule_text, endpoint=f"{BLUEPRINT}.{key}", methods={*verbs, "OPTIONS"}))
    url_map.add(routing.ProbeRule("/static/<path:filename>", endpoint="static", methods={"GET", "OPTIONS"}))
    return url_map, rules


def _dict_source(values: dict[str, Any]) -> str:
    """A dict literal; a UUID value is ``UUID('...')``."""
    return pysrc(values)


def _samples(route: Route, rule: Rule, texts_of: routing.SampleTexts) -> Iterator[dict[str, str]]:
    """Up to three candidate URL texts for the rule's variables, examples first (made
    one at a time: the first one nearly always reaches the rule)."""
    examples = {k: str(v) for k, v in route.examples}
    options: dict[str, list[str]] = {}
    defaults = {k: v for r in route.rules for k, v in r.defaults}
    for name in routing.rule_variables(rule):
        conv: BaseConverter = rule._converters[name]
        texts = [examples[name]] if name in examples else texts_of.accepted(conv)
        # A value equal to another rule's default would redirect to that rule.
        if name in defaults:
            texts = [t for t in texts if conv.to_python(t) != defaults[name]]
        options[name] = texts or ["x"]
    for i in range(3):
        yield {name: texts[min(i, len(texts) - 1)] for name, texts in options.items()}


def _url(base: str, subdomain: str, path: str) -> str:
    scheme, host = base.split("://", 1)
    return f"{scheme}://{subdomain + '.' if subdomain else ''}{host}{path}"


def _built_path(rule: Rule, texts: dict[str, str], path: str) -> str:
    """``path`` as werkzeug builds it for ``url_for``: static parts percent-encoded
    (``/café`` -> ``/caf%C3%A9``); the matched path where the rule builds none."""
    values = {n: rule._converters[n].to_python(t) for n, t in texts.items() if n in rule._converters}
    built = rule.build(values, append_unknown=False)
    return built[1] if built else path


def _subdomain_text(rule: Rule, texts: dict[str, str]) -> str:
    out = ""
    for dynamic, data in rule._trace:
        if (dynamic, data) == (False, "|"):
            break
        out += texts[data] if dynamic else data
    return out


class _Adapters:
    """The map bound once per subdomain (binding normalizes the server name each time)."""

    def __init__(self, url_map: Map, server: str) -> None:
        self.url_map = url_map
        self.server = server
        self.bound: dict[str, MapAdapter] = {}

    def __call__(self, subdomain: str) -> MapAdapter:
        adapter = self.bound.get(subdomain)
        if adapter is None:
            adapter = self.bound[subdomain] = self.url_map.bind(self.server, subdomain=subdomain)
        return adapter


def _first_match(route: Route, rule: Rule, adapters: _Adapters, texts_of: routing.SampleTexts) -> tuple[dict[str, str], str, str] | str:
    """The first sample URL that reaches ``rule``: (texts, subdomain, path), else why none does."""
    why = None
    for texts in _samples(route, rule, texts_of):
        sub = _subdomain_text(rule, texts)
        path = routing.fill(rule, texts)
        why = _routes_to(adapters(sub), path, route, rule)
        if why is None:
            return texts, sub, path
    return why or "it never matches"


def probe(spec: ProjectSpec, *, expectations: bool = True, parses: routing.RuleParses | None = None) -> Probe:
    """Prove every rule reachable and, with ``expectations``, compute every expectation of the
    generated route tests (``validate`` needs only the former). ``parses``: the rules the
    normalization parsed, so none is parsed twice."""
    url_map, rules = build_map(spec, parses)
    server = server_name(spec)
    base = f"http://{server}"
    adapters = _Adapters(url_map, server)
    texts_of = routing.SampleTexts()
    http: list[HttpCase] = []
    urls: list[UrlCase] = []
    unreachable: list[tuple[Route, int, str]] = []
    for route in spec.all_routes:
        for i, url_rule in enumerate(route.rules):
            rule = rules[(route.endpoint, i)]
            found = _first_match(route, rule, adapters, texts_of)
            if isinstance(found, str):
                unreachable.append((route, i, found))
            elif expectations:
                texts, sub, path = found
                label = f"{route.endpoint}[{i}]" if len(route.rules) > 1 else route.endpoint
                full = _url(base, sub, _built_path(rule, texts, path))
                case, cases = _expectations(spec, route, rule, url_rule.defaults, adapters(sub), label, full, texts)
                urls.append(case)
                http += [replace(c, login=True) for c in cases] if spec.guarded(route) else cases
                http += _negative_cases(adapters(sub), route, rule, label, base, texts, sub, texts_of)
    return Probe(base, tuple(http), tuple(urls), tuple(unreachable))


def _expectations(
    spec: ProjectSpec,
    route: Route,
    rule: Rule,
    defaults: tuple[tuple[str, Any], ...],
    adapter: MapAdapter,
    label: str,
    full: str,
    texts: dict[str, str],
) -> tuple[UrlCase, list[HttpCase]]:
    """The url_for case and the HTTP cases of one rule reached at ``full``."""
    values = {n: rule._converters[n].to_python(t) for n, t in texts.items()}
    view_args = {**dict(defaults), **values}
    is_redirect = route.response.kind == "redirect_to"
    case = UrlCase(
        id=label,
        endpoint=route.endpoint,
        method=route.methods[0],
        values=_dict_source(values),
        url=full,
        view_args=None if is_redirect else _dict_source(view_args),
        uuid=any(isinstance(v, UUID) for v in (*values.values(), *({} if is_redirect else view_args).values())),
    )
    return case, _http_cases(spec, route, rule, adapter, label, full, texts, values, view_args)


def _routes_to(adapter: MapAdapter, path: str, route: Route, rule: Rule) -> str | None:
    method = route.methods[0]
    try:
        matched, _ = adapter.match(path, method, return_rule=True)
    except RequestRedirect as exc:
        if route.response.kind == "redirect_to":
            return None
        return f"{method} {path} redirects to {exc.new_url}"
    except (NotFound, MethodNotAllowed) as exc:
        return f"{method} {path} gives {exc.code}"
    if matched is rule:
        return None
    return f"{method} {path} is routed to '{matched.endpoint}' ({matched.rule}) first"


def _http_cases(
    spec: ProjectSpec,
    route: Route,
    rule: Rule,
    adapter: MapAdapter,
    label: str,
    url: str,
    texts: dict[str, str],
    values: dict[str, Any],
    view_args: dict[str, Any],
) -> list[HttpCase]:
    response = route.response
    out = []
    args = {p.name: view_args.get(p.name, None) for p in route.params}
    for p in route.params:
        if p.name not in view_args and p.default is not None and p.default.value is not None:
            args[p.name] = p.default.value
    methods = ["GET"] if response.kind == "redirect_to" else list(route.methods)
    for method in methods:
        case_id = f"{label} {method}"
        status = route.status or 200
        head = method == "HEAD"
        if response.kind == "redirect_to":
            target = rule.redirect_to
            assert isinstance(target, str)
            filled = target
            for name, value in values.items():
                filled = filled.replace(f"<{name}>", rule._converters[name].to_url(value))
            out.append(HttpCase(case_id, method, url, 308, location=filled))
        elif response.kind == "abort":
            out.append(HttpCase(case_id, method, url, response.abort))
        elif response.kind == "redirect":
            target_values = {k: v for k, v in args.items() if k in _target_vars(spec, response.target)}
            location = adapter.build(response.target, target_values)
            out.append(HttpCase(case_id, method, url, route.status or 302, location=location))
        elif response.kind == "template":
            # The template is the user's to fill: assert what the view passes it, not its text.
            out.append(HttpCase(case_id, method, url, status, "text/html", template=response.template, context=_dict_source(args)))
        elif response.kind in ("text", "html"):
            body = _format(response.text or "", args, escape=response.kind == "html")
            mimetype = "text/plain" if response.kind == "text" else "text/html"
            out.append(HttpCase(case_id, method, url, status, mimetype, text="" if head else body))
        elif response.kind == "json":
            # `json: true` answers with a placeholder (the URL values) the user replaces.
            declared = response.json is not None and not head
            source = _json_source(response.json) if declared else None
            out.append(HttpCase(case_id, method, url, status, "application/json", json=source))
    return [_csrf_flags(spec, route, case) for case in out]


def _csrf_flags(spec: ProjectSpec, route: Route, case: HttpCase) -> HttpCase:
    """Mark the requests that must carry the CSRF token, and those exempt from it."""
    if not spec.project.csrf or case.method not in CSRF_METHODS:
        return case
    return replace(case, token=route.csrf, exempt=not route.csrf)


def _target_vars(spec: ProjectSpec, endpoint: str) -> set[str]:
    for route in spec.all_routes:
        if route.endpoint == endpoint:
            return {v.name for v in route.variables}
    for upload in spec.uploads:
        if endpoint == f"{upload.name}_file":
            return {"filename"}
    return set()


def _format(text: str, args: dict[str, Any], *, escape: bool) -> str:
    shown = {k: (html.escape(str(v), quote=True) if escape else str(v)) for k, v in args.items()}
    return text.format(**shown)


def _json_source(value: Any) -> str:
    # Round-trip through JSON so the expectation is exactly what a client decodes.
    return repr(jsonlib.loads(jsonlib.dumps(value, default=str)))


def _negative_cases(
    adapter: MapAdapter,
    route: Route,
    rule: Rule,
    label: str,
    base: str,
    texts: dict[str, str],
    sub: str,
    texts_of: routing.SampleTexts,
) -> list[HttpCase]:
    out: list[HttpCase] = []
    if route.response.kind == "redirect_to":
        return out
    path = routing.fill(rule, texts)
    for method in PROBE_METHODS:
        if method in route.methods:
            continue
        try:
            adapter.match(path, method)
        except MethodNotAllowed:
            out.append(HttpCase(f"{label} {method} not allowed", method, _url(base, sub, path), 405))
            break
        except (NotFound, RequestRedirect):
            break
        else:
            continue
    path_vars = [n for dynamic, n in rule._trace[rule._trace.index((False, "|")) + 1 :] if dynamic]
    for name in path_vars:
        bad = texts_of.rejected(rule._converters[name])
        if bad is None:
            continue
        wrong = routing.fill(rule, {**texts, name: bad})
        try:
            adapter.match(wrong, route.methods[0])
        except NotFound:
            out.append(HttpCase(f"{label} <{name}> mismatch", route.methods[0], _url(base, sub, wrong), 404))
            break
        except (MethodNotAllowed, RequestRedirect):
            continue
        else:
            continue
    return out
