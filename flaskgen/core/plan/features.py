"""Uploads, sessions, hooks, template filters and globals, middleware, commands, logging.

Each feature becomes one module of the generated package with a ``register_*``
function that ``create_app`` calls, plus its own test module. Every name, literal
and expected value is computed here; the templates only loop and substitute.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flaskgen.core.plan import access
from flaskgen.core.plan.base import (
    Contribution,
    Extension,
    NoNames,
    Phase,
    PlannedFile,
    TypedView,
    shown,
)
from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec.config import ENV_RE, resolved_setting
from flaskgen.core.spec.types import Command, CommandOption, EnvRef, Project, ProjectSpec, Upload

if TYPE_CHECKING:  # the probe imports werkzeug, which planning does not need at run time
    from flaskgen.core.spec.probe import HttpCase

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FLASK_LOG_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"  # Flask's own
# Context processors whose name says "the current time" get it; others expose g.<key>.
TIME_KEYS = frozenset({"now", "today", "utcnow", "time", "timestamp"})
# Bootstrap 5 for the pages, its CSS and JS served from the package (no CDN).
BOOTSTRAP_REQUIREMENT = "Bootstrap-Flask>=2.6,<3"
# Extensions a test can post as "not accepted", first one the upload does not allow.
FOREIGN_EXTENSIONS = ("exe", "php", "sh", "html", "bin")
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)


# -- uploads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadCtx:
    """One upload, with every name and literal its module, template and tests need."""

    upload: Upload
    const: str  # AVATARS
    title: str
    template: str  # uploads/avatars.html
    config_key: str  # AVATARS_UPLOAD_FOLDER
    serve_endpoint: str | None
    extensions: tuple[str, ...]  # sorted
    extensions_expr: str  # frozenset({'gif', 'png'})
    accept: str  # .gif,.jpeg,.jpg,.png
    size_expr: str | None  # 2 * 1024 * 1024
    size_text: str | None  # 2 MB
    rule_doc: str
    serve_doc: str
    registrations: tuple[str, ...]
    allowed_name: str  # photo.png
    other_name: str  # photo-1.png (the second upload of the same name)
    foreign_name: str  # notes.exe
    serve_prefix: str  # the serve rule before <filename>
    serve_suffix: str
    guard: str | None = None  # the access decorator of its views


def _size(size: int) -> tuple[str, str]:
    """``2097152`` -> (``2 * 1024 * 1024``, ``2 MB``)."""
    for power, unit in ((3, "GB"), (2, "MB"), (1, "KB")):
        factor = 1024**power
        if size % factor == 0:
            return " * ".join([str(size // factor), *["1024"] * power]), f"{size // factor} {unit}"
    return str(size), f"{size} bytes"


def _serve_parts(rule: str) -> tuple[str, str]:
    """The download path before and after the file name, as werkzeug builds it (so a
    non-ASCII static part is percent-encoded, as ``url_for`` gives it)."""
    from werkzeug.routing import Map, Rule  # the spec stage has loaded it already

    start = rule.index("<")
    end = rule.index(">", start)
    name = rule[start + 1 : end].rpartition(":")[2]
    marker = "flaskgen-file-name-marker"
    built = Map([Rule(rule, endpoint="serve")]).bind("localhost").build("serve", {name: marker})
    before, _, after = built.partition(marker)
    return before, after


def _foreign_extension(allowed: tuple[str, ...]) -> str:
    """An extension the upload refuses: a risky one if it refuses any, else a made-up one
    (an upload may allow every extension in FOREIGN_EXTENSIONS)."""
    made_up = (f"x{i}" for i in range(len(allowed) + 1))
    return next(ext for ext in (*FOREIGN_EXTENSIONS, *made_up) if ext not in allowed)


def upload_ctx(upload: Upload) -> UploadCtx:
    extensions = tuple(sorted(upload.extensions))
    size_expr, size_text = _size(upload.max_size) if upload.max_size else (None, None)
    serve_endpoint = f"{upload.name}_file" if upload.serve else None
    registrations = [f"app.add_url_rule({upload.rule!r}, view_func={upload.name}, methods=['GET', 'POST'])"]
    if upload.serve:
        registrations.append(f"app.add_url_rule({upload.serve!r}, view_func={serve_endpoint})")
    first = upload.extensions[0]
    foreign = _foreign_extension(upload.extensions)
    prefix, suffix = _serve_parts(upload.serve) if upload.serve else ("", "")
    return UploadCtx(
        upload=upload,
        const=upload.name.upper(),
        title=upload.name.replace("_", " ").capitalize(),
        template=f"uploads/{upload.name}.html",
        config_key=f"{upload.name.upper()}_UPLOAD_FOLDER",
        serve_endpoint=serve_endpoint,
        extensions=extensions,
        extensions_expr="frozenset({" + ", ".join(repr(ext) for ext in extensions) + "})",
        accept=",".join(f".{ext}" for ext in extensions),
        size_expr=size_expr,
        size_text=size_text,
        rule_doc=f"GET {upload.rule}: the upload form; POST: save the file sent as ``{upload.field}``.",
        serve_doc=f"GET {upload.serve}: a file saved by the {upload.name} upload." if upload.serve else "",
        registrations=tuple(registrations),
        allowed_name=f"photo.{first}",
        other_name=f"photo-1.{first}",
        foreign_name=f"notes.{foreign}",
        serve_prefix=prefix,
        serve_suffix=suffix,
    )


# Extensions of files a browser would render or run: uploads.py serves them only as downloads.
ACTIVE_EXTENSIONS = ("htm", "html", "shtml", "xhtml", "xht", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "swf")


@dataclass(frozen=True)
class UploadsView(TypedView):
    """uploads.py and tests/test_uploads.py."""

    project: Project
    uploads: tuple[UploadCtx, ...]
    csrf: bool
    base_url: str
    error_413: str | None  # what the spec's own 413 page shows, if it has one
    login_only: tuple[str, ...]  # the uploads that need a logged-in user
    login_import: bool = False  # a view uses Flask-Login's login_required
    allow_import: bool = False  # a view uses the access module's allow(...)
    roles: tuple[str, ...] = ()  # the roles the tests' user holds: every one the uploads' rules name
    role_only: tuple[str, ...] = ()  # uploads whose rule a user without a role does not pass
    project_user: str = ""  # the auth model's class
    active_extensions: tuple[str, ...] = ACTIVE_EXTENSIONS
    sized: bool = False  # some upload has a size limit
    served: bool = False  # some upload's files are served
    active: bool = False  # ... and may be of a type a browser would run


    @property
    def login(self) -> bool:
        return bool(self.login_only)


@dataclass(frozen=True)
class UploadPageView(TypedView):
    """The HTML form of one upload."""

    csrf: bool
    item: UploadCtx


def _uploads(spec: ProjectSpec, out: Contribution) -> None:
    pkg = spec.project.package
    guards = [access.guard(u.access, ".access") for u in spec.uploads]
    uploads = [replace(upload_ctx(u), guard=g) for u, (_, g) in zip(spec.uploads, guards, strict=True)]
    modules = {i[1] for i, _ in guards if i is not None}
    roles = tuple(sorted({name for u in spec.uploads for name in u.access if spec.auth and name in spec.auth.roles}))
    base_url = spec.probe.base_url if spec.probe else "http://localhost"
    error_413 = next((_error_fragment(page) for page in spec.errors if page.code == 413), None)
    login_only = tuple(u.name for u in spec.uploads if u.login_required)
    view = UploadsView(spec.project, tuple(uploads), spec.project.csrf, base_url, error_413, login_only, "login_required" in modules, "allow" in modules, roles,
        tuple(u.name for u in spec.uploads if u.login_required and "user" not in u.access),
        spec.auth.model if spec.auth else "",
        sized=any(u.size_expr for u in uploads),
        served=any(u.serve_endpoint for u in uploads),
        active=any(u.serve_endpoint and set(u.extensions) & set(ACTIVE_EXTENSIONS) for u in uploads),
    )
    out.files.append(PlannedFile(f"{pkg}/uploads.py", "project/package/uploads.py.jinja", view, python=True))
    for item in uploads:
        page = UploadPageView(spec.project.csrf, item)
        out.files.append(PlannedFile(f"{pkg}/templates/{item.template}", "project/package/templates/upload.html.jinja", page))
    out.files.append(PlannedFile("tests/test_uploads.py", "project/tests/test_uploads.py.jinja", view, python=True))
    out.app_imports.append("from .uploads import register_uploads")
    out.setup.append((Phase.VIEWS, "register_uploads(app)"))
    out.conftest.append("uploads")


def _error_fragment(page: Any) -> str | None:
    if page.response.kind == "template":
        return shown(page.title)
    if page.response.kind in ("text", "html"):
        return (page.response.text or "").format() or None
    return None


# -- hooks, sessions, template filters and globals -----------------------------------------


@dataclass(frozen=True)
class HookCtx:
    kind: str  # before_request | after_request | teardown_request | context_processors
    name: str
    register: str  # app.before_request(name)
    key: str = ""  # context processors: the template variable
    time: bool = False  # context processors: the value is the current time
    registry: str = ""  # the Flask attribute that holds it, e.g. before_request_funcs

    @property
    def before(self) -> bool:
        return self.kind == "before_request"

    @property
    def after(self) -> bool:
        return self.kind == "after_request"

    @property
    def teardown(self) -> bool:
        return self.kind == "teardown_request"


@dataclass(frozen=True)
class HooksView(TypedView):
    """hooks.py and tests/test_hooks.py."""

    project: Project
    hooks: tuple[HookCtx, ...]
    headers: tuple[tuple[str, str], ...]
    permanent: bool
    base_url: str
    cookie_domain: str


REGISTER = {
    "before_request": "app.before_request",
    "after_request": "app.after_request",
    "teardown_request": "app.teardown_request",
    "context_processors": "app.context_processor",
}
REGISTRY = {
    "before_request": "before_request_funcs",
    "after_request": "after_request_funcs",
    "teardown_request": "teardown_request_funcs",
    "context_processors": "template_context_processors",
}


def hook_ctxs(spec: ProjectSpec) -> list[HookCtx]:
    out = []
    for kind, names in spec.hooks:
        for name in names:
            key = (name.removeprefix("inject_") or name) if kind == "context_processors" else ""
            out.append(HookCtx(kind, name, f"{REGISTER[kind]}({name})", key, key in TIME_KEYS, REGISTRY[kind]))
    return out


def _hooks(spec: ProjectSpec, out: Contribution) -> None:
    pkg = spec.project.package
    hooks = hook_ctxs(spec)
    if hooks or spec.session_permanent:
        base_url = spec.probe.base_url if spec.probe else "http://localhost"
        view = HooksView(
            spec.project,
            tuple(hooks),
            SECURITY_HEADERS,
            spec.session_permanent,
            base_url,
            urlsplit(base_url).hostname or "localhost",
        )
        out.files.append(PlannedFile(f"{pkg}/hooks.py", "project/package/hooks.py.jinja", view, python=True))
        out.files.append(PlannedFile("tests/test_hooks.py", "project/tests/test_hooks.py.jinja", view, python=True))
        out.app_imports.append("from .hooks import register_hooks")
        out.setup.append((Phase.HOOKS, "register_hooks(app)"))
    if spec.template_filters or spec.template_globals:
        templating = TemplatingView(spec.project, spec.template_filters, spec.template_globals, shown(spec.project.name))
        out.files.append(PlannedFile(f"{pkg}/templating.py", "project/package/templating.py.jinja", templating, python=True))
        out.files.append(PlannedFile("tests/test_templating.py", "project/tests/test_templating.py.jinja", templating, python=True))
        out.app_imports.append("from .templating import register_templating")
        out.setup.append((Phase.TEMPLATING, "register_templating(app)"))


@dataclass(frozen=True)
class TemplatingView(TypedView):
    """templating.py and tests/test_templating.py."""

    project: Project
    filters: tuple[str, ...]
    globals: tuple[str, ...]
    shown_name: str  # the project's name as a page shows it (HTML-escaped)


SECRET = "a-long-random-secret-for-the-tests-only"
MIN_SECRET_KEY_BYTES = 32  # what a deployed profile's SECRET_KEY must have at least


def production_environment(spec: ProjectSpec) -> dict[str, str]:
    """Environment variables that let every profile load in the generated tests; the
    ones production's SECRET_KEY reads hold a recognisable secret."""
    env: dict[str, str] = {}
    for profile in spec.profiles:
        for setting in profile.settings:
            env.update({name: "x" for name in setting.env_vars})
    env["SECRET_KEY"] = SECRET
    secret = resolved_setting(spec.profiles, "production", "SECRET_KEY")
    if secret is not None and isinstance(secret.value, EnvRef):
        env.update({match.group(1): SECRET for match in ENV_RE.finditer(secret.value.template)})
    return dict(sorted(env.items()))


