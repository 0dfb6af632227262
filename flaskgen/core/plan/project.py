"""ProjectSpec -> the list of files to generate, each with its template and context.

Pure: no filesystem, no Jinja. Every name, import and expression a template needs is
computed here (or in the spec model) so the templates only loop and substitute.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.http import HTTP_STATUS_CODES

from flaskgen.core.plan import (
    access,
    auth,
    data,
    deploy,
    features,
    home,
    jobs,
    mail,
    resources,
    seed,
)
from flaskgen.core.plan.base import (
    Contribution,
    Extension,
    NoNames,
    Phase,
    PlannedFile,
    ProjectView,
    TypedView,
    shown,
)
from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec.auth import BLUEPRINT as AUTH_BLUEPRINT
from flaskgen.core.spec.auth import URL_PREFIX as AUTH_PREFIX
from flaskgen.core.spec.auth import auth_rules
from flaskgen.core.spec.base import join_prefix, snake
from flaskgen.core.spec.config import ENV_RE, resolved_setting
from flaskgen.core.spec.types import (
    Blueprint,
    Converter,
    Duration,
    EnvRef,
    ErrorPage,
    Import,
    Profile,
    Project,
    ProjectSpec,
    Response,
    Route,
    Setting,
    SettingValue,
    Size,
)

if TYPE_CHECKING:
    from flaskgen.core.spec.probe import Probe

FLASK_REQUIREMENT = "Flask>=3.1,<4"
MYPY_REQUIREMENT = "mypy>=2.4"
# Typing for the libraries a generated project uses that ship none: stub packages
# (its dev extra) and the stubs it carries itself in typings/ (its mypy_path).
STUB_PACKAGES = {"Flask-Migrate": "types-Flask-Migrate>=4.0", "Flask-WTF": "types-WTForms>=3.2"}
LOCAL_STUBS = {
    "Bootstrap-Flask": ("flask_bootstrap.pyi",),
    "Flask-Login": ("flask_login.pyi",),
    "Flask-WTF": ("flask_wtf/__init__.pyi", "flask_wtf/csrf.pyi"),
    "flask-smorest": ("flask_smorest.pyi",),
    "Flask-Mailman": ("flask_mailman.pyi",),
    "factory-boy": ("factory/__init__.pyi", "factory/alchemy.pyi", "factory/random.pyi"),
}


@dataclass(frozen=True)
class ViewCtx:
    route: Route
    signature: str
    doc: str
    decorators: tuple[str, ...]
    guard: str | None = None  # a class view's access decorator (``decorators = [...]``)
    defined: bool = True  # False for a ``redirect_to`` route: a URL rule, no code



@dataclass(frozen=True)
class ConverterCtx:
    """One URL converter class of converters.py."""

    name: str
    class_name: str
    regex: str | None  # None: the pattern is the rule's argument
    type: str  # str | int | float
    doc: str
    converts: bool  # the value is not a str: to_python/to_url convert it


@dataclass(frozen=True)
class ConvertersView(TypedView):
    """<package>/converters.py."""

    converters: tuple[ConverterCtx, ...]


def converters_view(converters: tuple[Converter, ...]) -> ConvertersView:
    """The spec's converters, each saying whether it converts the matched text."""
    return ConvertersView(tuple(ConverterCtx(c.name, c.class_name, c.regex, c.type, c.doc, c.type != "str") for c in converters))


@dataclass(frozen=True)
class AppViewsView(TypedView):
    """<package>/views.py: the app's own views."""

    imports: list[str]
    views: list[ViewCtx]
    registrations: list[str]


@dataclass(frozen=True)
class BlueprintView(TypedView):
    """<package>/<blueprint>/__init__.py and views.py."""

    bp: Blueprint
    imports: list[str]
    bp_args: list[str]
    bp_guard: str | None  # the decorator of the blueprint's login check
    views: list[ViewCtx]
    registrations: list[str]


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    check: str | None = None  # a Jinja test: show the link only to visitors who may use it


def import_lines(imports: set[Import]) -> list[str]:
    """``from module import a, b`` lines (ruff sorts and groups them afterwards)."""
    by_module: dict[str, set[str]] = defaultdict(set)
    plain = set()
    for module, name in imports:
        if name:
            by_module[module].add(name)
        else:
            plain.add(module)
    lines = [f"import {m}" for m in sorted(plain)]
    lines += [
        f"from {m} import {', '.join(sorted(names))}" for m, names in sorted(by_module.items())
    ]
    return lines


def humanize(key: str) -> str:
    if key == "index":
        return "Home"
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


# -- views ---------------------------------------------------------------------------------


def _signature(route: Route) -> str:
    required = [p for p in route.params if p.default is None]
    optional = [p for p in route.params if p.default is not None]
    return ", ".join(
        f"{p.name}: {p.annotation}" + (f" = {pysrc(p.default)}" if p.default is not None else "")
        for p in required + optional
    )


