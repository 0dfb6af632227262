"""Normalization of the keys beyond routing: models, uploads, hooks, middleware,
sessions, commands and logging."""

from __future__ import annotations

import keyword
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flaskgen.spec.loader import Path
from flaskgen.spec.model import (
    AssociationTable,
    Command,
    CommandOption,
    Model,
    Upload,
)
from flaskgen.spec.schema import did_you_mean

if TYPE_CHECKING:
    from flaskgen.spec.normalize import Ctx, RouteCheck

# Commands Flask (and Flask-Migrate) already provide on `flask`/`manage.py`.
BUILTIN_COMMANDS = frozenset({"run", "shell", "routes", "db"})
SIZE_FACTORS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


@dataclass
class Extras:
    models: tuple[Model, ...] = ()
    association_tables: tuple[AssociationTable, ...] = ()
    uploads: tuple[Upload, ...] = ()
    hooks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    template_filters: tuple[str, ...] = ()
    template_globals: tuple[str, ...] = ()
    proxy_fix: tuple[tuple[str, int], ...] | None = None
    middleware: tuple[str, ...] = ()
    session_permanent: bool = False
    commands: tuple[Command, ...] = ()
    log_level: str | None = None
    log_format: str | None = None
    # endpoint -> (variable sets of its rules, spec path), for redirect checks
    endpoints: dict[str, tuple[list[set[str]], Path]] = field(default_factory=dict)


