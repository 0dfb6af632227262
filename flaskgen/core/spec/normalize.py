"""Cross-reference checks and normalization into the frozen model.

The schema has already checked shape; this stage checks what a schema cannot
(converters exist, endpoints and rules are unique, redirect targets exist, ...) and
computes every name and expression the templates need. Parts of the spec that
failed the shape check are skipped, so one run reports every problem once.
"""

from __future__ import annotations

import keyword
import re
import string
import sys
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from werkzeug.exceptions import default_exceptions
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import Map, Rule

from flaskgen.core.errors import Problem
from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec import routing
from flaskgen.core.spec.auth import check_guards, cookie_defaults
from flaskgen.core.spec.extras import Extras, normalize_extras
from flaskgen.core.spec.hazards import spec_hazards
from flaskgen.core.spec.loader import KeyPath, LoadedSpec
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import (
    Blueprint,
    Constant,
    Converter,
    Duration,
    EnvRef,
    ErrorPage,
    Import,
    Param,
    Profile,
    Project,
    ProjectSpec,
    Response,
    Route,
    Setting,
    Size,
    UrlRule,
    UrlVar,
)

RESPONSE_KEYS = ("template", "text", "html", "json", "redirect", "redirect_to", "abort")
STANDARD_PROFILES = ("base", "development", "testing", "production")

# Modules of the generated package; a blueprint may not take one of these names.
APP_MODULES = frozenset(
    {
        "config", "views", "errors", "converters", "extensions", "models", "hooks",
        "templating", "middleware", "commands", "uploads", "templates", "static", "forms",
    }
)  # fmt: skip
# Names a project package must not take: it would shadow them on import.
SHADOWED_PACKAGES = frozenset(
    {
        "flask", "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "blinker",
        "sqlalchemy", "flask_sqlalchemy", "flask_migrate", "alembic", "flask_wtf", "wtforms",
        "dotenv", "pytest", "tests", "migrations", "instance", "manage", "conftest", "app",
        "setuptools", "pip", "flaskgen", "psycopg", "ruff",
    }
) | frozenset(sys.stdlib_module_names)  # fmt: skip
# Names the generated views modules import or define; a view function takes another name.
VIEW_MODULE_NAMES = frozenset(
    {
        "abort", "escape", "jsonify", "redirect", "render_template", "request", "Response",
        "url_for", "bp", "app", "register_views", "MethodView", "ResponseReturnValue", "UUID",
        "Flask", "flash", "session", "g", "current_app", "annotations", "views",
        "login_required", "require_login",
    }
)  # fmt: skip
ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
SIZE_RE = re.compile(r"^([0-9]+) ?(B|KB|MB|GB)$")
DURATION_RE = re.compile(r"^([0-9]+) ?(s|m|h|d)$")
SIZE_FACTORS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass
class Ctx:
    """What every normalization step shares: the loaded spec and the problems found."""

    spec: LoadedSpec
    bad: set[KeyPath]
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        self.problems.append(self.spec.problem(path, message, key=key))

    def ok(self, path: KeyPath) -> bool:
        """True if the schema found nothing wrong at, under or above ``path``."""
        n = len(path)
        return not any(b[:n] == path or path[: len(b)] == b for b in self.bad if b)

    def sound(self, path: KeyPath) -> bool:
        """True if the schema found nothing wrong at or above ``path`` (parts below
        may be malformed; :meth:`usable` drops them)."""
        return not any(path[: len(b)] == b for b in self.bad if b)

    def usable(self, path: KeyPath, body: dict[str, Any], containers: tuple[str, ...] = ()) -> dict[str, Any]:
        """The keys of ``body`` that can be checked: well-shaped values, and mappings
        named in ``containers`` whose own entries are checked one by one."""
        return {
            k: v
            for k, v in body.items()
            if self.ok((*path, k)) or (k in containers and isinstance(v, dict) and self.sound((*path, k)))
        }

    def get(self, path: KeyPath, default: Any = None) -> Any:
        node = self.spec.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def snake(name: str) -> str:
    """``OrderItem`` -> ``order_item``; ``seed-db`` -> ``seed_db``."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", name)
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return name.lower().strip("_")


def camel(name: str) -> str:
    """``show_user`` -> ``ShowUser``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


# -- project -----------------------------------------------------------------------------