def _doc(route: Route, prefix: str | None) -> str:
    if route.doc:
        return route.doc
    rules = ", ".join(join_prefix(prefix, r.rule) for r in route.rules)
    return f"{', '.join(route.methods)} {rules}"


def _rule_kwargs(route: Route, index: int, *, with_subdomain: bool = True) -> list[str]:
    args = []
    if route.methods != ("GET",):
        args.append(f"methods={list(route.methods)!r}")
    defaults = dict(route.rules[index].defaults)
    if defaults:
        args.append(f"defaults={defaults!r}")
    if route.strict_slashes is not None:
        args.append(f"strict_slashes={route.strict_slashes!r}")
    if route.subdomain and with_subdomain:
        args.append(f"subdomain={route.subdomain!r}")
    return args


def _view_imports(routes: tuple[Route, ...], access_module: str, rule: tuple[str, ...] = ("anyone",)) -> set[Import]:
    """What the views of ``routes`` import; ``rule`` is their blueprint's access rule."""
    imports: set[Import] = set()
    for needed in (rule, *(r.access for r in routes if r.response.kind != "redirect_to")):
        module_name, _ = access.guard(needed, access_module)
        if module_name is not None:
            imports.add(module_name)
    for route in routes:
        if route.response.kind == "redirect_to":
            continue
        imports |= route.response.imports
        imports.add(("flask.typing", "ResponseReturnValue"))
        if route.view_class:
            imports.add(("flask.views", "MethodView"))
        for param in route.params:
            imports |= param.imports
    return imports


def _redirect_registrations(route: Route, target: str) -> list[str]:
    """A ``redirect_to`` route is URL rules only: werkzeug redirects, no view runs."""
    out = []
    for i, rule in enumerate(route.rules):
        args = [repr(rule.rule), f"endpoint={route.key!r}", *_rule_kwargs(route, i), f"redirect_to={route.response.target!r}"]
        out.append(f"{target}.add_url_rule({', '.join(args)})")
    return out


def _views(
    routes: tuple[Route, ...], prefix: str | None, target: str, access_module: str, *, exempt: bool = False
) -> tuple[list[ViewCtx], list[str]]:
    """View contexts and registration lines; ``target`` is ``app`` or ``bp``;
    ``exempt``: mark ``csrf: false`` views with ``csrf.exempt``."""
    views: list[ViewCtx] = []
    registrations: list[str] = []
    for route in routes:
        decorators: list[str] = []
        kind = route.response.kind
        wrap = exempt and not route.csrf
        if kind == "redirect_to":
            registrations += _redirect_registrations(route, target)
        elif route.view_class:
            view_expr = f"{route.class_name}.as_view({route.key!r})"
            if wrap:
                view_expr = f"csrf.exempt({view_expr})"
            if len(route.rules) > 1:
                var = f"{route.key}_view"
                registrations.append(f"{var} = {view_expr}")
                view_expr = var
            for i, rule in enumerate(route.rules):
                args = [repr(rule.rule), f"view_func={view_expr}", *_rule_kwargs(route, i)]
                registrations.append(f"{target}.add_url_rule({', '.join(args)})")
        elif target == "bp":
            for i, rule in enumerate(route.rules):
                args = [repr(rule.rule), *_rule_kwargs(route, i)]
                if route.function_name != route.key:
                    args.append(f"endpoint={route.key!r}")
                decorators.append(f"@bp.route({', '.join(args)})")
        else:
            for i, rule in enumerate(route.rules):
                args = [repr(rule.rule)]
                if route.function_name != route.key:
                    args.append(f"endpoint={route.key!r}")
                args += [f"view_func={route.function_name}", *_rule_kwargs(route, i)]
                registrations.append(f"app.add_url_rule({', '.join(args)})")
        if wrap and kind != "redirect_to" and not route.view_class:
            decorators.append("@csrf.exempt")
        _, guard = access.guard(route.access, access_module)
        if guard and not route.view_class:
            decorators.append(f"@{guard}")
        views.append(
            ViewCtx(route, _signature(route), _doc(route, prefix), tuple(decorators), guard if route.view_class else None, kind != "redirect_to")
        )
    return views, registrations


def _token_page(spec: ProjectSpec) -> str | None:
    """A page (full URL) whose layout carries the CSRF token, for the tests to read it
    as a browser does; None when the app has no such page."""
    if not spec.project.csrf or spec.probe is None:
        return None
    for case in spec.probe.http:
        if case.method == "GET" and case.template is not None and case.status == 200 and not case.login:
            return case.url
    for upload in spec.uploads:
        if "anyone" in upload.access:
            return spec.probe.base_url + upload.rule
    if spec.auth is not None:  # the login page: anyone sees it, logged in or not
        return spec.probe.base_url + "/auth/login"
    return None


# -- config --------------------------------------------------------------------------------

# The types a setting's value can have, in the order a union of them is written.
SETTING_TYPES = ("bool", "int", "float", "str", "timedelta", "list[Any]", "dict[str, Any]", "FromEnv", "Any", "None")