def production_secret(spec: ProjectSpec, env: dict[str, str]) -> str:
    """Python source of the SECRET_KEY production loads under ``env``: the variable it
    reads, or its ``${...}`` template filled in."""
    secret = resolved_setting(spec.profiles, "production", "SECRET_KEY")
    if secret is None or not isinstance(secret.value, EnvRef):
        return 'PRODUCTION_ENVIRONMENT["SECRET_KEY"]'  # validation refuses a literal production key
    whole = ENV_RE.fullmatch(secret.value.template)
    if whole:
        return f"PRODUCTION_ENVIRONMENT[{pysrc(whole.group(1))}]"
    return pysrc(ENV_RE.sub(lambda m: env.get(m.group(1), m.group(2) or ""), secret.value.template))


@dataclass(frozen=True)
class SecurityView(TypedView):
    """tests/test_security.py."""

    project: Project
    csrf: bool
    environment: dict[str, str]  # lets the production profile load
    secret: str  # Python source of production's SECRET_KEY under that environment
    protected: list[HttpCase]  # requests that must carry the CSRF token
    exempt: list[HttpCase]  # ``csrf: false`` requests
    own_400_page: bool
    production_overrides: dict[str, str]  # config a production app needs in the tests


@dataclass(frozen=True)
class SecurityModuleView(TypedView):
    """<package>/security.py."""

    min_secret: int


