"""Access rules: ``access`` on resources, routes, blueprints and uploads, ``owner`` on
resources and ``auth.roles``.

A rule is a tuple of names, any one of which lets the visitor in: ``anyone``, ``user``
(logged in), ``owner`` (resources only) or a role of ``auth.roles``. With ``auth``,
resources and uploads are closed unless a rule opens them; routes and blueprints stay
open unless they say otherwise. Without ``auth`` every rule is ``anyone``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.schema import did_you_mean

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx
    from flaskgen.core.spec.loader import KeyPath
    from flaskgen.core.spec.types import Model

ANYONE = "anyone"
USER = "user"
OWNER = "owner"
BUILT_IN = (ANYONE, USER, OWNER)
ACTIONS = ("read", "create", "update", "delete")
Rule = tuple[str, ...]
Access = tuple[tuple[str, Rule], ...]  # (action, rule) for every action, in ACTIONS order


def has_auth(ctx: Ctx) -> bool:
    return isinstance(ctx.get(("auth",)), dict)


def declared_roles(ctx: Ctx) -> tuple[str, ...]:
    """``auth.roles`` as written (empty when absent or malformed)."""
    auth = ctx.get(("auth",))
    roles = auth.get("roles") if isinstance(auth, dict) else None
    return tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else ()


def parse_rule(ctx: Ctx, path: KeyPath, raw: Any, *, owner_ok: bool, owner_hint: str = "") -> Rule | None:
    """One rule (a name or a list of names), checked against the roles; None after an error."""
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    roles = declared_roles(ctx)
    ok = True
    for i, name in enumerate(names):
        where = path if isinstance(raw, str) else (*path, i)
        if name == ANYONE:
            continue
        if not has_auth(ctx):
            ctx.error(where, f"the rule '{name}' needs a logged-in user, so the spec needs auth: (session login), such as auth: {{model: User}}")
            ok = False
        elif name == OWNER and not owner_ok:
            ctx.error(where, owner_hint or "'owner' is a rule of resources only (the user a row's owner names)")
            ok = False
        elif name not in BUILT_IN and name not in roles:
            choices = [*(BUILT_IN if owner_ok else (ANYONE, USER)), *roles]
            hint = did_you_mean(name, choices) or (" (auth.roles declares none)" if not roles else f" (auth.roles: {', '.join(roles)})")
            ctx.error(where, f"unknown rule '{name}'{hint}; a rule is anyone, user{', owner' if owner_ok else ''} or a role of auth.roles")
            ok = False
    return tuple(dict.fromkeys(names)) if ok and names else None


def single_rule(ctx: Ctx, path: KeyPath, body: dict[str, Any], closed: bool) -> Rule:
    """The one rule of a route, blueprint or upload: ``access``, or ``login_required``
    (``true`` means ``user``); without either, ``user`` when ``closed`` and the spec has
    ``auth``, else ``anyone``."""
    if "access" in body and "login_required" in body:
        ctx.error((*path, "login_required"), "give access or login_required, not both (login_required: true means access: user)", key=True)
    if "access" in body:
        return parse_rule(ctx, (*path, "access"), body["access"], owner_ok=False, owner_hint="'owner' needs a row; routes, blueprints and uploads take anyone, user or a role") or (USER,)
    if "login_required" in body:
        if body["login_required"] and not has_auth(ctx):
            ctx.error((*path, "login_required"), "login_required needs auth: (session login) in the spec, such as auth: {model: User}", key=True)
            return (ANYONE,)
        return (USER,) if body["login_required"] else (ANYONE,)
    return (USER,) if closed and has_auth(ctx) else (ANYONE,)


def resource_access(ctx: Ctx, path: KeyPath, body: dict[str, Any], owner: str | None) -> Access:
    """Every action's rule of a resource (``access``, ``login_required`` or the default)."""
    hint = "'owner' needs the resource's owner key (a many-to-one to the auth model)"
    raw = body.get("access")
    if raw is None or not isinstance(raw, dict):
        rule = single_rule(ctx, path, {k: v for k, v in body.items() if k in ("access", "login_required")}, closed=True)
        if "access" in body and OWNER in rule and owner is None:
            ctx.error((*path, "access"), hint)
        out = {action: rule for action in ACTIONS}
    else:
        if "login_required" in body:
            ctx.error((*path, "login_required"), "give access or login_required, not both (login_required: true means access: user)", key=True)
        out = {}
        for action in ACTIONS:
            if action not in raw:
                out[action] = (USER,) if has_auth(ctx) else (ANYONE,)
                continue
            where = (*path, "access", action)
            rule = parse_rule(ctx, where, raw[action], owner_ok=owner is not None, owner_hint=hint) or (USER,)
            if action == "create" and OWNER in rule:
                ctx.error(where, "a new row has no owner yet; create takes anyone, user or a role (the creator becomes the owner)")
            out[action] = rule
    if owner is not None and ANYONE in out["create"]:
        ctx.error((*path, "access", "create") if isinstance(raw, dict) and "create" in raw else (*path, "access"),
                  "rows get the logged-in user as their owner, so create needs a logged-in user (user or a role), not anyone")
    return tuple((action, out[action]) for action in ACTIONS)