def _setting_type(setting: Setting) -> str:
    """The Python type of a setting's value in ``config.py``."""
    value = setting.value
    if isinstance(value, EnvRef):
        return "FromEnv"
    if isinstance(value, Size):
        return "int"
    if isinstance(value, Duration):
        return "timedelta"
    plain = value.value
    if plain is None:
        return "None"
    if isinstance(plain, list | dict):
        return "list[Any]" if isinstance(plain, list) else "dict[str, Any]"
    name = type(plain).__name__
    return name if name in SETTING_TYPES else "Any"


def setting_annotations(spec: ProjectSpec) -> dict[str, str]:
    """``key -> "str | FromEnv"`` for each key whose value differs in type between
    profiles: annotated wherever it is set, one profile may override another's."""
    types: dict[str, set[str]] = defaultdict(set)
    for profile in spec.profiles:
        for setting in profile.settings:
            types[setting.key].add(_setting_type(setting))
    return {
        key: " | ".join(t for t in SETTING_TYPES if t in found)
        for key, found in sorted(types.items())
        if len(found) > 1
    }


@dataclass(frozen=True)
class SettingCtx:
    """One setting line of a profile class; ``annotation`` when profiles disagree on its type."""

    key: str
    value: SettingValue
    annotation: str | None


@dataclass(frozen=True)
class ProfileCtx:
    """One profile class of config.py."""

    name: str
    class_name: str
    parent: str | None
    settings: tuple[SettingCtx, ...]


@dataclass(frozen=True)
class ConfigView(TypedView):
    """<package>/config.py."""

    profiles: tuple[ProfileCtx, ...]
    uses_timedelta: bool  # a Duration setting needs ``from datetime import timedelta``


def config_view(spec: ProjectSpec) -> ConfigView:
    """The profiles with each setting's annotation decided."""
    annotations = setting_annotations(spec)
    profiles = tuple(
        ProfileCtx(p.name, p.class_name, p.parent, tuple(SettingCtx(s.key, s.value, annotations.get(s.key)) for s in p.settings))
        for p in spec.profiles
    )
    uses_timedelta = any(("datetime", "timedelta") in s.imports for p in spec.profiles for s in p.settings)
    return ConfigView(profiles, uses_timedelta)


def effective_settings(spec: ProjectSpec, profile: Profile) -> dict[str, Setting]:
    """A profile's settings including those it inherits."""
    by_class = {p.class_name: p for p in spec.profiles}
    chain = []
    current: Profile | None = profile
    while current is not None:
        chain.append(current)
        current = by_class.get(current.parent) if current.parent else None
    out: dict[str, Setting] = {}
    for item in reversed(chain):
        out.update({s.key: s for s in item.settings})
    return out


ENV_EXAMPLES = {
    "SECRET_KEY": "change-me-to-a-long-random-string",
    "DATABASE_URL": "postgresql://user:password@localhost:5432/app",
}


def _env_vars(spec: ProjectSpec) -> list[dict[str, str]]:
    names: dict[str, str] = {}
    for profile in spec.profiles:
        for setting in profile.settings:
            if isinstance(setting.value, EnvRef):
                for match in ENV_RE.finditer(setting.value.template):
                    names.setdefault(match.group(1), ENV_EXAMPLES.get(match.group(1), "example"))
    return [{"name": n, "example": v} for n, v in sorted(names.items())]


@dataclass(frozen=True)
class ConfigTestsView(TypedView):
    """tests/test_config.py."""

    project: Project
    missing_cases: list[dict[str, str]]  # {"profile", "var"}: loading fails without var
    default_cases: list[dict[str, str]]  # {"profile", "key", "value"}: a reference's default
    full_env: dict[str, str]  # every variable set, so each profile loads


def _config_tests_view(spec: ProjectSpec) -> ConfigTestsView:
    missing_cases: list[dict[str, str]] = []
    default_cases: list[dict[str, str]] = []
    for profile in spec.profiles:
        settings = effective_settings(spec, profile)
        required = sorted({v for s in settings.values() for v in s.env_vars})
        missing_cases += [{"profile": profile.name, "var": var} for var in required]
        if required:
            continue
        for key, setting in settings.items():
            if isinstance(setting.value, EnvRef):
                template = setting.value.template
                value = ENV_RE.sub(lambda m: m.group(2) or "", template)
                default_cases.append({"profile": profile.name, "key": key, "value": value})
    full_env = {v["name"]: v["example"] for v in _env_vars(spec)}
    return ConfigTestsView(spec.project, missing_cases, default_cases, full_env)


# -- templates (HTML) ----------------------------------------------------------------------


