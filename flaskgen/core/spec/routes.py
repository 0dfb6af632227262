"""``routes:`` and ``blueprints:``: rules parsed by werkzeug, URL variables, view
parameters, rule clashes."""

from __future__ import annotations

import keyword
import re
from dataclasses import replace
from typing import Any

from werkzeug.routing import Rule

from flaskgen.core.spec import routing
from flaskgen.core.spec.access import ANYONE, single_rule
from flaskgen.core.spec.base import (
    APP_MODULES,
    VIEW_MODULE_NAMES,
    Ctx,
    RouteCheck,
    camel,
    join_prefix,
)
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.responses import parse_response
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import (
    Blueprint,
    Constant,
    Param,
    Response,
    Route,
    UrlRule,
    UrlVar,
)


def parse_rule(
    ctx: Ctx, rc: RouteCheck, path: KeyPath, text: str, subdomain: str | None
) -> Rule | None:
    rule = routing.ProbeRule(text, endpoint="probe", subdomain=subdomain or "")
    try:
        rule.bind(rc.url_map)  # parsed against the map's converters; nothing matches on this map
    except LookupError as exc:
        name = str(exc).split("'")[1] if "'" in str(exc) else str(exc)
        choices = sorted(rc.url_map.converters)
        ctx.error(path, f"unknown converter '{name}'{did_you_mean(name, choices)}")
        return None
    except TypeError as exc:
        detail = re.sub(r"^\w+\.__init__\(\) ", "", str(exc))
        ctx.error(path, f"invalid converter arguments in {text!r}: {detail}")
        return None
    except SyntaxError:  # werkzeug compiles a builder whose arguments must be unique
        ctx.error(path, f"a URL variable appears twice in {text!r}")
        return None
    except (ValueError, re.error) as exc:
        ctx.error(path, f"invalid rule {text!r}: {exc}")
        return None
    for conv in rule._converters.values():
        try:
            re.compile(conv.regex)
        except re.error as exc:
            ctx.error(path, f"invalid regular expression in {text!r}: {exc}")
            return None
    for var in routing.rule_variables(rule):
        if keyword.iskeyword(var) or var in ("self",):
            ctx.error(path, f"URL variable '{var}' is a Python keyword; rename it")
            return None
    if any(ch.isspace() for dynamic, data in rule._trace if not dynamic for ch in data):
        ctx.error(path, f"a URL path cannot hold whitespace, as in {text!r}; use '-' or '_'")
        return None
    odd = next((c for dynamic, data in rule._trace if not dynamic for c in "?#%" if c in data), None)
    if odd is not None:
        why = {
            "?": "the query string starts there (read it with request.args)",
            "#": "browsers never send the fragment",
            "%": "it starts a percent-escape; write the character itself (werkzeug encodes it)",
        }[odd]
        ctx.error(path, f"'{odd}' cannot be part of a URL path in {text!r}: {why}")
        return None
    seen = [data for dynamic, data in rule._trace if dynamic]
    if len(seen) != len(set(seen)):
        ctx.error(path, f"a URL variable appears twice in {text!r}")
        return None
    return rule


SUBDOMAIN_RE = re.compile(r"(?:[A-Za-z0-9.-]|<[^<>]+>)+")


def checked_subdomain(ctx: Ctx, path: KeyPath, value: Any) -> Any:
    """``value``, reported unless it is a host name part: letters, digits, '-', '.' and
    <variables> (the rules are still checked with it)."""
    if isinstance(value, str) and not SUBDOMAIN_RE.fullmatch(value):
        ctx.error(path, f"the subdomain {value!r} may hold only letters, digits, '-', '.' and <variables>")
    return value


