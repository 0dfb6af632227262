"""Cross-reference checks and normalization into the frozen model.

The schema has already checked shape; this stage checks what a schema cannot
(converters exist, endpoints and rules are unique, redirect targets exist, ...) and
computes every name and expression the templates need. Parts of the spec that
failed the shape check are skipped, so one run reports every problem once.
"""

from __future__ import annotations

import keyword
from typing import Any

from flaskgen.core.errors import Problem
from flaskgen.core.spec import routing
from flaskgen.core.spec.auth import check_guards
from flaskgen.core.spec.base import PYTHONS, SHADOWED_PACKAGES, Ctx, RouteCheck
from flaskgen.core.spec.config import parse_converters, parse_profiles, resolved_setting
from flaskgen.core.spec.extras import Extras, normalize_extras
from flaskgen.core.spec.hazards import spec_hazards
from flaskgen.core.spec.loader import KeyPath, LoadedSpec
from flaskgen.core.spec.responses import check_redirects, parse_error_pages
from flaskgen.core.spec.routes import blueprint_values, parse_blueprints, parse_routes
from flaskgen.core.spec.types import (
    Model,
    Profile,
    Project,
    ProjectSpec,
    Route,
)


def _project(ctx: Ctx, csrf: bool) -> Project | None:
    path: KeyPath = ("project",)
    raw = ctx.get(path)
    if not isinstance(raw, dict) or not ctx.ok((*path, "package")) or "package" not in raw:
        return None
    package = raw["package"]
    if keyword.iskeyword(package) or package in SHADOWED_PACKAGES:
        ctx.error((*path, "package"), f"'{package}' would shadow the module of that name; pick another package name")
    name = str(raw["name"]) if isinstance(raw.get("name"), str) else package
    if isinstance(raw.get("python"), str) and ctx.ok((*path, "python")):
        _check_python(ctx, (*path, "python"), raw["python"])
    return Project(
        name=name,
        package=package,
        description=str(raw.get("description", "")),
        version=str(raw.get("version", "0.1.0")),
        python=str(raw.get("python", ">=3.11")),
        csrf=bool(raw.get("csrf", csrf)),
    )


def _check_python(ctx: Ctx, path: KeyPath, requirement: str) -> None:
    """``project.python`` is the generated ``requires-python``: a PEP 440 specifier set
    that allows a Python the generated project runs on."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only for specs that set it

    try:
        allowed = SpecifierSet(requirement)
    except InvalidSpecifier:
        ctx.error(path, f"'{requirement}' is not a version specifier such as '>=3.11' or '>=3.11,<3.14'")
        return
    if not any(allowed.contains(v, prereleases=True) for v in PYTHONS):
        ctx.error(path, f"'{requirement}' allows none of the Pythons a generated project supports ({', '.join(sorted(PYTHONS))})")


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


def _dropped(ctx: Ctx, entries: Any, models: tuple[Model, ...]) -> tuple[str, ...]:
    """The ``dropped`` entries; one that names a model or column still in the spec is an
    error, so a confirmation left behind cannot let a later removal pass unasked."""
    if not isinstance(entries, list) or not ctx.ok(("dropped",)):
        return ()
    present = {m.name for m in models} | {f"{m.name}.{c.name}" for m in models for c in m.columns}
    for index, entry in enumerate(entries):
        if entry in present:
            ctx.error(("dropped", index), f"'{entry}' is still in the spec, so it is not dropped (remove it from dropped, or remove it from models)")
    return tuple(str(e) for e in entries)


def normalize(
    spec: LoadedSpec, bad: set[KeyPath], parses: routing.RuleParses | None = None
) -> tuple[ProjectSpec | None, list[Problem]]:
    """Check cross-references and build the frozen :class:`ProjectSpec`; the rules it
    parses are kept in ``parses`` for the probe."""
    ctx = Ctx(spec, bad)
    data = spec.data if isinstance(spec.data, dict) else {}
    converters = parse_converters(ctx)
    url_map = routing.make_map(converters, parses)
    custom_types = {c.class_name: c.type for c in converters}
    rc = RouteCheck(url_map, custom_types)
    app_routes = parse_routes(ctx, rc, ("routes",), data.get("routes"), None, None, None)
    bp_routes, bp_meta = parse_blueprints(ctx, rc)
    extras = normalize_extras(ctx, rc)
    # Endpoints and the variable sets of their rules, for redirect checks.
    endpoints: dict[str, tuple[list[set[str]], KeyPath]] = {
        route.endpoint: ([set(r.variables).difference([k for k, _ in r.defaults]) for r in route.rules], path)
        for path, route in app_routes + bp_routes
    }
    endpoints.update(extras.endpoints)
    app_list = check_redirects(ctx, app_routes, endpoints)
    bp_list = check_redirects(ctx, bp_routes, endpoints)
    blueprints = blueprint_values(bp_meta, bp_list)
    check_guards(ctx, app_routes + bp_routes, [(m["path"], b) for m, b in zip(bp_meta, blueprints, strict=True)], "auth" in data)
    errors = parse_error_pages(ctx)
    project = _project(ctx, _needs_form(app_list + bp_list, extras))
    if project is None:
        return None, ctx.problems
    if not project.csrf and any(r.html for r in extras.resources):
        ctx.error(("project", "csrf"), "the resources' pages need CSRF protection; remove csrf: false or set html: false on the resources")
    on_subdomain = {m["name"] for m in bp_meta if m["subdomain"]}
    subdomain_routes = [(p, r) for p, r in app_routes + bp_routes if r.subdomain or r.blueprint in on_subdomain]
    throttle = extras.auth.throttle if extras.auth else None
    profiles = parse_profiles(ctx, project.package, bool(extras.models), extras.auth is not None, bool(subdomain_routes), throttle, extras.mail, jobs=bool(extras.jobs))
    _check_server_name(ctx, profiles, subdomain_routes)
    spec_out = ProjectSpec(
        project=project,
        profiles=profiles,
        converters=converters,
        routes=tuple(app_list),
        blueprints=blueprints,
        errors=errors,
        **extras.model_fields(),
        dropped=_dropped(ctx, data.get("dropped"), extras.models),
        raw=data,
    )
    for path, message, at_key in spec_hazards(spec_out):
        ctx.error(path, message, key=at_key)
    return spec_out, ctx.problems