def _nav(spec: ProjectSpec) -> list[NavLink]:
    links = []
    bp_sub = {bp.name: bp.subdomain for bp in spec.blueprints}
    for route in spec.all_routes:
        if route.subdomain or (route.blueprint and bp_sub.get(route.blueprint)):
            continue
        if "GET" not in route.methods or route.response.kind != "template":
            continue
        if not any(
            not r.variables or all(v in dict(r.defaults) for v in r.variables) for r in route.rules
        ):
            continue
        links.append(NavLink(route.endpoint, humanize(route.key), _nav_check(spec, _route_rule(spec, route))))
    for upload in spec.uploads:
        links.append(NavLink(upload.name, humanize(upload.name), _nav_check(spec, upload.access)))
    guarded = spec.auth is not None
    links += [NavLink(f"{r.key}.index", humanize(r.key), f"may({r.key!r}, 'read')" if guarded else None) for r in spec.resources if r.html]
    return links


def _home_endpoint(spec: ProjectSpec) -> str | None:
    root = home.home_route(spec)
    return root.endpoint if root is not None else None


def _route_rule(spec: ProjectSpec, route: Route) -> tuple[str, ...]:
    """A route's own rule, or its blueprint's when the route is open."""
    if "anyone" not in route.access or route.blueprint is None:
        return route.access
    return next((b.access for b in spec.blueprints if b.name == route.blueprint), route.access)


def _nav_check(spec: ProjectSpec, rule: tuple[str, ...]) -> str | None:
    if spec.auth is None or "anyone" in rule:
        return None
    return f"allows({rule!r})"


@dataclass(frozen=True)
class PageView(TypedView):
    """One page template of a ``template:`` route."""

    title: str
    variables: tuple[str, ...]  # the URL variables the views pass
    form: bool  # a route of the page accepts POST
    csrf: bool
    form_multipart: bool
    dashboard: bool = False  # the home page: a card per resource the visitor may read
    login: bool = False  # the app has auth (the dashboard offers a login)


@dataclass(frozen=True)
class ErrorPageView(TypedView):
    """The template of an error page."""

    page: ErrorPage
    home: str | None = None  # the endpoint of the home page, which the page links to


# Where the app has pages of its own, these errors get a page in its layout unless the spec declares one.
DEFAULT_ERROR_CODES = (403, 404, 500)


def error_pages(spec: ProjectSpec) -> tuple[ErrorPage, ...]:
    """The spec's error pages and, in an app with pages of its own (resources or auth),
    a page in the layout for each of 403, 404 and 500 that the spec does not declare."""
    if spec.auth is None and not any(r.html for r in spec.resources):
        return spec.errors
    declared = {page.code for page in spec.errors}
    defaults = [_default_error_page(code) for code in DEFAULT_ERROR_CODES if code not in declared]
    return tuple(sorted((*spec.errors, *defaults), key=lambda page: page.code))


def _default_error_page(code: int) -> ErrorPage:
    title = HTTP_STATUS_CODES[code]
    template = f"errors/{code}.html"
    expr = f"render_template({pysrc(template)}, error=error)"
    response = Response("template", expr, frozenset({("flask", "render_template")}), template=template)
    return ErrorPage(code=code, title=title, function_name=snake(title), response=response)


@dataclass(frozen=True)
class LayoutView(TypedView):
    """templates/base.html."""

    project: Project
    nav: list[NavLink]
    auth_nav: auth.AuthNav | None
    home: str | None  # the endpoint of the site's "/" page, which the brand links to


def _page_files(spec: ProjectSpec) -> list[PlannedFile]:
    pages: dict[str, dict[str, Any]] = {}
    for route in spec.all_routes:
        if route.response.kind != "template":
            continue
        page = pages.setdefault(
            route.response.template, {"title": humanize(route.key), "variables": [], "form": False}
        )
        for var in route.params:
            if var.name not in page["variables"]:
                page["variables"].append(var.name)
        page["form"] = page["form"] or route.accepts_post
    out = []
    root = home.home_route(spec)
    dashboard = home.template_of(root) if root is not None and home.has_dashboard(spec) else None
    for template, page in sorted(pages.items()):
        on_home = template == dashboard
        view = PageView(page["title"], tuple(page["variables"]), page["form"], spec.project.csrf, False, on_home, spec.auth is not None)
        out.append(PlannedFile(f"{spec.project.package}/templates/{template}", "project/package/templates/page.html.jinja", view))
    for error in error_pages(spec):
        if error.response.kind == "template":
            out.append(
                PlannedFile(
                    f"{spec.project.package}/templates/{error.response.template}",
                    "project/package/templates/error.html.jinja",
                    ErrorPageView(error, _home_endpoint(spec)),
                )
            )
    return out


# -- the plan ------------------------------------------------------------------------------