def parse_size(value: Any) -> int | None:
    """``2MB`` -> 2097152; an int is bytes already."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).replace(" ", "")
    for unit in ("KB", "MB", "GB", "B"):
        if text.endswith(unit):
            return int(text[: -len(unit)]) * SIZE_FACTORS[unit]
    return int(text)


def _uploads(ctx: Ctx, rc: RouteCheck, extras: Extras) -> None:
    from flaskgen.spec.normalize import _parse_rule

    raw = ctx.get(("uploads",), {}) or {}
    out = []
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: Path = ("uploads", name)
        if not ctx.ok(path):
            continue
        folder = body["folder"]
        norm = posixpath.normpath(folder)
        if folder.startswith(("/", "\\")) or (len(folder) > 1 and folder[1] == ":") or norm.startswith(".."):
            ctx.error((*path, "folder"), f"'{folder}' must be a relative path inside the instance folder")
            continue
        extensions = []
        for i, ext in enumerate(body["extensions"]):
            clean = ext.strip().lstrip(".").lower()
            if not clean or not clean.replace("_", "").isalnum():
                ctx.error((*path, "extensions", i), f"'{ext}' is not a file extension such as png")
                continue
            extensions.append(clean)
        endpoints = [name] + ([f"{name}_file"] if body.get("serve") else [])
        for endpoint in endpoints:
            if endpoint in rc.endpoints:
                ctx.error(path, f"endpoint '{endpoint}' is already defined", key=True)
        rule = _parse_rule(ctx, rc, (*path, "rule"), body["rule"], None)
        if body.get("serve"):
            serve = _parse_rule(ctx, rc, (*path, "serve"), body["serve"], None)
            if serve is not None:
                from flaskgen.spec import routing

                if routing.rule_variables(serve) != ["filename"]:
                    ctx.error((*path, "serve"), "the serve rule needs exactly one variable, <filename>")
        if rule is not None and rule.arguments:
            ctx.error((*path, "rule"), "an upload rule takes no URL variables")
        for endpoint in endpoints:
            rc.endpoints.setdefault(endpoint, path)
        extras.endpoints[name] = ([set()], path)
        if body.get("serve"):
            extras.endpoints[f"{name}_file"] = ([{"filename"}], path)
        out.append(
            Upload(
                name=name,
                rule=body["rule"],
                field=body.get("field", "file"),
                extensions=tuple(dict.fromkeys(extensions)),
                max_size=parse_size(body.get("max_size")),
                folder=norm,
                serve=body.get("serve"),
                overwrite=bool(body.get("overwrite", False)),
                renamed_from=body.get("renamed_from"),
            )
        )
    extras.uploads = tuple(out)


def _functions(ctx: Ctx, extras: Extras) -> None:
    hooks = ctx.get(("hooks",), {}) or {}
    seen: dict[str, Path] = {}
    kinds = []
    for kind in ("before_request", "after_request", "teardown_request", "context_processors"):
        names = hooks.get(kind) or [] if isinstance(hooks, dict) and ctx.ok(("hooks", kind)) else []
        kinds.append((kind, tuple(names)))
        for i, name in enumerate(names):
            _unique_function(ctx, seen, ("hooks", kind, i), name)
    extras.hooks = tuple(k for k in kinds if k[1])
    for key in ("template_filters", "template_globals"):
        names = ctx.get((key,), []) or [] if ctx.ok((key,)) else []
        for i, name in enumerate(names):
            _unique_function(ctx, seen, (key, i), name)
        setattr(extras, key, tuple(names))


def _unique_function(ctx: Ctx, seen: dict[str, Path], path: Path, name: str) -> None:
    if keyword.iskeyword(name):
        ctx.error(path, f"'{name}' is a Python keyword; pick another function name")
    elif name in seen:
        ctx.error(path, f"'{name}' is already used at line {ctx.spec.pos(seen[name])[0]}; function names must be unique")
    seen[name] = path


def _middleware(ctx: Ctx, extras: Extras) -> None:
    raw = ctx.get(("middleware",), {}) or {}
    if not ctx.ok(("middleware",)) or not isinstance(raw, dict):
        return
    if "proxy_fix" in raw:
        extras.proxy_fix = tuple(sorted((raw["proxy_fix"] or {}).items()))
    extras.middleware = tuple(raw.get("custom") or ())
    if "ProxyFix" in extras.middleware:
        ctx.error(("middleware", "custom"), "'ProxyFix' is werkzeug's; use middleware.proxy_fix for it")


def _commands(ctx: Ctx, extras: Extras) -> None:
    raw = ctx.get(("commands",), {}) or {}
    out = []
    functions: dict[str, str] = {}
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: Path = ("commands", name)
        if not ctx.ok(path):
            continue
        body = body or {}
        if name in BUILTIN_COMMANDS:
            ctx.error(path, f"'{name}' is a built-in flask command; pick another name", key=True)
            continue
        function_name = name.replace("-", "_") + "_command"
        if function_name in functions:
            ctx.error(path, f"'{name}' and '{functions[function_name]}' are the same command name to click", key=True)
            continue
        functions[function_name] = name
        arguments = tuple(body.get("arguments") or ())
        options = []
        for opt, spec in (body.get("options") or {}).items():
            spec = spec or {}
            if opt in arguments:
                ctx.error((*path, "options", opt), f"'{opt}' is already an argument of this command", key=True)
                continue
            default = spec.get("default")
            kind = spec.get("type") or (type(default).__name__ if default is not None else "str")
            options.append(CommandOption(opt, default, str(spec.get("help", "")), kind, bool(spec.get("required", False))))
        out.append(Command(name, function_name, str(body.get("help", "")), arguments, tuple(options)))
    extras.commands = tuple(out)


def normalize_extras(ctx: Ctx, rc: RouteCheck) -> Extras:
    """Normalize the keys beyond routing (models live in :mod:`flaskgen.spec.models`)."""
    from flaskgen.spec.models import normalize_models

    extras = Extras()
    normalize_models(ctx, extras)
    _uploads(ctx, rc, extras)
    _functions(ctx, extras)
    _middleware(ctx, extras)
    _commands(ctx, extras)
    sessions = ctx.get(("sessions",), {}) or {}
    extras.session_permanent = bool(sessions.get("permanent", False)) if isinstance(sessions, dict) else False
    logging = ctx.get(("logging",), {}) or {}
    if isinstance(logging, dict) and ctx.ok(("logging",)):
        extras.log_level = logging.get("level")
        extras.log_format = logging.get("format")
    _ = did_you_mean
    return extras