def _project(ctx: Ctx, csrf: bool) -> Project | None:
    path: KeyPath = ("project",)
    raw = ctx.get(path)
    if not isinstance(raw, dict) or not ctx.ok((*path, "package")) or "package" not in raw:
        return None
    package = raw["package"]
    if keyword.iskeyword(package) or package in SHADOWED_PACKAGES:
        ctx.error((*path, "package"), f"'{package}' would shadow the module of that name; pick another package name")
    name = str(raw["name"]) if isinstance(raw.get("name"), str) else package
    return Project(
        name=name,
        package=package,
        description=str(raw.get("description", "")),
        version=str(raw.get("version", "0.1.0")),
        python=str(raw.get("python", ">=3.11")),
        csrf=bool(raw.get("csrf", csrf)),
    )


# -- config ------------------------------------------------------------------------------


def _setting(ctx: Ctx, path: KeyPath, key: str, value: Any) -> Setting:
    if isinstance(value, str):
        if "${" in value:
            leftover = ENV_RE.sub("", value)
            if "${" in leftover:
                ctx.error(path, f"malformed environment reference in {value!r}: write ${{NAME}} or ${{NAME:-default}}")
            needed = tuple(name for name, default in _env_refs(value) if default is None)
            return Setting(key, EnvRef(value, needed))
        size = SIZE_RE.match(value)
        if size:
            number, unit = int(size.group(1)), size.group(2)
            if number * SIZE_FACTORS[unit] > 2**63 - 1:
                ctx.error(path, f"{value} is too large: sizes must be below 8 EiB (2**63 bytes)")
            return Setting(key, Size(number, unit))
        duration = DURATION_RE.match(value)
        if duration:
            unit = DURATION_UNITS[duration.group(2)]
            if _seconds(duration) > timedelta.max.total_seconds():
                ctx.error(path, f"{value} is too long: durations must be below 999999999 days")
            return Setting(key, Duration(int(duration.group(1)), unit))
    return Setting(key, Constant(value))


