"""ProjectSpec -> the list of files to generate, each with its template and context.

Pure: no filesystem, no Jinja. Every name, import and expression a template needs is
computed here (or in the spec model) so the templates only loop and substitute.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flaskgen import __version__
from flaskgen.planners import (
    PHASE_BLUEPRINTS,
    PHASE_CONVERTERS,
    PHASE_ERRORS,
    PHASE_EXTENSIONS,
    PHASE_VIEWS,
    Contribution,
    auth,
    data,
    deploy,
    features,
    resources,
)
from flaskgen.render import PlannedFile
from flaskgen.spec.model import Blueprint, Import, Profile, ProjectSpec, Route, Setting
from flaskgen.spec.normalize import ENV_RE, join_prefix

# The ruff release flaskgen is tested with: generated projects need at least this one
# (their dev extra and pre-commit hook), so their `ruff format --check` agrees.
RUFF_VERSION = "0.17.6"
FLASK_REQUIREMENT = "Flask>=3.1,<4"
MYPY_REQUIREMENT = "mypy>=2.4"
# Typing for the libraries a generated project uses that ship none: stub packages
# (its dev extra) and the stubs it carries itself in typings/ (its mypy_path).
STUB_PACKAGES = {"Flask-Migrate": "types-Flask-Migrate>=4.0", "Flask-WTF": "types-WTForms>=3.2"}
LOCAL_STUBS = {
    "Flask-Login": ("flask_login.pyi",),
    "Flask-WTF": ("flask_wtf/__init__.pyi", "flask_wtf/csrf.pyi"),
    "flask-smorest": ("flask_smorest.pyi",),
    "swagger-ui-bundle": ("swagger_ui_bundle.pyi",),
}


@dataclass(frozen=True)
class ViewCtx:
    route: Route
    signature: str
    doc: str
    decorators: tuple[str, ...]
    guard: bool = False  # a class view that needs a logged-in user (``decorators = [...]``)


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str


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
        f"{p.name}: {p.annotation}" + (f" = {p.default}" if p.default is not None else "")
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


def _view_imports(routes: tuple[Route, ...], guard: bool = False) -> set[Import]:
    imports: set[Import] = {auth.PAGE_GUARD} if guard or any(r.login_required for r in routes) else set()
    for route in routes:
        if route.response.kind == "redirect_to":
            continue
        imports |= route.response.imports
        imports.add(("flask.typing", "ResponseReturnValue"))
        if route.view_class:
            imports.add(("flask.views", "MethodView"))
        if any("UUID" in p.annotation for p in route.params):
            imports.add(("uuid", "UUID"))
    return imports


def _views(
    routes: tuple[Route, ...], prefix: str | None, target: str, *, exempt: bool = False
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
            for i, rule in enumerate(route.rules):
                args = [
                    repr(rule.rule),
                    f"endpoint={route.key!r}",
                    *_rule_kwargs(route, i),
                    f"redirect_to={route.response.target!r}",
                ]
                registrations.append(f"{target}.add_url_rule({', '.join(args)})")
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
        if route.login_required and not route.view_class:
            decorators.append(f"@{auth.PAGE_GUARD[1]}")
        views.append(ViewCtx(route, _signature(route), _doc(route, prefix), tuple(decorators), route.login_required))
    return views, registrations


def _token_page(spec: ProjectSpec) -> str | None:
    """A page (full URL) whose layout carries the CSRF token, for the tests to read it
    as a browser does; None when the app has no such page."""
    if not spec.project.csrf or spec.probe is None:
        return None
    for case in spec.probe.http:
        if case.method == "GET" and case.template is not None and case.status == 200 and not case.login:
            return case.url
    if spec.uploads:
        return spec.probe.base_url + spec.uploads[0].rule
    return None


# -- config --------------------------------------------------------------------------------

# The types a setting's value can have, in the order a union of them is written.
SETTING_TYPES = ("bool", "int", "float", "str", "timedelta", "list[Any]", "dict[str, Any]", "FromEnv", "Any", "None")


def _setting_type(setting: Setting) -> str:
    """The type of a setting's value, read from the expression normalization made of it
    (a literal, a size product, ``timedelta(...)`` or ``FromEnv(...)``)."""
    node = ast.parse(setting.expr, mode="eval").body
    while isinstance(node, ast.UnaryOp | ast.BinOp):  # -1, 16 * 1024 * 1024
        node = node.operand if isinstance(node, ast.UnaryOp) else node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node, ast.List | ast.Dict):
        return "list[Any]" if isinstance(node, ast.List) else "dict[str, Any]"
    if isinstance(node, ast.Constant):
        return "None" if node.value is None else type(node.value).__name__
    return "Any"


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
            if setting.expr.startswith("FromEnv("):
                for match in ENV_RE.finditer(setting.expr):
                    names.setdefault(match.group(1), ENV_EXAMPLES.get(match.group(1), "example"))
    return [{"name": n, "example": v} for n, v in sorted(names.items())]


def _config_cases(spec: ProjectSpec) -> dict[str, Any]:
    missing_cases = []
    default_cases = []
    for profile in spec.profiles:
        settings = effective_settings(spec, profile)
        required = sorted({v for s in settings.values() for v in s.env_vars})
        missing_cases += [{"profile": profile.name, "var": var} for var in required]
        if required:
            continue
        for key, setting in settings.items():
            if setting.expr.startswith("FromEnv("):
                template = eval(
                    setting.expr[len("FromEnv(") : -1], {"__builtins__": {}}
                )  # our own repr()
                value = ENV_RE.sub(lambda m: m.group(2) or "", template)
                default_cases.append({"profile": profile.name, "key": key, "value": value})
    full_env = {v["name"]: v["example"] for v in _env_vars(spec)}
    return {"missing_cases": missing_cases, "default_cases": default_cases, "full_env": full_env}


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
        links.append(NavLink(route.endpoint, humanize(route.key)))
    for upload in spec.uploads:
        links.append(NavLink(upload.name, humanize(upload.name)))
    links += [NavLink(f"{r.key}.index", humanize(r.key)) for r in spec.resources if r.html]
    return links


def _page_files(spec: ProjectSpec, base: dict[str, Any]) -> list[PlannedFile]:
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
    for template, page in sorted(pages.items()):
        ctx = {**base, **page, "csrf": spec.project.csrf, "form_multipart": False}
        out.append(
            PlannedFile(
                f"{spec.project.package}/templates/{template}",
                "project/package/templates/page.html.jinja",
                ctx,
            )
        )
    for error in spec.errors:
        if error.response.kind == "template":
            out.append(
                PlannedFile(
                    f"{spec.project.package}/templates/{error.response.template}",
                    "project/package/templates/error.html.jinja",
                    {**base, "page": error},
                )
            )
    return out


# -- the plan ------------------------------------------------------------------------------


def _app_setup(spec: ProjectSpec, parts: list[Contribution]) -> tuple[list[str], list[str]]:
    imports: list[str] = []
    setup: list[tuple[int, str]] = []
    if spec.converters:
        imports.append("from .converters import register_converters")
        setup.append((PHASE_CONVERTERS, "register_converters(app)"))
    extensions = [ext for part in parts for ext in part.extensions]
    if extensions:
        imports.append(f"from .extensions import {', '.join(ext.name for ext in extensions)}")
        setup += [(PHASE_EXTENSIONS, ext.init) for ext in extensions]
    if spec.routes:
        imports.append("from .views import register_views")
        setup.append((PHASE_VIEWS, "register_views(app)"))
    for bp in spec.blueprints:
        imports.append(f"from .{bp.name} import bp as {bp.name}_bp")
        setup.append((PHASE_BLUEPRINTS, f"app.register_blueprint({bp.name}_bp)"))
    if spec.errors:
        imports.append("from .errors import register_error_handlers")
        setup.append((PHASE_ERRORS, "register_error_handlers(app)"))
    for part in parts:
        imports += part.app_imports
        setup += part.setup
    ordered = [line for _, line in sorted(setup, key=lambda item: item[0])]
    return imports, ordered


def _blueprint_files(spec: ProjectSpec, bp: Blueprint, base: dict[str, Any]) -> list[PlannedFile]:
    pkg = spec.project.package
    protect = spec.project.csrf
    views, registrations = _views(bp.routes, bp.url_prefix, "bp", exempt=protect and bp.csrf)
    imports = _view_imports(bp.routes, bp.login_required) | {("flask", "Blueprint")}
    if protect and not bp.csrf:
        registrations.insert(0, "csrf.exempt(bp)  # csrf: false")
    if protect and not (bp.csrf and all(route.csrf for route in bp.routes)):
        imports.add(("..extensions", "csrf"))
    bp_args = []
    if bp.url_prefix:
        bp_args.append(f"url_prefix={bp.url_prefix!r}")
    if bp.subdomain:
        bp_args.append(f"subdomain={bp.subdomain!r}")
    ctx = {
        **base,
        "bp": bp,
        "views": views,
        "registrations": registrations,
        "imports": import_lines(imports),
        "bp_args": bp_args,
        "bp_guard": auth.PAGE_GUARD[1] if bp.login_required else None,
    }
    return [
        PlannedFile(
            f"{pkg}/{bp.name}/__init__.py",
            "project/package/blueprint/__init__.py.jinja",
            ctx,
            python=True,
        ),
        PlannedFile(
            f"{pkg}/{bp.name}/views.py",
            "project/package/blueprint/views.py.jinja",
            ctx,
            python=True,
        ),
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
    return rows


def _error_test_ctx(spec: ProjectSpec) -> dict[str, Any]:
    pages = []
    for page in spec.errors:
        if page.response.kind == "template":
            expect = html.escape(page.title)
        elif page.response.kind in ("text", "html"):
            # No URL variables on an error page: format() only turns {{ }} into braces.
            expect = (page.response.text or "").format()
        else:
            expect = json.dumps(page.response.json)[:1]
        pages.append({"code": page.code, "expect": expect})
    return {
        "errors": pages,
        "has_404": any(p.code == 404 for p in spec.errors),
        "fail_url": "/__fail__",
        "missing_url": "/__no_such_page__",
    }


def dependencies(spec: ProjectSpec, parts: list[Contribution]) -> dict[str, list[str]]:
    """Requirements by group: ``""`` (the project's own), ``dev`` and any extras."""
    groups: dict[str, list[str]] = {"": [FLASK_REQUIREMENT, "python-dotenv>=1.0"]}
    groups["dev"] = ["pytest>=8", f"ruff>={RUFF_VERSION}", MYPY_REQUIREMENT]
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


def plan(spec: ProjectSpec, spec_name: str = "spec.yaml") -> list[PlannedFile]:
    """Every file of the generated project, sorted by path."""
    pkg = spec.project.package
    base: dict[str, Any] = {
        "spec": spec,
        "project": spec.project,
        "nav": _nav(spec),
        "auth_nav": auth.nav(spec),
        "version": __version__,
    }
    files: list[PlannedFile] = []

    def add(relpath: str, template: str, python: bool = False, **extra: Any) -> None:
        files.append(PlannedFile(relpath, template, {**base, **extra}, python))

    base["ruff_version"] = RUFF_VERSION
    base["health_rule"] = deploy.HEALTH_RULE
    parts = [
        data.contribute(spec, base),
        features.contribute(spec, base),
        auth.contribute(spec, base),
        resources.contribute(spec, base),
        deploy.contribute(spec, base),
    ]
    app_imports, setup_lines = _app_setup(spec, parts)
    groups = dependencies(spec, parts)
    rows = _route_rows(spec)
    markers = [m for part in parts for m in part.markers]
    conftest = [c for part in parts for c in part.conftest]
    extensions = [ext for part in parts for ext in part.extensions]
    stubs = local_stubs(groups[""])
    for stub in stubs:
        add(f"typings/{stub}", f"project/typings/{stub}.jinja")
    add(
        "pyproject.toml",
        "project/pyproject.toml.jinja",
        has_stubs=bool(stubs),
        dependencies=groups.pop(""),
        extras=sorted(groups.items()),
        markers=markers,
    )
    add(".flaskenv", "project/flaskenv.jinja")
    add(".env.example", "project/env.example.jinja", env_vars=_env_vars(spec))
    add(".gitignore", "project/gitignore.jinja")
    add("manage.py", "project/manage.py.jinja", True, has_db=bool(spec.models))
    add(
        f"{pkg}/__init__.py",
        "project/package/__init__.py.jinja",
        True,
        app_imports=app_imports,
        setup_lines=setup_lines,
    )
    uses_timedelta = any(
        ("datetime", "timedelta") in s.imports for p in spec.profiles for s in p.settings
    )
    add(
        f"{pkg}/config.py",
        "project/package/config.py.jinja",
        True,
        profiles=spec.profiles,
        annotations=setting_annotations(spec),
        uses_timedelta=uses_timedelta,
    )
    if spec.converters:
        add(
            f"{pkg}/converters.py",
            "project/package/converters.py.jinja",
            True,
            converters=spec.converters,
        )
    if extensions:
        add(
            f"{pkg}/extensions.py",
            "project/package/extensions.py.jinja",
            True,
            extensions=extensions,
        )
    if spec.routes:
        views, registrations = _views(spec.routes, None, "app", exempt=spec.project.csrf)
        imports = _view_imports(spec.routes) | {("flask", "Flask")}
        if spec.project.csrf and not all(route.csrf for route in spec.routes):
            imports.add((".extensions", "csrf"))
        add(
            f"{pkg}/views.py",
            "project/package/views.py.jinja",
            True,
            views=views,
            registrations=registrations,
            imports=import_lines(imports),
        )
    for bp in spec.blueprints:
        files += _blueprint_files(spec, bp, base)
    if spec.errors:
        imports = {
            ("flask", "Flask"),
            ("flask.typing", "ResponseReturnValue"),
            ("werkzeug.exceptions", "HTTPException"),
        }
        for page in spec.errors:
            imports |= page.response.imports
        add(
            f"{pkg}/errors.py",
            "project/package/errors.py.jinja",
            True,
            errors=spec.errors,
            imports=import_lines(imports),
        )
    add(f"{pkg}/templates/base.html", "project/package/templates/base.html.jinja")
    files += _page_files(spec, base)
    add(f"{pkg}/static/style.css", "project/package/static/style.css.jinja")
    auth_user = auth.auth_ctx(spec) if spec.auth is not None else None
    add(
        "tests/conftest.py",
        "project/tests/conftest.py.jinja",
        True,
        conftest=conftest,
        token_page=_token_page(spec),
        base_url=spec.probe.base_url if spec.probe else "http://localhost",
        auth_user=auth_user,
    )
    add("tests/test_routes.py", "project/tests/test_routes.py.jinja", True, probe=spec.probe, login=spec.auth is not None)
    add("tests/test_config.py", "project/tests/test_config.py.jinja", True, **_config_cases(spec))
    if spec.errors:
        add(
            "tests/test_errors.py",
            "project/tests/test_errors.py.jinja",
            True,
            **_error_test_ctx(spec),
        )
    for part in parts:
        files += part.files
    layout = sorted(f.relpath for f in files) + ["README.md"]
    add(
        "README.md",
        "project/README.md.jinja",
        has_db=bool(spec.models),
        deploy=deploy.deploy_info(spec),
        spec_name=spec_name,
        stubs=stubs,
        flask_major=3,
        profiles=spec.profiles,
        route_rows=rows,
        layout=sorted(layout),
    )
    return sorted(files, key=lambda f: f.relpath)
