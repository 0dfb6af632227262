"""The site's home page: the open GET page at ``/``, which the layout's brand links to,
and, where the spec has resource pages, a dashboard of them (``dashboard.py``): a card
per resource the visitor may read, with its number of rows and its newest ones."""

from __future__ import annotations

from dataclasses import dataclass

from flaskgen.core.plan.base import Contribution, Phase, PlannedFile, TypedView
from flaskgen.core.spec.resources import Resource
from flaskgen.core.spec.types import Project, ProjectSpec, Route


def home_route(spec: ProjectSpec) -> Route | None:
    """The open GET page at ``/`` (no blueprint, no subdomain), if the spec has one."""
    for route in spec.routes:
        at_root = any(rule.rule == "/" for rule in route.rules)
        if at_root and "GET" in route.methods and "anyone" in route.access and not route.subdomain:
            return route
    return None


def template_of(route: Route) -> str | None:
    """The template a route's page renders, if it renders one."""
    return route.response.template if route.response.kind == "template" else None


def has_dashboard(spec: ProjectSpec) -> bool:
    """The home page is a template page and some resource has pages."""
    home = home_route(spec)
    return home is not None and home.response.kind == "template" and any(r.html for r in spec.resources)


@dataclass(frozen=True)
class SourceCtx:
    """One resource on the dashboard."""

    key: str
    title: str  # "Books"
    row_title: str  # "Book": a row without a label column is "Book #3"
    cls: str
    label: str  # Python expression of the label column, or "None"
    newest: str  # Python expression of the column whose descending order is newest first
    pk: str
    owned: bool  # the read rule names owner


@dataclass(frozen=True)
class DashboardView(TypedView):
    """dashboard.py and tests/test_dashboard.py."""

    project: Project
    sources: tuple[SourceCtx, ...]
    models: tuple[str, ...]
    guarded: bool  # the app has auth: a card only for resources the visitor may read
    any_owner_scoped: bool
    first_open: SourceCtx | None  # a resource anyone may read, whose card the tests fill
    closed_keys: tuple[str, ...]  # resources an anonymous visitor never sees
    roles: tuple[str, ...]  # every role: a user with them all may read every resource
    first_open_factory: str  # the test factory of first_open's rows
    auth_model: str  # the class of the users the tests log in as


def _source(spec: ProjectSpec, resource: Resource) -> SourceCtx:
    model = resource.model
    cls, pk = model.name, model.primary_key.name
    created = model.column("created_at")
    newest = f"{cls}.created_at" if created is not None and created.type == "datetime" else f"{cls}.{pk}"
    label = f"{cls}.{model.label}" if model.label else "None"
    owned = spec.auth is not None and "owner" in resource.rule("read")
    return SourceCtx(resource.key, model.plural, model.title, cls, label, newest, pk, owned)


def contribute(spec: ProjectSpec) -> Contribution:
    """The dashboard module, its tests and its registration, where the home page has one."""
    out = Contribution()
    if not has_dashboard(spec):
        return out
    shown = [r for r in spec.resources if r.html]
    sources = tuple(_source(spec, r) for r in shown)
    anyone = [r.key for r in shown if spec.auth is None or "anyone" in r.rule("read")]
    first_open = next((s for s in sources if s.key in anyone and not s.owned), None)
    view = DashboardView(
        spec.project,
        sources,
        tuple(sorted({s.cls for s in sources})),
        spec.auth is not None,
        any(s.owned for s in sources),
        first_open,
        tuple(r.key for r in shown if r.key not in anyone),
        spec.auth.roles if spec.auth else (),
        f"{first_open.cls}Factory" if first_open else "",
        spec.auth.model if spec.auth else "",
    )
    pkg = spec.project.package
    out.files.append(PlannedFile(f"{pkg}/dashboard.py", "project/package/dashboard.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_dashboard.py", "project/tests/test_dashboard.py.jinja", view, python=True))
    out.app_imports.append("from .dashboard import register_dashboard")
    out.setup.append((Phase.TEMPLATING, "register_dashboard(app)"))
    return out