def _security(spec: ProjectSpec, out: Contribution) -> None:
    """Session cookie flags of production and CSRF protection, tested."""
    http = spec.probe.http if spec.probe else ()
    environment = production_environment(spec)
    view = SecurityView(
        spec.project,
        spec.project.csrf,
        environment,
        production_secret(spec, environment),
        [c for c in http if c.token and not c.login],
        [c for c in http if c.exempt],
        any(page.code == 400 for page in spec.errors),
        {"SQLALCHEMY_DATABASE_URI": "sqlite://"} if spec.models else {},
    )
    pkg = spec.project.package
    out.files.append(PlannedFile(f"{pkg}/security.py", "project/package/security.py.jinja", SecurityModuleView(MIN_SECRET_KEY_BYTES), python=True))
    out.app_imports.append("from .security import register_security")
    out.setup.append((Phase.SECURITY, "register_security(app, profile)"))
    out.files.append(PlannedFile("tests/test_security.py", "project/tests/test_security.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_layout.py", "project/tests/test_layout.py.jinja", NoNames(), python=True))


# -- middleware, commands, logging ---------------------------------------------------------


@dataclass(frozen=True)
class MiddlewareView(TypedView):
    """middleware.py and tests/test_middleware.py."""

    project: Project
    classes: tuple[str, ...]  # the spec's WSGI middleware, "module:Class"
    proxy_fix: bool
    proxy_args: str  # ProxyFix's keyword arguments
    proxy_settings: tuple[tuple[str, int], ...]
    proxy_x_for: int
    base_url: str