def _parse_rules(
    ctx: Ctx, rc: RouteCheck, path: KeyPath, raw: dict[str, Any], prefix: str | None, subdomain: str | None
) -> tuple[list[str], list[KeyPath], list[Rule]] | None:
    """The route's rule texts, their spec paths and parsed rules; None after an error."""
    rules_raw = raw["rule"] if isinstance(raw["rule"], list) else [raw["rule"]]
    rule_paths: list[KeyPath] = [(*path, "rule", i) if isinstance(raw["rule"], list) else (*path, "rule") for i in range(len(rules_raw))]
    parsed: list[Rule] = []
    for rpath, text in zip(rule_paths, rules_raw, strict=True):
        rule = parse_rule(ctx, rc, rpath, join_prefix(prefix, text), subdomain)
        if rule is None:
            return None
        parsed.append(rule)
    return rules_raw, rule_paths, parsed


def _url_vars(
    ctx: Ctx, rc: RouteCheck, rule_paths: list[KeyPath], parsed: list[Rule]
) -> tuple[dict[str, UrlVar], list[list[str]]] | None:
    """Variables across rules, with one type each, and each rule's variable names."""
    variables: dict[str, UrlVar] = {}
    per_rule: list[list[str]] = []
    for rpath, rule in zip(rule_paths, parsed, strict=True):
        names = routing.rule_variables(rule)
        per_rule.append(names)
        for name in names:
            conv = rule._converters[name]
            annotation = routing.python_annotation(conv, rc.custom_types)
            var = UrlVar(name, routing.converter_name(rc.url_map, conv), annotation, routing.annotation_imports(conv))
            if name in variables and variables[name].annotation != var.annotation:
                ctx.error(rpath, f"URL variable '{name}' has a different type here than in another rule of this route")
                return None
            variables.setdefault(name, var)
    return variables, per_rule


def _params(variables: dict[str, UrlVar], per_rule: list[list[str]], defaults: dict[str, Any]) -> tuple[Param, ...]:
    """The view's parameters: variables every rule has, then optional ones, then defaults."""
    params = []
    for name, var in variables.items():
        if all(name in names for names in per_rule):
            params.append(Param(name, var.annotation, None, var.imports))
        elif name in defaults:
            params.append(Param(name, var.annotation, Constant(defaults[name]), var.imports))
        else:
            params.append(Param(name, f"{var.annotation} | None", Constant(None), var.imports))
    for name, value in defaults.items():
        if name not in variables:
            params.append(Param(name, type(value).__name__ if value is not None else "object", Constant(value)))
    return tuple(params)


def _check_status(ctx: Ctx, path: KeyPath, raw: dict[str, Any], response: Response) -> None:
    """``status`` and ``view: class`` fit the kind of response."""
    status = raw.get("status")
    if status is not None and response.kind in ("redirect_to", "abort"):
        ctx.error((*path, "status"), f"'status' does not apply to {response.kind}")
    if status is not None and response.kind == "redirect" and status not in (301, 302, 303, 307, 308):
        ctx.error((*path, "status"), f"a redirect status must be 301, 302, 303, 307 or 308, not {status}")
    if isinstance(status, int) and 100 <= status < 200 and response.kind not in ("redirect_to", "abort"):
        ctx.error((*path, "status"), f"{status} is not a final response; a view answers with 200-599")
    has_body = response.kind in ("template", "json") or (response.kind in ("text", "html") and response.text)
    if status in (204, 304) and has_body:
        ctx.error((*path, "status"), f"a {status} response has no body, so this {response.kind} would never be sent; use text: \"\" or another status")
    if raw.get("view") == "class" and response.kind == "redirect_to":
        ctx.error((*path, "view"), "a redirect_to route has no view, so it cannot be a class")


def _claim_rules(
    ctx: Ctx, rc: RouteCheck, endpoint: str, rule_paths: list[KeyPath], parsed: list[Rule], methods: tuple[str, ...]
) -> None:
    """No two routes may claim the same rule and method."""
    for rpath, rule in zip(rule_paths, parsed, strict=True):
        signature = (rule.subdomain or "", routing.rule_signature(rule))
        for method in methods:
            claim = (*signature, method)
            if claim in rc.claimed and rc.claimed[claim][0] != endpoint:
                other = rc.claimed[claim]
                line = ctx.spec.pos(other[1])[0]
                ctx.error(rpath, f"{method} {rule.rule} is already routed to '{other[0]}' (line {line})")
            rc.claimed.setdefault(claim, (endpoint, rpath))


