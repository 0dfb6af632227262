"""Normalization of the keys beyond routing: models, uploads, hooks, middleware,
sessions, commands and logging."""

from __future__ import annotations

import keyword
import posixpath
import re
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec import routing
from flaskgen.core.spec.access import ANYONE, single_rule
from flaskgen.core.spec.auth import BLUEPRINT, auth_rules, normalize_auth
from flaskgen.core.spec.base import claim_rule
from flaskgen.core.spec.jobs import normalize_jobs
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.mail import normalize_mail
from flaskgen.core.spec.orm import normalize_models
from flaskgen.core.spec.resources import normalize_resources
from flaskgen.core.spec.routes import parse_rule
from flaskgen.core.spec.types import (
    AssociationTable,
    Auth,
    Command,
    CommandOption,
    Job,
    Mail,
    Model,
    Upload,
)

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx, RouteCheck
    from flaskgen.core.spec.resources import Resource

# Commands Flask (and Flask-Migrate) already provide on `flask`/`manage.py`.
BUILTIN_COMMANDS = frozenset({"run", "shell", "routes", "db"})
SIZE_RE = re.compile(r"^([0-9]+) ?(B|KB|MB|GB)$")
SIZE_FACTORS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
EXTENSION_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
# Names the generated hooks and templating modules import or define themselves.
RESERVED_FUNCTIONS = frozenset(
    {
        "annotations", "register_hooks", "register_templating", "make_session_permanent",
        "current_app", "g", "request", "session", "datetime", "UTC", "Flask", "Response", "Any",
    }
)  # fmt: skip
# Names the generated uploads module imports or defines; an upload may not take them.
RESERVED_UPLOADS = frozenset(
    {
        "annotations", "dataclass", "receive", "save", "allowed_extension", "storage_name",
        "limit_upload_size", "register_uploads", "uploads", "abort", "current_app", "flash",
        "redirect", "render_template", "request", "send_from_directory", "url_for", "secure_filename",
        "app", "send_upload", "os", "str", "int", "bool", "dict", "len", "max", "sorted",
        "frozenset", "property",
    }
)  # fmt: skip
# Names the generated commands module imports; a command's parameter may not take them.
# The command a spec with models gets (python manage.py seed).
SEED_COMMAND = "seed"
RESERVED_PARAMETERS = frozenset({"click", "with_appcontext", "annotations"})
# Names the generated middleware module imports or defines itself.
RESERVED_CLASSES = frozenset({"ProxyFix", "Flask", "Iterable", "StartResponse", "WSGIApplication", "WSGIEnvironment"})
OPTION_TYPES: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}


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
    auth: Auth | None = None
    resources: tuple[Resource, ...] = ()
    jobs: tuple[Job, ...] = ()
    mail: Mail | None = None
    # endpoint -> (variable sets of its rules, spec path), for redirect checks
    endpoints: dict[str, tuple[list[set[str]], KeyPath]] = field(default_factory=dict)

    def model_fields(self) -> dict[str, Any]:
        """The values that become fields of the same name on ``ProjectSpec``."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "endpoints"}


def parse_size(value: Any) -> int | None:
    """``2MB`` -> 2097152 (factors of 1024); an int is bytes already."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    match = SIZE_RE.match(str(value).strip())
    if match is None:
        raise ValueError(f"not a size: {value!r}")
    return int(match.group(1)) * SIZE_FACTORS[match.group(2)]


MAX_SIZE = 2**63 - 1
"""The largest size in bytes: what a signed 64-bit integer holds."""


def _max_size(ctx: Ctx, path: KeyPath, value: Any) -> int | None:
    """The upload's size limit in bytes; an overflowing size is a problem."""
    size = parse_size(value)
    if size is not None and size > MAX_SIZE:
        ctx.error(path, f"{value} is too large: sizes must be below 8 EiB (2**63 bytes)")
        return None
    return size


# -- uploads -------------------------------------------------------------------------------


def _upload_folder(ctx: Ctx, path: KeyPath, folder: str) -> str | None:
    """A relative folder inside the instance folder, normalized (``a/./b`` -> ``a/b``)."""
    text = folder.strip().replace("\\", "/")
    norm = posixpath.normpath(text) if text else ""
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        ctx.error(path, f"'{folder}' is an absolute path; write a folder relative to the instance folder, such as uploads")
    elif norm in ("", ".") or norm == ".." or norm.startswith("../"):
        ctx.error(path, f"'{folder}' is not inside the instance folder; write a subfolder such as uploads")
    else:
        return norm
    return None


def _upload_extensions(ctx: Ctx, path: KeyPath, raw: list[Any]) -> tuple[str, ...] | None:
    """``.PNG`` -> ``png``; empty or odd extensions are errors."""
    out = []
    ok = True
    for i, ext in enumerate(raw):
        clean = str(ext).strip().lstrip(".").lower()
        if not EXTENSION_RE.match(clean):
            ctx.error((*path, i), f"'{ext}' is not a file extension; write one such as png")
            ok = False
            continue
        out.append(clean)
    return tuple(dict.fromkeys(out)) if ok else None