def _middleware(spec: ProjectSpec, out: Contribution) -> None:
    if spec.proxy_fix is None and not spec.middleware:
        return
    pkg = spec.project.package
    proxy_args = ", ".join(f"{k}={v}" for k, v in spec.proxy_fix or ())
    proxy_values = dict(spec.proxy_fix or ())
    view = MiddlewareView(
        spec.project,
        spec.middleware,
        spec.proxy_fix is not None,
        proxy_args,
        spec.proxy_fix or (),
        proxy_values.get("x_for", 1),
        spec.probe.base_url if spec.probe else "http://localhost",
    )
    out.files.append(PlannedFile(f"{pkg}/middleware.py", "project/package/middleware.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_middleware.py", "project/tests/test_middleware.py.jinja", view, python=True))
    out.app_imports.append("from .middleware import apply_middleware")
    out.setup.append((Phase.MIDDLEWARE, "apply_middleware(app)"))


@dataclass(frozen=True)
class CommandCtx:
    command: Command
    decorators: tuple[str, ...]
    signature: str
    echo: str  # the f-string the default body prints
    doc: str
    args: tuple[str, ...]  # a sample invocation
    default_args: tuple[str, ...]  # arguments (and required options) only
    helps: tuple[str, ...]  # texts --help must show


SAMPLES = {"str": "x", "int": 7, "float": 1.5, "bool": True}


def _option_decorator(opt: CommandOption) -> str:
    """``@click.option(...)`` for one option of a command."""
    flag = f"--{opt.name.replace('_', '-')}"
    if opt.type == "bool":
        kwargs = [repr(f"{flag}/--no-{opt.name.replace('_', '-')}"), f"default={bool(opt.default)!r}"]
    else:
        kwargs = [repr(flag)]
        if opt.type != "str":
            kwargs.append(f"type={opt.type}")
        if opt.default is not None:
            kwargs.append(f"default={opt.default!r}")
    if opt.required:
        kwargs.append("required=True")
    if opt.default is not None or opt.type == "bool":
        kwargs.append("show_default=True")
    if opt.help:
        kwargs.append(f"help={opt.help!r}")
    return f"@click.option({', '.join(kwargs)})"


