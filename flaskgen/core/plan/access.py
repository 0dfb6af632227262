"""Access rules in the generated app: ``<package>/access.py`` answers "may this visitor
do this (on this row)?" for pages, the API, pickers and templates, and the decorators
that routes, blueprints and uploads use.
"""

from __future__ import annotations

from dataclasses import dataclass

from flaskgen.core.plan.base import Contribution, Phase, PlannedFile, TypedView
from flaskgen.core.spec.access import ANYONE, USER
from flaskgen.core.spec.types import Import, ProjectSpec

PAGE_LOGIN: Import = ("flask_login", "login_required")


@dataclass(frozen=True)
class AccessCtx:
    resources: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]  # key -> (action, rule)
    owners: tuple[tuple[str, str], ...]  # key -> the row attribute naming its owner's key
    roles: tuple[str, ...]
    pk: str  # the auth model's key attribute


@dataclass(frozen=True)
class AccessView(TypedView):
    a: AccessCtx


def guard(rule: tuple[str, ...], access_module: str, api: bool = False) -> tuple[Import | None, str | None]:
    """The import and decorator expression that let only ``rule``'s visitors in (pages
    send anonymous visitors to log in): none for ``anyone``, Flask-Login's
    ``login_required`` for ``user``, else ``allow(...)`` of the access module."""
    if ANYONE in rule:
        return None, None
    if rule == (USER,) and not api:
        return PAGE_LOGIN, PAGE_LOGIN[1]
    args = ", ".join(repr(name) for name in rule)
    return (access_module, "allow"), f"allow({args}{', api=True' if api else ''})"


def access_ctx(spec: ProjectSpec) -> AccessCtx:
    auth = spec.auth
    assert auth is not None
    model = next(m for m in spec.models if m.name == auth.model)
    return AccessCtx(
        resources=tuple((r.key, r.access) for r in spec.resources),
        owners=tuple((r.key, r.owner_column) for r in spec.resources if r.owner_column),
        roles=auth.roles,
        pk=model.primary_key.name,
    )


def contribute(spec: ProjectSpec) -> Contribution:
    out = Contribution()
    if spec.auth is None:
        return out
    pkg = spec.project.package
    view = AccessView(access_ctx(spec))
    out.files.append(PlannedFile(f"{pkg}/access.py", "project/package/access.py.jinja", view, python=True))
    out.app_imports.append("from .access import register_access")
    out.setup.append((Phase.TEMPLATING, "register_access(app)"))
    return out