def _seconds(duration: re.Match[str]) -> float:
    """The length of a ``DURATION_RE`` match in seconds."""
    return int(duration.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[duration.group(2)]


def _env_refs(value: str) -> list[tuple[str, str | None]]:
    """``${A}`` and ``${B:-x}`` references: (name, default or None)."""
    out = []
    for match in ENV_RE.finditer(value):
        has_default = match.group(0).find(":-") != -1
        out.append((match.group(1), match.group(2) if has_default else None))
    return out


def _profile_order(ctx: Ctx, raw: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(profile, parent) pairs, parents first; reports unknown parents and cycles."""
    names = list(dict.fromkeys([*STANDARD_PROFILES, *raw]))
    parent: dict[str, str | None] = {}
    for name in names:
        body = raw.get(name) if isinstance(raw.get(name), dict) else {}
        ext = body.get("extends") if isinstance(body, dict) else None
        if name == "base":
            if ext is not None:
                ctx.error(("config", "base", "extends"), "the base profile cannot extend another profile")
            parent[name] = None
        elif isinstance(ext, str):
            if ext not in names:
                ctx.error(("config", name, "extends"), f"unknown profile '{ext}'{did_you_mean(ext, names)}")
                parent[name] = "base"
            else:
                parent[name] = ext
        else:
            parent[name] = "base"
    ordered: list[tuple[str, str | None]] = []
    done: set[str] = set()
    for name in names:
        chain: list[str] = []
        cur: str | None = name
        while cur is not None and cur not in done:
            if cur in chain:
                ctx.error(("config", name, "extends"), f"profiles extend each other in a cycle: {' -> '.join([*chain, cur])}")
                parent[cur] = "base" if cur != "base" else None
                break
            chain.append(cur)
            cur = parent[cur]
        for item in reversed(chain):
            if item not in done:
                done.add(item)
                ordered.append((item, parent[item]))
    return ordered


def _profiles(
    ctx: Ctx, package: str, has_models: bool, auth: bool = False, subdomains: bool = False
) -> tuple[Profile, ...]:
    raw = ctx.get(("config",), {}) or {}
    if not isinstance(raw, dict) or not ctx.ok(("config",)) and any(len(b) == 1 and b[0] == "config" for b in ctx.bad):
        raw = {}
    defined: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        if isinstance(body, dict) and ctx.ok(("config", name)):
            defined[name] = {k: v for k, v in body.items() if k != "extends"}
    defaults = _profile_defaults(defined, package, has_models)
    if auth:
        cookie_defaults(defined, defaults, subdomains)
    profiles: list[Profile] = []
    for name, parent in _profile_order(ctx, raw):
        settings = {**defaults.get(name, {}), **defined.get(name, {})}
        items = tuple(
            _setting(ctx, ("config", name, key), key, value)
            for key, value in settings.items()
        )
        profiles.append(
            Profile(
                name=name,
                class_name=f"{camel(name)}Config",
                parent=f"{camel(parent)}Config" if parent else None,
                settings=items,
            )
        )
    return tuple(profiles)


def _profile_defaults(
    defined: dict[str, dict[str, Any]], package: str, has_models: bool
) -> dict[str, dict[str, Any]]:
    """Settings flaskgen adds where the spec is silent (listed first in each class)."""

    def anywhere(key: str) -> bool:
        return any(key in body for body in defined.values())

    out: dict[str, dict[str, Any]] = {name: {} for name in STANDARD_PROFILES}
    if not anywhere("SECRET_KEY"):
        out["base"]["SECRET_KEY"] = "${SECRET_KEY}"
        out["development"]["SECRET_KEY"] = "${SECRET_KEY:-dev-not-secret}"
    if "SECRET_KEY" not in defined.get("testing", {}):
        # Tests never need a real secret: they must run where no SECRET_KEY is set.
        out["testing"]["SECRET_KEY"] = "testing-not-secret"
    if "TESTING" not in defined.get("testing", {}):
        out["testing"]["TESTING"] = True
    if has_models and "SQLALCHEMY_DATABASE_URI" not in defined.get("base", {}):
        out["base"]["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{package}.db"
    if has_models and "SQLALCHEMY_DATABASE_URI" not in defined.get("testing", {}):
        # Tests drop every table: they never inherit a database a person uses.
        out["testing"]["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    production = defined.get("production", {})
    for key, value in (
        ("SESSION_COOKIE_SECURE", True),
        ("SESSION_COOKIE_HTTPONLY", True),
        ("SESSION_COOKIE_SAMESITE", "Lax"),
    ):
        if key not in production:
            out["production"][key] = value
    return out


def resolved_setting(spec_profiles: tuple[Profile, ...], profile: str, key: str) -> Setting | None:
    """The setting ``key`` as ``profile`` sees it, following ``extends``."""
    by_class = {p.class_name: p for p in spec_profiles}
    current = next((p for p in spec_profiles if p.name == profile), None)
    while current is not None:
        found = current.get(key)
        if found is not None:
            return found
        current = by_class.get(current.parent) if current.parent else None
    return None


# -- converters --------------------------------------------------------------------------


def _converters(ctx: Ctx) -> tuple[Converter, ...]:
    raw = ctx.get(("converters",), {}) or {}
    out = []
    builtin = set(Map.default_converters)
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: KeyPath = ("converters", name)
        if not ctx.ok(path):
            continue
        if name in builtin:
            ctx.error(path, f"'{name}' is a built-in converter; pick another name", key=True)
            continue
        regex = body.get("regex")
        if regex is not None:
            try:
                compiled = re.compile(regex)
            except re.error as exc:
                ctx.error((*path, "regex"), f"invalid regular expression: {exc}")
                continue
            if compiled.groupindex:
                ctx.error((*path, "regex"), "named groups are not allowed in a converter regex; use (?:...)")
                continue
        out.append(
            Converter(
                name=name,
                class_name=f"{camel(name)}Converter",
                regex=regex,
                type=body.get("type", "str"),
                doc=str(body.get("doc", "")),
            )
        )
    return tuple(out)


# -- routes ------------------------------------------------------------------------------


@dataclass
class RouteCheck:
    """State shared by all route checks: the map used to parse rules and what is claimed."""

    url_map: Map
    custom_types: dict[str, str]
    claimed: dict[tuple[str, str, str], tuple[str, KeyPath]] = field(default_factory=dict)
    endpoints: dict[str, KeyPath] = field(default_factory=dict)


def join_prefix(prefix: str | None, rule: str) -> str:
    """How Flask joins a blueprint's url_prefix and a rule."""
    if prefix is None:
        return rule
    return "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix


def _parse_rule(
    ctx: Ctx, rc: RouteCheck, path: KeyPath, text: str, subdomain: str | None
) -> Rule | None:
    rule = routing.ProbeRule(text, endpoint="probe", subdomain=subdomain or "")
    try:
        rc.url_map.add(rule)
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
    seen = [data for dynamic, data in rule._trace if dynamic]
    if len(seen) != len(set(seen)):
        ctx.error(path, f"a URL variable appears twice in {text!r}")
        return None
    return rule


def _parse_rules(
    ctx: Ctx, rc: RouteCheck, path: KeyPath, raw: dict[str, Any], prefix: str | None, subdomain: str | None
) -> tuple[list[str], list[KeyPath], list[Rule]] | None:
    """The route's rule texts, their spec paths and parsed rules; None after an error."""
    rules_raw = raw["rule"] if isinstance(raw["rule"], list) else [raw["rule"]]
    rule_paths: list[KeyPath] = [(*path, "rule", i) if isinstance(raw["rule"], list) else (*path, "rule") for i in range(len(rules_raw))]
    parsed: list[Rule] = []
    for rpath, text in zip(rule_paths, rules_raw, strict=True):
        rule = _parse_rule(ctx, rc, rpath, join_prefix(prefix, text), subdomain)
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
    examples = tuple((k, v) for k, v in (raw.get("examples") or {}).items())
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
        UrlRule(rule=text, variables=tuple(names), defaults=tuple((k, v) for k, v in defaults.items() if k not in names))
        for text, names in zip(rules_raw, per_rule, strict=True)
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
    found = _parse_rules(ctx, rc, path, raw, prefix, raw.get("subdomain", bp_subdomain))
    found_vars = _url_vars(ctx, rc, found[1], found[2]) if found else None
    if found is None or found_vars is None:
        return None
    (rules_raw, rule_paths, parsed), (variables, per_rule) = found, found_vars
    rules = _url_rules(ctx, path, raw, rules_raw, variables, per_rule)
    params = _params(variables, per_rule, dict(raw.get("defaults") or {}))
    methods = tuple(raw.get("methods") or ["GET"])
    response = _response(ctx, path, key, raw, blueprint, variables, per_rule, methods)
    if response is None:
        return None
    _check_status(ctx, path, raw, response)
    _claim_rules(ctx, rc, endpoint, rule_paths, parsed, methods)
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
        login_required=bool(raw.get("login_required", False)),
    )


def format_pieces(
    ctx: Ctx, path: KeyPath, text: str, variables: dict[str, UrlVar]
) -> list[tuple[str, str | None]] | None:
    """Split a ``text``/``html`` value into (literal, variable) pieces (Python format rules)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        ctx.error(path, f"{exc}; write {{{{ and }}}} for literal braces")
        return None
    pieces: list[tuple[str, str | None]] = []
    ok = True
    for literal, name, spec, conversion in parsed:
        pieces.append((literal, None))
        if name is None:
            continue
        if spec or conversion or name not in variables:
            what = f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            if name in variables:
                ctx.error(path, f"'{what}': only plain {{name}} placeholders are allowed")
            else:
                hint = did_you_mean(name, list(variables))
                known = f"; URL variables: {', '.join(variables)}" if variables and not hint else ""
                ctx.error(path, f"'{what}' is not a URL variable of this route{hint}{known}")
            ok = False
            continue
        pieces.append(("", name))
    return pieces if ok else None


def _fstring(pieces: list[tuple[str, str | None]], wrap: str) -> str:
    source = ""
    for literal, name in pieces:
        if name is None:
            source += literal.replace("{", "{{").replace("}", "}}")
        else:
            source += "{" + (f"{wrap}({name})" if wrap else name) + "}"
    has_fields = any(name for _, name in pieces)
    return ("f" if has_fields else "") + repr(source if has_fields else "".join(p for p, _ in pieces))


def _response(
    ctx: Ctx,
    path: KeyPath,
    key: str,
    raw: dict[str, Any],
    blueprint: str | None,
    variables: dict[str, UrlVar],
    per_rule: list[list[str]],
    methods: tuple[str, ...],
) -> Response | None:
    present = [k for k in RESPONSE_KEYS if k in raw]
    if len(present) > 1:
        ctx.error((*path, present[1]), f"a route has one response key; found {', '.join(repr(k) for k in present)}", key=True)
        return None
    kind = present[0] if present else "template"
    value: Any = raw.get(kind)
    flask: frozenset[Import] = frozenset()
    if kind == "template":
        template = value or (f"{blueprint}/{key}.html" if blueprint else f"{key}.html")
        args = "".join(f", {name}={name}" for name in variables)
        return Response("template", f"render_template({pysrc(template)}{args})", frozenset({("flask", "render_template")}), template=template)
    if kind in ("text", "html"):
        pieces = format_pieces(ctx, (*path, kind), value, variables)
        if pieces is None:
            return None
        if kind == "text":
            expr = f"Response({_fstring(pieces, '')}, mimetype='text/plain')"
            return Response("text", expr, frozenset({("flask", "Response")}), text=value)
        uses_vars = any(name for _, name in pieces)
        imports = frozenset({("markupsafe", "escape")}) if uses_vars else flask
        return Response("html", _fstring(pieces, "escape"), imports, text=value)
    if kind == "json":
        if value is True:
            body = "{" + ", ".join(f"{pysrc(n)}: {n}" for n in variables) + "}"
            return Response("json", f"jsonify({body})", frozenset({("flask", "jsonify")}), json=None)
        return Response("json", f"jsonify({pysrc(value)})", frozenset({("flask", "jsonify")}), json=value)
    if kind == "redirect":
        return Response("redirect", "", frozenset({("flask", "redirect"), ("flask", "url_for")}), target=value)
    if kind == "redirect_to":
        placeholders = re.findall(r"<([A-Za-z_][A-Za-z0-9_]*)>", value)
        for name in placeholders:
            if not all(name in names for names in per_rule):
                hint = did_you_mean(name, list(variables))
                ctx.error((*path, "redirect_to"), f"<{name}> is not a URL variable of every rule of this route{hint}")
                return None
        return Response("redirect_to", "", frozenset(), target=value)
    return Response("abort", "", frozenset({("flask", "abort")}), abort=int(value))


def _check_redirects(
    ctx: Ctx, routes: list[tuple[KeyPath, Route]], endpoints: dict[str, tuple[list[set[str]], KeyPath]]
) -> list[Route]:
    """Resolve ``redirect`` targets to endpoints and fill in the view expression."""
    out = []
    for path, route in routes:
        if route.response.kind != "redirect":
            out.append(route)
            continue
        target = route.response.target
        if target.startswith("."):
            target = f"{route.blueprint}{target}" if route.blueprint else target[1:]
        if target not in endpoints:
            ctx.error((*path, "redirect"), f"no endpoint '{target}'{did_you_mean(target, list(endpoints))}")
            continue
        have = {v.name for v in route.variables}
        rule_vars, _ = endpoints[target]
        if not any(names <= have for names in rule_vars):
            fewest = min(len(names) for names in rule_vars)
            needed = sorted(next(names for names in rule_vars if len(names) == fewest))
            ctx.error((*path, "redirect"), f"'{target}' needs URL variables {', '.join(needed)} that this route does not have")
            continue
        passed = sorted(set().union(*rule_vars) & have)
        args = "".join(f", {n}={n}" for n in passed)
        code = f", code={route.status}" if route.status else ""
        expr = f"redirect(url_for({pysrc(target)}{args}){code})"
        out.append(replace(route, response=replace(route.response, expr=expr, target=target)))
    return out


def _routes_section(
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
        _parse_rule(ctx, rc, (*path, "rule", i) if many else (*path, "rule"), join_prefix(prefix, text), own or subdomain)


def _error_pages(ctx: Ctx) -> tuple[ErrorPage, ...]:
    raw = ctx.get(("errors",), {}) or {}
    out = []
    for code_text, body in sorted(raw.items()) if isinstance(raw, dict) else ():
        path: KeyPath = ("errors", code_text)
        if not ctx.ok(path):
            continue
        code = int(code_text)
        if code not in default_exceptions:
            ctx.error(path, f"{code} is not an HTTP error status werkzeug knows", key=True)
            continue
        title = HTTP_STATUS_CODES.get(code, "Error")
        response = _response(ctx, path, f"errors/{code}", body, None, {}, [[]], ("GET",))
        if response is None:
            continue
        if response.kind == "template":
            template = body.get("template") or f"errors/{code}.html"
            response = Response("template", f"render_template({pysrc(template)}, error=error)", response.imports, template=template)
        out.append(ErrorPage(code=code, title=title, function_name=snake(title), response=response))
    return tuple(out)


def _csrf_exempt(ctx: Ctx, routes: list[tuple[KeyPath, Route]]) -> list[tuple[KeyPath, Route]]:
    """The routes of a ``csrf: false`` blueprint, all exempt (none can opt back in:
    Flask-WTF exempts a blueprint as a whole)."""
    for path, _ in routes:
        if ctx.get((*path, "csrf")) is True:
            ctx.error((*path, "csrf"), "the blueprint has csrf: false, so its routes cannot turn CSRF protection back on")
    return [(path, replace(route, csrf=False)) for path, route in routes]


def _blueprints(ctx: Ctx, rc: RouteCheck) -> tuple[list[tuple[KeyPath, Route]], list[dict[str, Any]]]:
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
        subdomain = body.get("subdomain")
        section = _routes_section(ctx, rc, (*path, "routes"), body.get("routes"), name, prefix, subdomain)
        csrf = body.get("csrf", True)
        routes += section if csrf else _csrf_exempt(ctx, section)
        meta.append({"name": name, "url_prefix": prefix, "subdomain": subdomain, "doc": str(body.get("doc", "")), "renamed_from": body.get("renamed_from"), "path": path, "csrf": csrf, "login_required": bool(body.get("login_required", False))})
    return routes, meta


def _blueprint_values(bp_meta: list[dict[str, Any]], routes: list[Route]) -> tuple[Blueprint, ...]:
    """The blueprints, each with its routes."""
    return tuple(
        Blueprint(
            name=m["name"],
            url_prefix=m["url_prefix"],
            subdomain=m["subdomain"],
            routes=tuple(r for r in routes if r.blueprint == m["name"]),
            doc=m["doc"],
            renamed_from=m["renamed_from"],
            csrf=m["csrf"],
            login_required=m["login_required"],
        )
        for m in bp_meta
    )


def _needs_form(routes: list[Route], extras: Extras) -> bool:
    """Whether the app takes form posts (so CSRF protection is on by default)."""
    return (
        any(r.accepts_post and r.response.kind == "template" for r in routes)
        or bool(extras.uploads)
        or extras.auth is not None
        or any(r.html for r in extras.resources)
    )


def _check_server_name(ctx: Ctx, profiles: tuple[Profile, ...], subdomain_routes: list[tuple[KeyPath, Route]]) -> None:
    """Subdomain routes need a SERVER_NAME to build their URLs."""
    if subdomain_routes and resolved_setting(profiles, "testing", "SERVER_NAME") is None:
        path, route = subdomain_routes[0]
        where = (*path, "subdomain") if route.subdomain else ("blueprints", route.blueprint or "", "subdomain")
        ctx.error(where, "subdomain routes need SERVER_NAME in the config (set it in config.testing or config.base)")


def normalize(spec: LoadedSpec, bad: set[KeyPath]) -> tuple[ProjectSpec | None, list[Problem]]:
    """Check cross-references and build the frozen :class:`ProjectSpec`."""
    ctx = Ctx(spec, bad)
    data = spec.data if isinstance(spec.data, dict) else {}
    converters = _converters(ctx)
    url_map = routing.make_map(converters)
    custom_types = {c.class_name: c.type for c in converters}
    rc = RouteCheck(url_map, custom_types)
    app_routes = _routes_section(ctx, rc, ("routes",), data.get("routes"), None, None, None)
    bp_routes, bp_meta = _blueprints(ctx, rc)
    extras = normalize_extras(ctx, rc)
    # Endpoints and the variable sets of their rules, for redirect checks.
    endpoints: dict[str, tuple[list[set[str]], KeyPath]] = {
        route.endpoint: ([set(r.variables) - {k for k, _ in r.defaults} for r in route.rules], path)
        for path, route in app_routes + bp_routes
    }
    endpoints.update(extras.endpoints)
    app_list = _check_redirects(ctx, app_routes, endpoints)
    bp_list = _check_redirects(ctx, bp_routes, endpoints)
    blueprints = _blueprint_values(bp_meta, bp_list)
    check_guards(ctx, app_routes + bp_routes, [(m["path"], b) for m, b in zip(bp_meta, blueprints, strict=True)], "auth" in data)
    errors = _error_pages(ctx)
    project = _project(ctx, _needs_form(app_list + bp_list, extras))
    if project is None:
        return None, ctx.problems
    if not project.csrf and any(r.html for r in extras.resources):
        ctx.error(("project", "csrf"), "the resources' pages need CSRF protection; remove csrf: false or set html: false on the resources")
    subdomain_routes = [(p, r) for p, r in app_routes + bp_routes if r.subdomain or (r.blueprint and any(m["subdomain"] for m in bp_meta if m["name"] == r.blueprint))]
    profiles = _profiles(ctx, project.package, bool(extras.models), extras.auth is not None, bool(subdomain_routes))
    _check_server_name(ctx, profiles, subdomain_routes)
    spec_out = ProjectSpec(
        project=project,
        profiles=profiles,
        converters=converters,
        routes=tuple(app_list),
        blueprints=blueprints,
        errors=errors,
        **extras.model_fields(),
        raw=data,
    )
    for path, message, at_key in spec_hazards(spec_out):
        ctx.error(path, message, key=at_key)
    return spec_out, ctx.problems