def _upload(ctx: Ctx, rc: RouteCheck, name: str, body: dict[str, Any]) -> Upload | None:
    path: KeyPath = ("uploads", name)
    if name in RESERVED_UPLOADS or keyword.iskeyword(name):
        ctx.error(path, f"'{name}' is a name the generated uploads module uses itself; pick another upload name", key=True)
        return None
    folder = _upload_folder(ctx, (*path, "folder"), body["folder"])
    extensions = _upload_extensions(ctx, (*path, "extensions"), body["extensions"])
    serve_endpoint = f"{name}_file"
    endpoints = [name] + ([serve_endpoint] if body.get("serve") else [])
    for endpoint in endpoints:
        if endpoint in rc.endpoints:
            line = ctx.spec.pos(rc.endpoints[endpoint])[0]
            ctx.error(path, f"endpoint '{endpoint}' is already defined (line {line}); rename this upload", key=True)
            return None
    ok = folder is not None and extensions is not None
    rule = parse_rule(ctx, rc, (*path, "rule"), body["rule"], None)
    if rule is not None and rule.arguments:
        ctx.error((*path, "rule"), "an upload rule takes no URL variables")
        ok = False
    elif rule is not None:
        claim_rule(ctx, rc, (*path, "rule"), rule, name, ("GET", "POST"))
    if body.get("serve"):
        serve = parse_rule(ctx, rc, (*path, "serve"), body["serve"], None)
        if serve is not None and routing.rule_variables(serve) != ["filename"]:
            ctx.error((*path, "serve"), "the serve rule needs exactly one URL variable, <filename>")
            ok = False
        elif serve is not None:
            claim_rule(ctx, rc, (*path, "serve"), serve, serve_endpoint, ("GET",))
    for endpoint in endpoints:
        rc.endpoints.setdefault(endpoint, path)
    access = single_rule(ctx, path, body, closed=True)
    if not ok or rule is None or folder is None or extensions is None:
        return None
    return Upload(
        name=name,
        rule=body["rule"],
        field=body.get("field", "file"),
        extensions=extensions,
        max_size=_max_size(ctx, (*path, "max_size"), body.get("max_size")),
        folder=folder,
        serve=body.get("serve"),
        overwrite=bool(body.get("overwrite", False)),
        renamed_from=body.get("renamed_from"),
        login_required=access != (ANYONE,),
        access=access,
    )


def _uploads(ctx: Ctx, rc: RouteCheck, extras: Extras) -> None:
    raw = ctx.get(("uploads",), {}) or {}
    out = []
    for name, body in raw.items() if isinstance(raw, dict) else ():
        if not ctx.ok(("uploads", name)):
            continue
        upload = _upload(ctx, rc, name, body)
        extras.endpoints[name] = ([set()], ("uploads", name))
        if body.get("serve"):
            extras.endpoints[f"{name}_file"] = ([{"filename"}], ("uploads", name))
        if upload is not None:
            out.append(upload)
    extras.uploads = tuple(out)


# -- hooks, template filters and globals ---------------------------------------------------


def _functions(ctx: Ctx, extras: Extras) -> None:
    hooks = ctx.get(("hooks",), {}) or {}
    seen: dict[str, KeyPath] = {}
    kinds = []
    for kind in ("before_request", "after_request", "teardown_request", "context_processors"):
        ok = isinstance(hooks, dict) and ctx.ok(("hooks", kind))
        names = (hooks.get(kind) or []) if ok else []
        good = [name for i, name in enumerate(names) if _unique_function(ctx, seen, ("hooks", kind, i), name)]
        kinds.append((kind, tuple(good)))
    extras.hooks = tuple(k for k in kinds if k[1])
    for key in ("template_filters", "template_globals"):
        names = (ctx.get((key,), []) or []) if ctx.ok((key,)) else []
        good = [name for i, name in enumerate(names) if _unique_function(ctx, seen, (key, i), name)]
        setattr(extras, key, tuple(good))


def _unique_function(ctx: Ctx, seen: dict[str, KeyPath], path: KeyPath, name: str) -> bool:
    if keyword.iskeyword(name):
        ctx.error(path, f"'{name}' is a Python keyword; pick another function name")
    elif name in RESERVED_FUNCTIONS:
        ctx.error(path, f"'{name}' is a name the generated module uses itself; pick another function name")
    elif name in seen:
        ctx.error(path, f"'{name}' is already used at line {ctx.spec.pos(seen[name])[0]}; function names must be unique")
    else:
        seen[name] = path
        return True
    return False


# -- middleware, commands ------------------------------------------------------------------