def command_ctx(command: Command) -> CommandCtx:
    """The view-model of one ``flask`` command: decorators, signature and test calls."""
    decorators = [f"@click.command({command.name!r})"]
    params: list[str] = []
    args: list[str] = []
    default_args: list[str] = []
    for i, name in enumerate(command.arguments):
        decorators.append(f"@click.argument({name!r})")
        params.append(f"{name}: str")
        args.append(str(3 + i))
        default_args.append(str(3 + i))
    for opt in command.options:
        flag = f"--{opt.name.replace('_', '-')}"
        decorators.append(_option_decorator(opt))
        optional = opt.default is None and opt.type != "bool" and not opt.required
        params.append(f"{opt.name}: {opt.type}{' | None' if optional else ''}")
        sample = SAMPLES[opt.type]
        args += [flag] if opt.type == "bool" else [flag, str(sample)]
        if opt.required:
            default_args += [flag] if opt.type == "bool" else [flag, str(sample)]
    decorators.append("@with_appcontext")
    names = [*command.arguments, *(o.name for o in command.options)]
    echo = "f" + repr(f"{command.name}: " + " ".join(f"{n}={{{n}}}" for n in names)) if names else repr(f"{command.name}: done")
    helps = tuple(" ".join(t.split()) for t in (command.help, *(o.help for o in command.options)) if t.strip())
    return CommandCtx(
        command=command,
        decorators=tuple(decorators),
        signature=", ".join(params),
        echo=echo,
        doc=command.help or f"Run {command.name}.",
        args=(command.name, *args),
        default_args=(command.name, *default_args),
        helps=helps,
    )


@dataclass(frozen=True)
class CommandsView(TypedView):
    """commands.py and tests/test_commands.py."""

    commands: tuple[CommandCtx, ...]
    has_db: bool = False  # the tests run each command against the test database


@dataclass(frozen=True)
class LoggingView(TypedView):
    """logconfig.py and tests/test_logging.py."""

    project: Project
    level: str
    below: str | None  # the level under ``level``, which the tests expect dropped
    log_format: str


def _commands(spec: ProjectSpec, out: Contribution) -> None:
    if not spec.commands:
        return
    pkg = spec.project.package
    view = CommandsView(tuple(command_ctx(c) for c in spec.commands), bool(spec.models))
    out.files.append(PlannedFile(f"{pkg}/commands.py", "project/package/commands.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_commands.py", "project/tests/test_commands.py.jinja", view, python=True))
    out.app_imports.append("from .commands import register_commands")
    out.setup.append((Phase.COMMANDS, "register_commands(app)"))


def _logging(spec: ProjectSpec, out: Contribution) -> None:
    """``logging:`` -> a ``dictConfig`` with a stream handler on the app's logger."""
    if spec.log_level is None and spec.log_format is None:
        return
    level = spec.log_level or "INFO"
    index = LOG_LEVELS.index(level)
    view = LoggingView(spec.project, level, LOG_LEVELS[index - 1] if index > 0 else None, spec.log_format or FLASK_LOG_FORMAT)
    pkg = spec.project.package
    out.files.append(PlannedFile(f"{pkg}/logconfig.py", "project/package/logconfig.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_logging.py", "project/tests/test_logging.py.jinja", view, python=True))
    out.app_imports.append("from .logconfig import configure_logging")
    out.setup.append((Phase.LOGGING, "configure_logging(app)"))


def _design(out: Contribution) -> None:
    """Bootstrap 5 for every page, served by the app itself (``BOOTSTRAP_SERVE_LOCAL``):
    Bootstrap-Flask ships its CSS and JS and serves them from ``/bootstrap/static``."""
    out.extensions.append(
        Extension(
            name="bootstrap",
            imports=("from flask_bootstrap import Bootstrap5",),
            definition="bootstrap = Bootstrap5()",
            init="bootstrap.init_app(app)",
        )
    )
    out.dependencies.append(BOOTSTRAP_REQUIREMENT)


def contribute(spec: ProjectSpec) -> Contribution:
    """Files and set-up for the keys beyond routing and models."""
    out = Contribution()
    if spec.project.csrf:
        out.extensions.append(
            Extension(
                name="csrf",
                imports=("from flask_wtf.csrf import CSRFProtect",),
                definition="csrf = CSRFProtect()",
                init="csrf.init_app(app)",
            )
        )
        out.dependencies.append("Flask-WTF>=1.2")
    _design(out)
    if spec.uploads:
        _uploads(spec, out)
    _hooks(spec, out)
    _security(spec, out)
    _middleware(spec, out)
    _commands(spec, out)
    _logging(spec, out)
    out.app_imports = list(dict.fromkeys(out.app_imports))
    return out
