"""What the normalization steps share: the context that collects problems, the route
checks across sections, reserved names, and the name helpers (``snake``, ``camel``)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import Map

from flaskgen.core.errors import Problem
from flaskgen.core.spec import routing
from flaskgen.core.spec.loader import KeyPath, LoadedSpec

PYTHONS = ("3.13", "3.12", "3.11")
"""The Pythons a generated project supports, newest first (its Docker image takes the
newest that ``project.python`` allows)."""

RESPONSE_KEYS = ("template", "text", "html", "json", "redirect", "redirect_to", "abort")


STANDARD_PROFILES = ("base", "development", "testing", "production")


# Modules of the generated package; a blueprint may not take one of these names.
APP_MODULES = frozenset(
    {
        "config", "views", "errors", "converters", "extensions", "models", "hooks",
        "templating", "middleware", "commands", "uploads", "templates", "static", "forms",
        "crud", "health", "logconfig", "security",
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
        if not self.bad:  # the common case: a spec without shape problems
            return True
        n = len(path)
        return not any(b[:n] == path or path[: len(b)] == b for b in self.bad if b)

    def sound(self, path: KeyPath) -> bool:
        """True if the schema found nothing wrong at or above ``path`` (parts below
        may be malformed; :meth:`usable` drops them)."""
        return not self.bad or not any(path[: len(b)] == b for b in self.bad if b)

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


_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_WORD_START = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``OrderItem`` -> ``order_item``; ``seed-db`` -> ``seed_db``."""
    name = _NOT_ALNUM.sub("_", name)
    name = _WORD_START.sub(r"_\1", name)
    return name.lower().strip("_")


def camel(name: str) -> str:
    """``show_user`` -> ``ShowUser``."""
    return "".join([part[:1].upper() + part[1:] for part in _NOT_ALNUM.split(name) if part])


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


def claim_rule(ctx: Ctx, rc: RouteCheck, path: KeyPath, rule: Any, endpoint: str, methods: tuple[str, ...]) -> None:
    """Report an upload rule that a route (or another upload) already answers."""
    signature = ("", routing.rule_signature(rule))
    for method in methods:
        claim = (*signature, method)
        if claim in rc.claimed and rc.claimed[claim][0] != endpoint:
            other, where = rc.claimed[claim]
            ctx.error(path, f"{method} {rule.rule} is already routed to '{other}' (line {ctx.spec.pos(where)[0]})")
        rc.claimed.setdefault(claim, (endpoint, path))