def _middleware(ctx: Ctx, extras: Extras) -> None:
    raw = ctx.get(("middleware",), {}) or {}
    if not ctx.ok(("middleware",)) or not isinstance(raw, dict):
        return
    if "proxy_fix" in raw:
        extras.proxy_fix = tuple(sorted((raw["proxy_fix"] or {}).items()))
    custom = []
    for i, name in enumerate(raw.get("custom") or ()):
        if name == "ProxyFix":
            ctx.error(("middleware", "custom", i), "'ProxyFix' is werkzeug's; configure it with middleware.proxy_fix")
        elif name in RESERVED_CLASSES:
            ctx.error(("middleware", "custom", i), f"'{name}' is a name the generated middleware module imports; pick another class name")
        else:
            custom.append(name)
    extras.middleware = tuple(custom)


def _command_options(ctx: Ctx, path: KeyPath, arguments: tuple[str, ...], raw: dict[str, Any]) -> tuple[CommandOption, ...]:
    options = []
    for opt, spec in raw.items():
        spec = spec or {}
        opath = (*path, "options", opt)
        if opt in RESERVED_PARAMETERS or keyword.iskeyword(opt):
            ctx.error(opath, f"'{opt}' {_why_reserved(opt)}; pick another option name", key=True)
            continue
        if opt in arguments:
            ctx.error(opath, f"'{opt}' is already an argument of this command", key=True)
            continue
        default = spec.get("default")
        kind = spec.get("type") or (type(default).__name__ if default is not None else "str")
        if default is not None and not (isinstance(default, OPTION_TYPES[kind]) and not (kind != "bool" and isinstance(default, bool))):
            article = "an" if kind == "int" else "a"
            ctx.error((*opath, "default"), f"the default {default!r} is not {article} {kind}")
            continue
        options.append(CommandOption(opt, default, str(spec.get("help", "")), kind, bool(spec.get("required", False))))
    return tuple(options)


def _why_reserved(name: str) -> str:
    return "is a Python keyword" if keyword.iskeyword(name) else "is a name the generated commands module uses"


def _commands(ctx: Ctx, extras: Extras) -> None:
    raw = ctx.get(("commands",), {}) or {}
    out = []
    functions: dict[str, str] = {}
    for name, body in raw.items() if isinstance(raw, dict) else ():
        path: KeyPath = ("commands", name)
        if not ctx.ok(path):
            continue
        body = body or {}
        if name in BUILTIN_COMMANDS:
            ctx.error(path, f"'{name}' is a built-in flask command ({', '.join(sorted(BUILTIN_COMMANDS))}); pick another name", key=True)
            continue
        if name == SEED_COMMAND and ctx.get(("models",)):
            ctx.error(path, f"models: generates the {SEED_COMMAND} command (made-up rows for every table); remove this one or rename it", key=True)
            continue
        function_name = name.replace("-", "_") + "_command"
        if function_name in functions:
            other = functions[function_name]
            ctx.error(path, f"'{name}' and '{other}' differ only in - and _; give the commands distinct names", key=True)
            continue
        functions[function_name] = name
        arguments = tuple(body.get("arguments") or ())
        for i, argument in enumerate(arguments):
            if argument in RESERVED_PARAMETERS or keyword.iskeyword(argument):
                ctx.error((*path, "arguments", i), f"'{argument}' {_why_reserved(argument)}; pick another argument name")
        options = _command_options(ctx, path, arguments, body.get("options") or {})
        out.append(Command(name, function_name, str(body.get("help", "")), arguments, options))
    extras.commands = tuple(out)


def normalize_extras(ctx: Ctx, rc: RouteCheck) -> Extras:
    """Normalize the keys beyond routing (models live in :mod:`flaskgen.core.spec.orm`)."""
    extras = Extras()
    normalize_models(ctx, extras)
    _uploads(ctx, rc, extras)
    normalize_resources(ctx, rc, extras)
    _functions(ctx, extras)
    _middleware(ctx, extras)
    _commands(ctx, extras)
    extras.jobs = normalize_jobs(ctx)
    sessions = ctx.get(("sessions",), {}) or {}
    if isinstance(sessions, dict) and ctx.ok(("sessions",)):
        extras.session_permanent = bool(sessions.get("permanent", False))
    logging = ctx.get(("logging",), {}) or {}
    if isinstance(logging, dict) and ctx.ok(("logging",)):
        extras.log_level = logging.get("level")
        extras.log_format = logging.get("format")
    extras.mail = normalize_mail(ctx)
    normalize_auth(ctx, rc, extras)
    if extras.auth is not None:
        extras.endpoints.update(
            {f"{BLUEPRINT}.{key}": ([{"token"} if "<token>" in rule else set()], ("auth",)) for rule, key, _ in auth_rules(extras.auth)}
        )
    return extras