def _app_setup(spec: ProjectSpec, parts: list[Contribution]) -> tuple[list[str], list[str]]:
    imports: list[str] = []
    setup: list[tuple[int, str]] = []
    if spec.converters:
        imports.append("from .converters import register_converters")
        setup.append((Phase.CONVERTERS, "register_converters(app)"))
    extensions = [ext for part in parts for ext in part.extensions]
    if extensions:
        imports.append(f"from .extensions import {', '.join(ext.name for ext in extensions)}")
        setup += [(Phase.EXTENSIONS, ext.init) for ext in extensions]
    if spec.routes:
        imports.append("from .views import register_views")
        setup.append((Phase.VIEWS, "register_views(app)"))
    for bp in spec.blueprints:
        imports.append(f"from .{bp.name} import bp as {bp.name}_bp")
        setup.append((Phase.BLUEPRINTS, f"app.register_blueprint({bp.name}_bp)"))
    if error_pages(spec):
        imports.append("from .errors import register_error_handlers")
        setup.append((Phase.ERRORS, "register_error_handlers(app)"))
    for part in parts:
        imports += part.app_imports
        setup += part.setup
    ordered = [line for _, line in sorted(setup, key=lambda item: item[0])]
    return imports, ordered


def _blueprint_files(spec: ProjectSpec, bp: Blueprint) -> list[PlannedFile]:
    pkg = spec.project.package
    protect = spec.project.csrf
    views, registrations = _views(bp.routes, bp.url_prefix, "bp", "..access", exempt=protect and bp.csrf)
    imports = _view_imports(bp.routes, "..access", bp.access) | {("flask", "Blueprint")}
    if protect and not bp.csrf:
        registrations.insert(0, "csrf.exempt(bp)  # csrf: false")
    if protect and not (bp.csrf and all(route.csrf for route in bp.routes)):
        imports.add(("..extensions", "csrf"))
    bp_args = []
    if bp.url_prefix:
        bp_args.append(f"url_prefix={bp.url_prefix!r}")
    if bp.subdomain:
        bp_args.append(f"subdomain={bp.subdomain!r}")
    view = BlueprintView(
        bp, import_lines(imports), bp_args, access.guard(bp.access, "..access")[1], views, registrations
    )
    return [
        PlannedFile(f"{pkg}/{bp.name}/__init__.py", "project/package/blueprint/__init__.py.jinja", view, python=True),
        PlannedFile(f"{pkg}/{bp.name}/views.py", "project/package/blueprint/views.py.jinja", view, python=True),
    ]


def _route_rows(spec: ProjectSpec) -> list[dict[str, str]]:
    rows = []
    prefixes = {bp.name: bp.url_prefix for bp in spec.blueprints}
    for route in spec.all_routes:
        prefix = prefixes.get(route.blueprint or "")
        for rule in route.rules:
            rows.append(
                {
                    "endpoint": route.endpoint,
                    "methods": ", ".join(route.methods),
                    "rule": join_prefix(prefix, rule.rule),
                }
            )
    for upload in spec.uploads:
        rows.append({"endpoint": upload.name, "methods": "GET, POST", "rule": upload.rule})
        if upload.serve:
            rows.append({"endpoint": f"{upload.name}_file", "methods": "GET", "rule": upload.serve})
    if deploy.wants_healthz(spec):
        rows.append({"endpoint": "healthz", "methods": "GET", "rule": deploy.HEALTH_RULE})
    # Bootstrap's CSS and JS, served by Bootstrap-Flask's blueprint (every project has the layout).
    rows.append({"endpoint": "bootstrap.static", "methods": "GET", "rule": "/bootstrap/static/<path:filename>"})
    return rows + _auth_rows(spec) + _resource_rows(spec)


def _row(endpoint: str, methods: str, prefix: str, rule: str) -> dict[str, str]:
    return {"endpoint": endpoint, "methods": methods, "rule": join_prefix(prefix, rule)}


def _auth_rows(spec: ProjectSpec) -> list[dict[str, str]]:
    """The auth blueprint's routes (register only with ``register: true``)."""
    if spec.auth is None:
        return []
    return [_row(f"{AUTH_BLUEPRINT}.{key}", ", ".join(methods), AUTH_PREFIX, rule) for rule, key, methods in auth_rules(spec.auth)]


def _resource_rows(spec: ProjectSpec) -> list[dict[str, str]]:
    """Each resource's pages and API, as the contract's tables list them."""
    rows = []
    for r in spec.resources:
        item = f"/<{r.id_converter}:{r.pk.name}>"
        if r.html:
            pages = [("index", "GET", "/"), ("new", "GET", "/new"), ("create", "POST", "/"), ("show", "GET", item)]
            if r.export:
                pages.append(("export", "GET", "/export.csv"))
            pages += [("edit", "GET", f"{item}/edit"), ("update", "POST", f"{item}/edit")]
            pages += [("confirm_delete", "GET", f"{item}/delete"), ("delete", "POST", f"{item}/delete")]
            if resources.resource_ctx(spec, r).pickers:
                pages.append(("options", "GET", "/options/<field>"))
            rows += [_row(f"{r.key}.{name}", methods, r.url_prefix, rule) for name, methods, rule in pages]
        if r.api:
            api = f"{r.key}_api.{r.model.name}"
            rows.append(_row(f"{api}List", "GET, POST", r.api_prefix, "/"))
            rows.append(_row(f"{api}Item", "GET, PUT, PATCH, DELETE", r.api_prefix, item))
    if any(r.api for r in spec.resources):
        rows.append({"endpoint": "api-docs.openapi_json", "methods": "GET", "rule": "/api/openapi.json"})
        rows.append({"endpoint": "api_docs", "methods": "GET", "rule": "/api/docs"})
        rows.append({"endpoint": "api_docs_assets", "methods": "GET", "rule": "/api/docs/assets/<path:filename>"})
    return rows