def _examples(ctx: Ctx, path: KeyPath, raw: dict[str, Any], variables: dict[str, UrlVar]) -> tuple[tuple[str, Any], ...]:
    """The route's example URL values; each must name a URL variable."""
    examples = tuple((raw.get("examples") or {}).items())
    for name, _ in examples:
        if name not in variables:
            ctx.error((*path, "examples", name), f"'{name}' is not a URL variable of this route{did_you_mean(name, list(variables))}", key=True)
    return examples


def _url_rules(ctx: Ctx, path: KeyPath, raw: dict[str, Any], rules_raw: list[str], variables: dict[str, UrlVar], per_rule: list[list[str]]) -> tuple[UrlRule, ...]:
    """Each rule with its variables and the defaults that fill the others."""
    defaults: dict[str, Any] = dict(raw.get("defaults") or {})
    for name in defaults:
        if name in variables and all(name in names for names in per_rule):
            ctx.error((*path, "defaults", name), f"every rule has <{name}>, so this default is never used")
    return tuple(
        [
            UrlRule(rule=text, variables=tuple(names), defaults=tuple([(k, v) for k, v in defaults.items() if k not in names]))
            for text, names in zip(rules_raw, per_rule, strict=True)
        ]
    )


def _route(
    ctx: Ctx,
    rc: RouteCheck,
    path: KeyPath,
    key: str,
    raw: dict[str, Any],
    blueprint: str | None,
    prefix: str | None,
    bp_subdomain: str | None,
) -> Route | None:
    """One route of the spec, checked; None when it is too broken to go on."""
    endpoint = f"{blueprint}.{key}" if blueprint else key
    if keyword.iskeyword(key):
        ctx.error(path, f"'{key}' is a Python keyword and cannot name a view", key=True)
        return None
    own = checked_subdomain(ctx, (*path, "subdomain"), raw["subdomain"]) if "subdomain" in raw else None
    found = _parse_rules(ctx, rc, path, raw, prefix, own if "subdomain" in raw else bp_subdomain)
    found_vars = _url_vars(ctx, rc, found[1], found[2]) if found else None
    if found is None or found_vars is None:
        return None
    (rules_raw, rule_paths, parsed), (variables, per_rule) = found, found_vars
    rules = _url_rules(ctx, path, raw, rules_raw, variables, per_rule)
    params = _params(variables, per_rule, dict(raw.get("defaults") or {}))
    methods = tuple(raw.get("methods") or ["GET"])
    response = parse_response(ctx, path, key, raw, blueprint, variables, per_rule, methods)
    if response is None:
        return None
    _check_status(ctx, path, raw, response)
    _claim_rules(ctx, rc, endpoint, rule_paths, parsed, methods)
    return _route_value(ctx, path, key, raw, blueprint, rules, methods, response, params, variables)


def _route_value(
    ctx: Ctx, path: KeyPath, key: str, raw: dict[str, Any], blueprint: str | None, rules: Any, methods: tuple[str, ...],
    response: Any, params: Any, variables: dict[str, Any],
) -> Route:
    access = single_rule(ctx, path, raw, closed=False)
    return Route(
        key=key,
        blueprint=blueprint,
        rules=rules,
        methods=methods,
        response=response,
        status=raw.get("status"),
        strict_slashes=raw.get("strict_slashes"),
        subdomain=raw.get("subdomain"),
        view_class=raw.get("view") == "class",
        doc=str(raw.get("doc", "")),
        params=params,
        variables=tuple(variables.values()),
        function_name=key if key not in VIEW_MODULE_NAMES else f"{key}_view",
        class_name=f"{camel(key)}View",
        examples=_examples(ctx, path, raw, variables),
        renamed_from=raw.get("renamed_from"),
        csrf=raw.get("csrf", True),
        login_required=access != (ANYONE,),
        access=access,
    )