def resource_owner(ctx: Ctx, path: KeyPath, body: dict[str, Any], model: Model) -> tuple[str | None, str | None]:
    """``(relationship, column)`` of the resource's owner: the ``owner`` key's many-to-one
    to the auth model, or, over the auth model itself, the row's own key; else Nones."""
    auth_model = (ctx.get(("auth",)) or {}).get("model") if has_auth(ctx) else None
    name = body.get("owner")
    if name is None:
        if auth_model == model.name:
            return None, model.primary_key.name
        return None, None
    where: KeyPath = (*path, "owner")
    if auth_model is None:
        ctx.error(where, "owner names the logged-in user who made a row, so the spec needs auth: (session login)")
        return None, None
    rel = next((r for r in model.relationships if r.kind == "many_to_one" and name in (r.name, r.fk_column)), None)
    if rel is None:
        choices = [r.name for r in model.relationships if r.kind == "many_to_one"]
        ctx.error(where, f"'{name}' is not a many-to-one relationship of {model.name}{did_you_mean(name, choices)}; owner names the relationship to {auth_model}")
        return None, None
    if rel.model != auth_model:
        ctx.error(where, f"'{name}' points at {rel.model}; the owner must be a many-to-one to the auth model, {auth_model}")
        return None, None
    return rel.name, rel.fk_column


def open_warnings(data: Any) -> list[str]:
    """What a valid spec leaves open that people rarely mean to (``validate`` and ``new``
    print these): without ``auth``, every resource and upload anyone may change; with it,
    a resource over the auth model whose update or delete any account may use."""
    if not isinstance(data, dict):
        return []
    resources = data.get("resources") or {}
    uploads = data.get("uploads") or {}
    auth = data.get("auth")
    out = []
    if not isinstance(auth, dict):
        for key in resources if isinstance(resources, dict) else ():
            out.append(f"resources.{key}: anyone may create, change and delete its rows (the spec has no auth)")
        for name in uploads if isinstance(uploads, dict) else ():
            out.append(f"uploads.{name}: anyone may upload and download files (the spec has no auth)")
        return out
    for key, body in resources.items() if isinstance(resources, dict) else ():
        if not isinstance(body, dict) or body.get("model") != auth.get("model"):
            continue
        raw = body.get("access")
        rules = {a: raw.get(a, USER) for a in ("update", "delete")} if isinstance(raw, dict) else dict.fromkeys(("update", "delete"), raw or USER)
        loose = [a for a, rule in rules.items() if {USER, ANYONE} & set([rule] if isinstance(rule, str) else rule)]
        if loose:
            out.append(
                f"resources.{key}: any logged-in account may {' and '.join(loose)} every other account; "
                "give access such as {read: user, update: [owner, admin], delete: admin}"
            )
    return out