@dataclass(frozen=True)
class ExtensionsView(TypedView):
    """<package>/extensions.py."""

    extensions: list[Extension]


@dataclass(frozen=True)
class ErrorsView(TypedView):
    """<package>/errors.py."""

    errors: tuple[ErrorPage, ...]
    imports: list[str]
    api: bool  # error pages leave the API's URLs to its JSON errors


@dataclass(frozen=True)
class ErrorTestsView(TypedView):
    """tests/test_errors.py."""

    errors: list[dict[str, object]]  # {"code": 404, "expect": what the page shows}
    has_404: bool
    fail_url: str
    missing_url: str
    layout_codes: tuple[int, ...] = ()  # the pages that extend the layout


@dataclass(frozen=True)
class EnvExampleView(TypedView):
    """.env.example."""

    env_vars: list[dict[str, str]]  # {"name": ..., "example": ...}


def _error_tests_view(spec: ProjectSpec) -> ErrorTestsView:
    pages: list[dict[str, object]] = []
    for page in error_pages(spec):
        if page.response.kind == "template":
            expect = shown(page.title)
        elif page.response.kind in ("text", "html"):
            # No URL variables on an error page: format() only turns {{ }} into braces.
            expect = (page.response.text or "").format()
        else:
            expect = json.dumps(page.response.json)[:1]
        pages.append({"code": page.code, "expect": expect})
    layout = tuple(p.code for p in error_pages(spec) if p.response.kind == "template")
    return ErrorTestsView(pages, any(p.code == 404 for p in error_pages(spec)), "/__fail__", "/__no_such_page__", layout)


def dependencies(spec: ProjectSpec, parts: list[Contribution]) -> dict[str, list[str]]:
    """Requirements by group: ``""`` (the project's own), ``dev`` and any extras."""
    groups: dict[str, list[str]] = {"": [FLASK_REQUIREMENT, "python-dotenv>=1.0"]}
    groups["dev"] = ["pytest>=8", f"ruff>={deploy.RUFF_VERSION}", MYPY_REQUIREMENT]
    for part in parts:
        for name, reqs in [("", part.dependencies), ("dev", part.dev_dependencies), *part.extras.items()]:
            group = groups.setdefault(name, [])
            group += [r for r in reqs if r not in group]
    groups["dev"] += [STUB_PACKAGES[n] for n in _requirement_names(groups[""]) if n in STUB_PACKAGES]
    return groups


def _requirement_names(requirements: list[str]) -> list[str]:
    """The distribution names of ``requirements`` (``"Flask-WTF>=1.2"`` -> ``"Flask-WTF"``)."""
    return [re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0] for req in requirements]


def local_stubs(requirements: list[str]) -> list[str]:
    """The stub files (under typings/) for the untyped libraries in ``requirements``."""
    return sorted(stub for name in _requirement_names(requirements) for stub in LOCAL_STUBS.get(name, ()))


@dataclass(frozen=True)
class PyprojectView(TypedView):
    """pyproject.toml."""

    project: Project
    has_stubs: bool  # the project carries stubs in typings/
    dependencies: list[str]
    extras: list[tuple[str, list[str]]]  # optional-dependency groups, sorted
    markers: list[str]


@dataclass(frozen=True)
class ManageView(TypedView):
    """manage.py."""

    project: Project
    spec: ProjectSpec
    has_db: bool


@dataclass(frozen=True)
class AppView(TypedView):
    """<package>/__init__.py: the app factory."""

    project: Project
    spec: ProjectSpec
    app_imports: list[str]
    setup_lines: list[str]


@dataclass(frozen=True)
class RoutesTestsView(TypedView):
    """tests/test_routes.py."""

    project: Project
    probe: Probe | None
    login: bool  # the app has auth (guarded routes redirect to the login page)
    roles: tuple[str, ...] = ()  # roles the routes' rules name: the tests' user holds them
    user_model: str = ""
    role_only: tuple[tuple[str, str], ...] = ()  # (id, URL) of a GET a user without a role may not make
    tables: bool = False  # a page reads the database (the home dashboard): the tests create the tables