def parse_routes(
    ctx: Ctx, rc: RouteCheck, base: KeyPath, raw: Any, blueprint: str | None, prefix: str | None, subdomain: str | None
) -> list[tuple[KeyPath, Route]]:
    out = []
    for key, body in (raw or {}).items() if isinstance(raw, dict) else ():
        path = (*base, key)
        if not ctx.ok(path):
            _check_rules_only(ctx, rc, path, body, prefix, subdomain)
            continue
        route = _route(ctx, rc, path, key, body, blueprint, prefix, subdomain)
        if route is None:
            continue
        if route.endpoint in rc.endpoints:
            ctx.error(path, f"endpoint '{route.endpoint}' is already defined", key=True)
            continue
        rc.endpoints[route.endpoint] = path
        out.append((path, route))
    return out


def _check_rules_only(ctx: Ctx, rc: RouteCheck, path: KeyPath, body: Any, prefix: str | None, subdomain: str | None) -> None:
    """Parse the rules of a route that is malformed elsewhere, so their problems are
    reported in the same run (the route itself is skipped)."""
    if not (ctx.sound(path) and isinstance(body, dict) and "rule" in body and ctx.ok((*path, "rule"))):
        return
    many = isinstance(body["rule"], list)
    texts = body["rule"] if many else [body["rule"]]
    own = body.get("subdomain") if ctx.ok((*path, "subdomain")) else None
    for i, text in enumerate(texts):
        parse_rule(ctx, rc, (*path, "rule", i) if many else (*path, "rule"), join_prefix(prefix, text), own or subdomain)


def _csrf_exempt(ctx: Ctx, routes: list[tuple[KeyPath, Route]]) -> list[tuple[KeyPath, Route]]:
    """The routes of a ``csrf: false`` blueprint, all exempt (none can opt back in:
    Flask-WTF exempts a blueprint as a whole)."""
    for path, _ in routes:
        if ctx.get((*path, "csrf")) is True:
            ctx.error((*path, "csrf"), "the blueprint has csrf: false, so its routes cannot turn CSRF protection back on")
    return [(path, replace(route, csrf=False)) for path, route in routes]


def parse_blueprints(ctx: Ctx, rc: RouteCheck) -> tuple[list[tuple[KeyPath, Route]], list[dict[str, Any]]]:
    raw = ctx.get(("blueprints",), {}) or {}
    routes: list[tuple[KeyPath, Route]] = []
    meta = []
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: KeyPath = ("blueprints", name)
        if not ctx.ok(path) and not ctx.ok((*path, "url_prefix")):
            continue
        if name in APP_MODULES or keyword.iskeyword(name):
            ctx.error(path, f"'{name}' is a module of the generated app; pick another blueprint name", key=True)
            continue
        body = body or {}
        prefix = body.get("url_prefix")
        subdomain = checked_subdomain(ctx, (*path, "subdomain"), body.get("subdomain"))
        section = parse_routes(ctx, rc, (*path, "routes"), body.get("routes"), name, prefix, subdomain)
        csrf = body.get("csrf", True)
        routes += section if csrf else _csrf_exempt(ctx, section)
        meta.append({"name": name, "url_prefix": prefix, "subdomain": subdomain, "doc": str(body.get("doc", "")), "renamed_from": body.get("renamed_from"), "path": path, "csrf": csrf, "access": single_rule(ctx, path, body, closed=False)})
    return routes, meta


def blueprint_values(bp_meta: list[dict[str, Any]], routes: list[Route]) -> tuple[Blueprint, ...]:
    """The blueprints, each with its routes."""
    by_blueprint: dict[str | None, list[Route]] = {}
    for route in routes:
        by_blueprint.setdefault(route.blueprint, []).append(route)
    return tuple(
        Blueprint(
            name=m["name"],
            url_prefix=m["url_prefix"],
            subdomain=m["subdomain"],
            routes=tuple(by_blueprint.get(m["name"], ())),
            doc=m["doc"],
            renamed_from=m["renamed_from"],
            csrf=m["csrf"],
            login_required=m["access"] != (ANYONE,),
            access=m["access"],
        )
        for m in bp_meta
    )