def _project_files(spec: ProjectSpec, parts: list[Contribution]) -> list[PlannedFile]:
    """The project's top-level files, the app factory and its config."""
    pkg = spec.project.package
    app_imports, setup_lines = _app_setup(spec, parts)
    groups = dependencies(spec, parts)
    markers = [m for part in parts for m in part.markers]
    stubs = local_stubs(groups[""] + groups["dev"])
    return [PlannedFile(f"typings/{stub}", f"project/typings/{stub}.jinja", NoNames()) for stub in stubs] + [
        PlannedFile("pyproject.toml", "project/pyproject.toml.jinja", PyprojectView(spec.project, bool(stubs), groups.pop(""), sorted(groups.items()), markers)),
        PlannedFile(".flaskenv", "project/flaskenv.jinja", ProjectView(spec.project)),
        PlannedFile(".env.example", "project/env.example.jinja", EnvExampleView(_env_vars(spec))),
        PlannedFile(".gitignore", "project/gitignore.jinja", NoNames()),
        PlannedFile("manage.py", "project/manage.py.jinja", ManageView(spec.project, spec, bool(spec.models)), True),
        PlannedFile(f"{pkg}/__init__.py", "project/package/__init__.py.jinja", AppView(spec.project, spec, app_imports, setup_lines), True),
        PlannedFile(f"{pkg}/config.py", "project/package/config.py.jinja", config_view(spec), True),
    ]


def _app_files(spec: ProjectSpec, parts: list[Contribution]) -> list[PlannedFile]:
    """Converters, extensions, views, blueprints and error handlers, where the spec has them."""
    pkg = spec.project.package
    files: list[PlannedFile] = []
    if spec.converters:
        files.append(PlannedFile(f"{pkg}/converters.py", "project/package/converters.py.jinja", converters_view(spec.converters), True))
    extensions = [ext for part in parts for ext in part.extensions]
    if extensions:
        files.append(PlannedFile(f"{pkg}/extensions.py", "project/package/extensions.py.jinja", ExtensionsView(extensions), True))
    if spec.routes:
        views, registrations = _views(spec.routes, None, "app", ".access", exempt=spec.project.csrf)
        imports = _view_imports(spec.routes, ".access") | {("flask", "Flask")}
        if spec.project.csrf and not all(route.csrf for route in spec.routes):
            imports.add((".extensions", "csrf"))
        files.append(
            PlannedFile(f"{pkg}/views.py", "project/package/views.py.jinja", AppViewsView(import_lines(imports), views, registrations), True)
        )
    for bp in spec.blueprints:
        files += _blueprint_files(spec, bp)
    pages = error_pages(spec)
    if pages:
        imports = {("flask", "Flask"), ("flask.typing", "ResponseReturnValue"), ("werkzeug.exceptions", "HTTPException")}
        for page in pages:
            imports |= page.response.imports
        api = any(r.api for r in spec.resources)
        if api:
            imports.add((".api", "api_error"))
            imports.add((".api", "is_api_request"))
        files.append(PlannedFile(f"{pkg}/errors.py", "project/package/errors.py.jinja", ErrorsView(pages, import_lines(imports), api), True))
    return files


def _html_files(spec: ProjectSpec) -> list[PlannedFile]:
    """The layout, the pages and the style sheet."""
    pkg = spec.project.package
    return [
        PlannedFile(f"{pkg}/templates/base.html", "project/package/templates/base.html.jinja", LayoutView(spec.project, _nav(spec), auth.nav(spec), _home_endpoint(spec))),
        *_page_files(spec),
        *_partial_files(spec),
        PlannedFile(f"{pkg}/static/style.css", "project/package/static/style.css.jinja", NoNames()),
        *_script_files(spec),
    ]


def _partial_files(spec: ProjectSpec) -> list[PlannedFile]:
    """The macros the pages with forms import: fields in Bootstrap's markup."""
    if spec.auth is None and not any(r.html for r in spec.resources):
        return []
    return [PlannedFile(f"{spec.project.package}/templates/_form.html", "project/package/templates/_form.html.jinja", NoNames())]


def _script_files(spec: ProjectSpec) -> list[PlannedFile]:
    """The pages' scripts: static files, never inline (the Content-Security-Policy refuses those)."""
    pkg = spec.project.package
    if any(r.html and resources.resource_ctx(spec, r).pickers for r in spec.resources):
        return [PlannedFile(f"{pkg}/static/picker.js", "project/package/static/picker.js.jinja", NoNames())]
    return []


@dataclass(frozen=True)
class ConftestView(TypedView):
    """tests/conftest.py: which fixture blocks the features asked for, and their values."""

    project: Project
    has_db: bool
    has_auth: bool
    has_uploads: bool
    has_mail: bool  # the outbox fixture
    has_limiter: bool  # Flask-Limiter, whose state each test resets
    token_page: str | None  # a page that carries the CSRF token, if any
    base_url: str
    auth_user: auth.AuthCtx | None
    environment: dict[str, str]  # stand-ins for the variables the testing profile requires


def testing_environment(spec: ProjectSpec) -> dict[str, str]:
    """A stand-in for every variable the testing profile requires, so the generated
    suite runs where none is set (a value in the environment wins)."""
    testing = next((p for p in spec.profiles if p.name == "testing"), None)
    by_class = {p.class_name: p for p in spec.profiles}
    keys: set[str] = set()
    current = testing
    while current is not None:
        keys.update(s.key for s in current.settings)
        current = by_class.get(current.parent) if current.parent else None
    names = {
        name
        for key in keys
        if (found := resolved_setting(spec.profiles, "testing", key)) is not None
        for name in found.env_vars
    }
    return {name: f"test-{name.lower().replace('_', '-')}" for name in sorted(names)}


def _conftest_view(spec: ProjectSpec, parts: list[Contribution]) -> ConftestView:
    """The conftest blocks named by the features' contributions."""
    blocks = {c for part in parts for c in part.conftest}
    return ConftestView(
        spec.project,
        "db" in blocks,
        "auth" in blocks,
        "uploads" in blocks,
        "mail" in blocks,
        spec.auth is not None and bool(spec.auth.throttle),
        _token_page(spec),
        spec.probe.base_url if spec.probe else "http://localhost",
        auth.auth_ctx(spec) if spec.auth is not None else None,
        testing_environment(spec),
    )


def _test_files(spec: ProjectSpec, parts: list[Contribution]) -> list[PlannedFile]:
    """The generated project's own tests (the features add theirs)."""
    files = [
        PlannedFile("tests/conftest.py", "project/tests/conftest.py.jinja", _conftest_view(spec, parts), True),
        PlannedFile("tests/test_routes.py", "project/tests/test_routes.py.jinja", RoutesTestsView(spec.project, spec.probe, spec.auth is not None, _route_roles(spec), spec.auth.model if spec.auth else "", _role_only(spec), home.has_dashboard(spec)), True),
        PlannedFile("tests/test_config.py", "project/tests/test_config.py.jinja", _config_tests_view(spec), True),
    ]
    if error_pages(spec):
        files.append(PlannedFile("tests/test_errors.py", "project/tests/test_errors.py.jinja", _error_tests_view(spec), True))
    return files


def _role_only(spec: ProjectSpec) -> tuple[tuple[str, str], ...]:
    """The first GET of every route whose rule names roles only."""
    rules = {r.endpoint: _route_rule(spec, r) for r in spec.all_routes}
    return tuple(
        (case.id, case.url) for case in auth.guarded_cases(spec) if not {"anyone", "user"} & set(rules.get(case.id, ("user",)))
    )


def _route_roles(spec: ProjectSpec) -> tuple[str, ...]:
    if spec.auth is None:
        return ()
    named = {n for r in spec.all_routes for n in r.access} | {n for b in spec.blueprints for n in b.access}
    return tuple(r for r in spec.auth.roles if r in named)


@dataclass(frozen=True)
class ReadmeView(TypedView):
    """The generated project's README.md."""

    project: Project
    spec: ProjectSpec
    spec_name: str  # the spec file's name, for the regen instructions
    has_db: bool
    deploy: deploy.Deploy
    health_rule: str
    stubs: list[str]  # the stubs in typings/
    flask_major: int
    profiles: tuple[Profile, ...]
    route_rows: list[dict[str, str]]  # {"endpoint", "methods", "rule"}
    layout: list[str]  # every file of the project
    jobs: jobs.JobsReadme | None  # the Jobs section


def _readme(spec: ProjectSpec, spec_name: str, files: list[PlannedFile]) -> PlannedFile:
    """README.md, which lists every other file of the project."""
    # Revisions are listed as their folder: regen adds one per change of the models.
    paths = {f.relpath if not f.relpath.startswith("migrations/versions/") else "migrations/versions/  (one Alembic revision per change of the models)" for f in files}
    layout = sorted([*paths, "README.md"])
    stubs = [f.relpath.removeprefix("typings/") for f in files if f.relpath.startswith("typings/")]
    view = ReadmeView(
        project=spec.project,
        spec=spec,
        spec_name=spec_name,
        has_db=bool(spec.models),
        deploy=deploy.deploy_info(spec),
        health_rule=deploy.HEALTH_RULE,
        stubs=stubs,
        flask_major=3,
        profiles=spec.profiles,
        route_rows=_route_rows(spec),
        layout=layout,
        jobs=jobs.jobs_readme(spec) if spec.jobs else None,
    )
    return PlannedFile("README.md", "project/README.md.jinja", view)


def plan(spec: ProjectSpec, spec_name: str = "spec.yaml") -> list[PlannedFile]:
    """Every file of the generated project, sorted by path."""
    parts = [
        data.contribute(spec),
        features.contribute(spec),
        mail.contribute(spec),
        auth.contribute(spec),
        access.contribute(spec),
        resources.contribute(spec),
        home.contribute(spec),
        deploy.contribute(spec),
        jobs.contribute(spec),
        seed.contribute(spec),
    ]
    files = _project_files(spec, parts) + _app_files(spec, parts) + _html_files(spec) + _test_files(spec, parts)
    files += [f for part in parts for f in part.files]
    files.append(_readme(spec, spec_name, files))
    return sorted(files, key=lambda f: f.relpath)
